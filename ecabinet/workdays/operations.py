"""Working days of the Vietnamese public service: the one module every deadline is counted with.

A day is a working day when it is Monday to Friday and not a public holiday (the ``holidays``
package's Vietnamese calendar: Tết Nguyên Đán and Giỗ Tổ Hùng Vương from the lunar calendar,
with the days the Government substitutes), unless an admin has recorded a correction for it
(``CalendarDay``): a day off, or a make-up working day on a weekend. Corrections win.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache

import holidays
import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.workdays.models import CalendarDay, DayKind

MAX_SPAN_DAYS = 3660
"""Counting stops after about ten years: a longer span is a typing error, not a deadline."""


class Calendar:
    """Working days over a span of dates, with the admins' corrections loaded once."""

    def __init__(self, overrides: dict[date, DayKind]) -> None:
        self._overrides = overrides

    @classmethod
    def load(cls, first: date | None = None, last: date | None = None) -> Calendar:
        query = sa.select(CalendarDay.day, CalendarDay.kind)
        if first is not None:
            query = query.where(CalendarDay.day >= first)
        if last is not None:
            query = query.where(CalendarDay.day <= last)
        return cls({day: kind for day, kind in db.session.execute(query)})

    def is_working_day(self, day: date) -> bool:
        override = self._overrides.get(day)
        if override is not None:
            return override == DayKind.WORKING_DAY
        return day.weekday() < 5 and day not in public_holidays(day.year)

    def add(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (before it when negative); ``start`` is not counted,
        and ``count == 0`` gives ``start`` itself when it is a working day, else the next one."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        if remaining == 0:
            return next(d for d in _days(start, step) if self.is_working_day(d))
        for day in _days(start + timedelta(days=step), step):
            if self.is_working_day(day):
                remaining -= 1
                if remaining == 0:
                    return day
        raise AssertionError("unreachable")  # _days raises first

    def between(self, first: date, last: date) -> int:
        """Working days after ``first`` up to and including ``last`` (negative when ``last`` comes first)."""
        if last < first:
            return -self.between(last, first)
        if (last - first).days > MAX_SPAN_DAYS:
            raise ValueError("span too long")
        return sum(1 for offset in range(1, (last - first).days + 1)
                   if self.is_working_day(first + timedelta(days=offset)))


def _days(start: date, step: int) -> Iterator[date]:
    day = start
    for _ in range(MAX_SPAN_DAYS):
        yield day
        day += timedelta(days=step)
    raise ValueError("no working day within ten years")


@lru_cache(maxsize=64)
def public_holidays(year: int) -> holidays.HolidayBase:
    """Vietnam's public holidays of ``year`` with their Vietnamese names."""
    return holidays.country_holidays("VN", years=year, language="vi")


def _calendar_around(*days: date) -> Calendar:
    return Calendar.load(min(days) - timedelta(days=MAX_SPAN_DAYS), max(days) + timedelta(days=MAX_SPAN_DAYS))


def is_working_day(day: date) -> bool:
    return Calendar.load(day, day).is_working_day(day)


def add_working_days(start: date, count: int) -> date:
    """See ``Calendar.add``: e.g. a deadline "10 working days from issue", or "5 working days before"."""
    return _calendar_around(start).add(start, count)


def working_days_between(first: date, last: date) -> int:
    return _calendar_around(first, last).between(first, last)
