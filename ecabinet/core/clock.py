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


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekday_vi(day: date) -> str:
    return WEEKDAYS_VI[day.weekday()]
