"""Tasks (nhiệm vụ) that agencies carry out and report on: from the directives of issued notices, or entered."""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.accounts.models import User
from ecabinet.core.db import TimestampMixin, db, enum_type
from ecabinet.org.models import Sector, Unit


class TaskSource(enum.StrEnum):
    NOTICE = "notice"
    """A directive of an issued conclusion notice."""
    PROGRAMME = "programme"
    GOVERNMENT = "government"
    MANUAL = "manual"


class TaskStatus(enum.StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    REPORTED_DONE = "reported_done"
    VERIFIED_DONE = "verified_done"
    CANCELLED = "cancelled"
    MERGED = "merged"


task_coordinators = sa.Table(
    "task_coordinators",
    db.metadata,
    sa.Column("task_id", sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id", ondelete="RESTRICT"), primary_key=True),
)


class Task(TimestampMixin, db.Model):
    __tablename__ = "tasks"
    __auditable__ = True
    __table_args__ = (
        sa.CheckConstraint("source <> 'notice' OR (notice_id IS NOT NULL AND directive_id IS NOT NULL)",
                           name="notice_task_has_directive"),
        sa.Index("ix_tasks_lead_unit_deadline", "lead_unit_id", "deadline_on"),
        sa.Index("ix_tasks_status_deadline", "status", "deadline_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    content: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[TaskSource] = mapped_column(enum_type(TaskSource, "source"), default=TaskSource.MANUAL)
    notice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notices.id", ondelete="RESTRICT"), index=True)
    directive_id: Mapped[int | None] = mapped_column(sa.ForeignKey("directives.id", ondelete="RESTRICT"),
                                                     unique=True)
    """A directive becomes one task, once, however often issuing is retried."""
    source_reference: Mapped[str] = mapped_column(sa.String(255), default="")
    """The document it comes from as people cite it: "Thông báo số 15/TB-UBND ngày 02/12/2026"."""
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    """The leader who gave the task (the chair of the meeting for a notice)."""
    lead_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="RESTRICT"))
    sector_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sectors.id"), index=True)
    deadline_on: Mapped[date | None]
    """The last day, in the province's calendar; None for a task without a deadline."""
    report_required: Mapped[bool] = mapped_column(default=False)
    status: Mapped[TaskStatus] = mapped_column(enum_type(TaskStatus, "status"), default=TaskStatus.NEW)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    lead_unit: Mapped[Unit] = relationship(lazy="joined")
    sector: Mapped[Sector | None] = relationship()
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])
    coordinating_units: Mapped[list[Unit]] = relationship(secondary=task_coordinators, order_by=Unit.name)
