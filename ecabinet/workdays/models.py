"""Days that the Vietnamese public-holiday calendar does not know: days off and make-up working days."""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ecabinet.core.db import TimestampMixin, db, enum_type


class DayKind(enum.StrEnum):
    DAY_OFF = "day_off"
    """A day without work although the calendar says otherwise (e.g. a bridge day the Government grants)."""
    WORKING_DAY = "working_day"
    """A working day although it falls on a weekend (a make-up day, làm bù)."""


class CalendarDay(TimestampMixin, db.Model):
    """An admin's correction of the calendar for one date; it wins over weekends and public holidays."""

    __tablename__ = "calendar_days"
    __auditable__ = True

    day: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[DayKind] = mapped_column(enum_type(DayKind, "kind"))
    reason: Mapped[str] = mapped_column(sa.String(255))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
