"""Conclusions of a meeting and their directives (chỉ đạo)."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.db import TimestampMixin, db, enum_type
from ecabinet.meetings.models import Meeting
from ecabinet.org.models import Unit
from ecabinet.org.reorganisation.references import UnitReference, moves_with_unit
from ecabinet.tasks.models import Task


class DeadlineKind(enum.StrEnum):
    NONE = "none"
    DATE = "date"
    WORKING_DAYS = "working_days"
    """N working days from the day the notice is issued (Vietnamese calendar, see ``workdays``)."""


class Conclusion(TimestampMixin, db.Model):
    """What the chair concluded on one agenda item (or on the meeting as a whole, without an item)."""

    __tablename__ = "conclusions"
    __auditable__ = True
    __table_args__ = (sa.Index("ix_conclusions_meeting", "meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="SET NULL"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    """Optimistic lock: a save based on an older version is refused (409)."""

    __mapper_args__: dict[str, Any] = {"version_id_col": version}

    meeting: Mapped[Meeting] = relationship()
    directives: Mapped[list[Directive]] = relationship(back_populates="conclusion", cascade="all, delete-orphan",
                                                       order_by="(Directive.position, Directive.id)")


directive_coordinators = sa.Table(
    "directive_coordinators",
    db.metadata,
    sa.Column("directive_id", sa.ForeignKey("directives.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id", ondelete="RESTRICT"), primary_key=True),
)


class Directive(TimestampMixin, db.Model):
    """One instruction of a conclusion: it becomes a task of its lead agency when the notice is issued."""

    __tablename__ = "directives"
    __auditable__ = True
    __table_args__ = (
        sa.CheckConstraint("(deadline_kind = 'date') = (deadline_on IS NOT NULL)", name="date_deadline_has_date"),
        sa.CheckConstraint("(deadline_kind = 'working_days') = (deadline_working_days IS NOT NULL)",
                           name="working_day_deadline_has_count"),
        sa.CheckConstraint("deadline_working_days IS NULL OR deadline_working_days BETWEEN 1 AND 365",
                           name="working_days_in_range"),
        sa.Index("ix_directives_conclusion", "conclusion_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conclusion_id: Mapped[int] = mapped_column(sa.ForeignKey("conclusions.id", ondelete="CASCADE"))
    position: Mapped[int]
    content: Mapped[str] = mapped_column(sa.Text)
    lead_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    """The agency in charge (cơ quan chủ trì)."""
    deadline_kind: Mapped[DeadlineKind] = mapped_column(enum_type(DeadlineKind, "deadline_kind"),
                                                        default=DeadlineKind.NONE)
    deadline_on: Mapped[date | None]
    deadline_working_days: Mapped[int | None]
    report_required: Mapped[bool] = mapped_column(default=False)
    """The lead agency must report the result (báo cáo kết quả) to the UBND."""

    conclusion: Mapped[Conclusion] = relationship(back_populates="directives")
    lead_unit: Mapped[Unit] = relationship(lazy="joined")
    coordinating_units: Mapped[list[Unit]] = relationship(secondary=directive_coordinators, order_by=Unit.name)


_directives = Directive.__table__.c
_not_yet_a_task = _directives.id.notin_(sa.select(Task.directive_id).where(Task.directive_id.isnot(None)))
"""A directive of a notice not issued yet: its lead agency gets the task when it is."""
moves_with_unit(UnitReference("directive", _directives.lead_unit_id, _directives.id, _directives.content,
                              _not_yet_a_task))
moves_with_unit(UnitReference(
    "directive_coordinator", directive_coordinators.c.unit_id, directive_coordinators.c.directive_id,
    sa.select(_directives.content).where(_directives.id == directive_coordinators.c.directive_id).scalar_subquery(),
    directive_coordinators.c.directive_id.in_(sa.select(_directives.id).where(_not_yet_a_task)),
    unique_with=(directive_coordinators.c.directive_id,),
    lead=sa.select(_directives.lead_unit_id).where(_directives.id == directive_coordinators.c.directive_id)
    .scalar_subquery(), lead_subjects=("directive",)))
