"""Local calendar arithmetic in the province's zone (timestamps stay UTC)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ecabinet.core.i18n import local_zone

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def local_date(moment: datetime) -> date:
    return moment.astimezone(local_zone()).date()


def start_of_day(day: date) -> datetime:
    """The instant a local day begins."""
    return datetime.combine(day, time(), local_zone())


def day_bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """The instants from the start of local day ``first`` to the end of ``last`` (both included)."""
    return (start_of_day(first) if first else None, start_of_day(last + timedelta(days=1)) if last else None)


def local_moment(day: date, hhmm: str) -> datetime:
    """A local date and ``HH:MM`` (``core.schemas.HHMM``) as an aware instant in the province's zone."""
    hours, minutes = hhmm.replace("h", ":").replace("H", ":").replace(".", ":").split(":")
    return datetime.combine(day, time(int(hours), int(minutes)), local_zone())


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekday_vi(day: date) -> str:
    return WEEKDAYS_VI[day.weekday()]
