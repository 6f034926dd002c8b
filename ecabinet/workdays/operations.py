"""Working days of the Vietnamese public service: the one module every deadline is counted with.

A day is a working day when it is Monday to Friday and not a public holiday (the ``holidays``
package's Vietnamese calendar: Tết Nguyên Đán and Giỗ Tổ Hùng Vương from the lunar calendar,
with the days the Government substitutes), unless an admin has recorded a correction for it
(``CalendarDay``): a day off, or a make-up working day on a weekend. Corrections win.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays
import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _

from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.i18n import format_date
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
        return is_public_working_day(day)

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
    for _step in range(MAX_SPAN_DAYS):
        yield day
        day += timedelta(days=step)
    raise ValueError("no working day within ten years")


HOLIDAY_LANGUAGES = {"vi": "vi", "en": "en_US"}
"""The ``holidays`` package's name of each interface language."""


@lru_cache(maxsize=64)
def public_holidays(year: int, language: str = "vi") -> holidays.HolidayBase:
    """Vietnam's public holidays of ``year``, named in ``language`` (Vietnamese unless told)."""
    return holidays.country_holidays("VN", years=year, language=language)


def _named_holidays(year: int) -> holidays.HolidayBase:
    """The public holidays named in the user's language."""
    return public_holidays(year, HOLIDAY_LANGUAGES.get(str(get_locale()), "vi"))


def is_public_working_day(day: date) -> bool:
    """What the weekends and the public holidays alone say, without the admins' corrections."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def _calendar_around(*days: date) -> Calendar:
    return Calendar.load(min(days) - timedelta(days=MAX_SPAN_DAYS), max(days) + timedelta(days=MAX_SPAN_DAYS))


def is_working_day(day: date) -> bool:
    return Calendar.load(day, day).is_working_day(day)


def add_working_days(start: date, count: int) -> date:
    """See ``Calendar.add``: e.g. a deadline "10 working days from issue", or "5 working days before"."""
    return _calendar_around(start).add(start, count)


def working_days_between(first: date, last: date) -> int:
    return _calendar_around(first, last).between(first, last)


# --- the admins' corrections and the year's calendar -------------------------------------------

FIRST_YEAR = 2000
LAST_YEAR = 2100
"""Years the calendar can be looked at and corrected: anything else is a typing error."""


class Source(enum.StrEnum):
    PUBLIC = "public"
    """The public-holiday calendar (the ``holidays`` package)."""
    ADMIN = "admin"
    """A correction an admin recorded (``CalendarDay``)."""


@dataclass(frozen=True)
class CalendarEntry:
    """A day that is not what its weekday suggests: a weekday off, or a working day on a weekend or holiday."""

    day: date
    kind: DayKind
    name: str
    """The holiday's Vietnamese name, or the admin's reason."""
    source: Source
    public_name: str | None = None
    """For a correction on a public holiday: the holiday it overrides."""


def check_year(year: int, field: str = "year") -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError("year_out_of_range", _("Choose a year from %(first)d to %(last)d.", first=FIRST_YEAR,
                                                 last=LAST_YEAR), field)


def _unchanged_message(day: date, kind: DayKind) -> str:
    if kind == DayKind.WORKING_DAY:
        return _("%(date)s is already a working day: a make-up working day must fall on a weekend or a public "
                 "holiday.", date=format_date(day))
    name = _named_holidays(day.year).get(day)
    if name:
        return _("%(date)s is already a day off (%(name)s).", date=format_date(day), name=name)
    return _("%(date)s is already a day off (a weekend).", date=format_date(day))


def set_day(day: date, kind: DayKind | str, reason: str, actor: Any) -> CalendarDay:
    """Record or change the correction of ``day``; one that would leave the public calendar as it is is refused."""
    kind = DayKind(kind)
    reason = reason.strip()
    check_year(day.year, "day")
    if not reason:
        raise DomainError("reason_required", _("Give the reason, e.g. the decision that grants the day."), "reason")
    if (kind == DayKind.WORKING_DAY) == is_public_working_day(day):
        raise DomainError("no_change", _unchanged_message(day, kind), "day")
    entry = db.session.get(CalendarDay, day)
    if entry is None:
        entry = CalendarDay(day=day, kind=kind, reason=reason, created_by_id=getattr(actor, "id", None))
        db.session.add(entry)
    else:
        entry.kind, entry.reason = kind, reason
    db.session.flush()
    return entry


def remove_day(day: date) -> None:
    """Remove the correction of ``day``: the public calendar applies again."""
    entry = db.session.get(CalendarDay, day)
    if entry is None:
        raise DomainError("not_found", _("No correction is recorded for %(date)s.", date=format_date(day)), "day", 404)
    db.session.delete(entry)
    db.session.flush()


def corrections(year: int) -> list[CalendarDay]:
    query = sa.select(CalendarDay).where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
    return list(db.session.scalars(query.order_by(CalendarDay.day)))


def year_calendar(year: int) -> list[CalendarEntry]:
    """Every weekday off and every make-up working day of ``year``, in date order.

    Public holidays on a weekend change nothing and are left out; every correction is listed, so that an
    admin can always see and remove it.
    """
    public = _named_holidays(year)
    recorded = corrections(year)
    corrected = {c.day for c in recorded}
    entries = [CalendarEntry(day, DayKind.DAY_OFF, name, Source.PUBLIC)
               for day, name in public.items()
               if day.year == year and day.weekday() < 5 and day not in corrected]
    entries += [CalendarEntry(c.day, c.kind, c.reason, Source.ADMIN, public.get(c.day)) for c in recorded]
    return sorted(entries, key=lambda e: e.day)


def working_days_in_year(year: int) -> int:
    first, last = date(year, 1, 1), date(year, 12, 31)
    return Calendar.load(first, last).between(first - timedelta(days=1), last)
