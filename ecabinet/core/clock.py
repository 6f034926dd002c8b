"""The clock: "now" in UTC, today's date and local calendar arithmetic in the province's zone (timestamps stay UTC).

Every "now" of the application comes from ``utcnow`` and every "today" from ``today``, so that one setting
(``ECABINET_CLOCK_OFFSET_SECONDS``) moves the whole server in time."""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta, timezone

from ecabinet.core.i18n import local_zone

CLOCK_OFFSET = timedelta(seconds=float(os.environ.get("ECABINET_CLOCK_OFFSET_SECONDS") or 0))
"""Shifts the server's clock: the test suite runs every process on one fixed calendar day, whatever the real
date, so that its fixed meeting dates stay in the future. The app logs a warning at start when it is set."""

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC. Every stored timestamp and every "now" comes from here."""
    return datetime.now(timezone.utc) + CLOCK_OFFSET


def today() -> date:
    """The province's current calendar day."""
    return local_date(utcnow())


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


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
"""The days the server accepts from clients: far enough from ``date.min``/``date.max`` that week, working-day
and time-zone arithmetic never leaves the calendar (an OverflowError, a 500)."""


def supported(day: date) -> bool:
    return FIRST_DAY <= (day.date() if isinstance(day, datetime) else day) <= LAST_DAY


def parse_day(text: str) -> date | None:
    """A ``YYYY-MM-DD`` of a path, or None when it is no date or one outside the supported days."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if supported(day) else None


def weekday_vi(day: date) -> str:
    return WEEKDAYS_VI[day.weekday()]
