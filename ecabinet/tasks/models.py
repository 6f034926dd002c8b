"""Tasks (nhiệm vụ) that agencies carry out and report on: from the directives of issued notices, or entered."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.accounts.models import User
from ecabinet.core.db import TimestampMixin, db, enum_type, stored_file_column
from ecabinet.org.models import Sector, Unit
from ecabinet.org.reorganisation.references import UnitReference, moves_with_unit


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


OPEN_STATUSES = (TaskStatus.NEW, TaskStatus.IN_PROGRESS)
DONE_STATUSES = (TaskStatus.REPORTED_DONE, TaskStatus.VERIFIED_DONE)
CLOSED_STATUSES = (TaskStatus.CANCELLED, TaskStatus.MERGED)
"""Tasks that no longer count: not in statistics of what is due, never reminded."""


class Priority(enum.StrEnum):
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Recurrence(enum.StrEnum):
    NONE = "none"
    MONTHLY = "monthly"
    """A periodic report (báo cáo định kỳ) due every month; ``deadline_on`` is the next one."""
    QUARTERLY = "quarterly"


task_coordinators = sa.Table(
    "task_coordinators",
    db.metadata,
    sa.Column("task_id", sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id", ondelete="RESTRICT"), primary_key=True),
    sa.Index("ix_task_coordinators_unit", "unit_id"),
)


class Task(TimestampMixin, db.Model):
    __tablename__ = "tasks"
    __auditable__ = True
    __table_args__ = (
        # The directive's own task names it (``directive_id``); its parts per agency and its later periods name
        # the notice only, and count as the notice's tasks too.
        sa.CheckConstraint("source <> 'notice' OR notice_id IS NOT NULL", name="notice_task_names_notice"),
        sa.CheckConstraint("progress_percent BETWEEN 0 AND 100", name="progress_in_range"),
        sa.CheckConstraint("status NOT IN ('cancelled', 'merged') OR status_reason IS NOT NULL",
                           name="closed_has_reason"),
        sa.CheckConstraint("status <> 'merged' OR merged_into_id IS NOT NULL", name="merged_has_target"),
        sa.CheckConstraint("status NOT IN ('reported_done', 'verified_done') OR completed_on IS NOT NULL",
                           name="done_has_completion_day"),
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        sa.CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_merged_into_itself"),
        sa.CheckConstraint("recurrence = 'none' OR (deadline_on IS NOT NULL AND recurrence_anchor_on IS NOT NULL)",
                           name="periodic_report_has_deadline"),
        sa.CheckConstraint("recurrence_until IS NULL OR recurrence <> 'none'", name="until_only_when_periodic"),
        sa.Index("ix_tasks_lead_unit_deadline", "lead_unit_id", "deadline_on"),
        sa.Index("ix_tasks_status_deadline", "status", "deadline_on"),
        sa.Index("ix_tasks_assigned_by_deadline", "assigned_by_id", "deadline_on"),
        sa.Index("ix_tasks_sector_deadline", "sector_id", "deadline_on"),
        sa.Index("ix_tasks_source_deadline", "source", "deadline_on"),
        sa.Index("ix_tasks_created_at", "created_at"),
        # Statistics over a period read only this index (SQLite: no table lookups for 20,000 rows a year).
        sa.Index("ix_tasks_deadline_covering", "deadline_on", "status", "completed_on", "lead_unit_id",
                 "assigned_by_id", "sector_id", "source"),
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
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    """The leader who gave the task (the chair of the meeting for a notice)."""
    lead_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    sector_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sectors.id"))
    deadline_on: Mapped[date | None]
    """The last day now, in the province's calendar, after any extension; None for a task without a deadline."""
    original_deadline_on: Mapped[date | None]
    """The deadline first given: statistics can count by it or by the final one."""
    report_required: Mapped[bool] = mapped_column(default=False)
    status: Mapped[TaskStatus] = mapped_column(enum_type(TaskStatus, "status"), default=TaskStatus.NEW)
    status_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    """Why it was cancelled or merged."""
    priority: Mapped[Priority] = mapped_column(enum_type(Priority, "priority"), default=Priority.NORMAL)
    recurrence: Mapped[Recurrence] = mapped_column(enum_type(Recurrence, "recurrence"), default=Recurrence.NONE)
    recurrence_anchor_on: Mapped[date | None]
    """A periodic report's first deadline: each period's deadline is this day of the month, months later
    (the month's last day when it is shorter), so that 31/01 gives 28/02 and then 31/03 again."""
    recurrence_until: Mapped[date | None]
    """The last day a period's deadline may fall on; None: until the task is cancelled."""
    previous_period_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="RESTRICT"),
                                                           unique=True)
    """The previous period's report of the same periodic task: each period is a task of its own, counted on
    its own deadline, and a period has at most one next (rolled on once however often the job runs)."""
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="RESTRICT"), index=True)
    """The directive this is one agency's part of (one directive to all districts is split per district)."""
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="RESTRICT"))
    progress_percent: Mapped[int] = mapped_column(default=0)
    completed_on: Mapped[date | None]
    """The local day the lead agency reported it done: on time when not after the deadline."""
    reported_done_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    """Optimistic lock: a change based on an older version is refused (409)."""

    __mapper_args__: dict[str, Any] = {"version_id_col": version}

    lead_unit: Mapped[Unit] = relationship(lazy="joined")
    sector: Mapped[Sector | None] = relationship()
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])
    coordinating_units: Mapped[list[Unit]] = relationship(secondary=task_coordinators, order_by=Unit.name)
    parent: Mapped[Task | None] = relationship(remote_side=[id], foreign_keys=[parent_id], back_populates="parts")
    previous_period: Mapped[Task | None] = relationship(remote_side=[id], foreign_keys=[previous_period_id])
    parts: Mapped[list[Task]] = relationship(foreign_keys=[parent_id], back_populates="parent", order_by="Task.id")
    deadline_changes: Mapped[list[DeadlineChange]] = relationship(back_populates="task", order_by="DeadlineChange.id",
                                                                  cascade="all, delete-orphan")


class DeadlineChange(db.Model):
    """One change of a task's deadline: an extension granted, or a correcting notice."""

    __tablename__ = "task_deadline_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    old_deadline_on: Mapped[date | None]
    new_deadline_on: Mapped[date | None]
    reason: Mapped[str] = mapped_column(sa.String(1000))
    extension_request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("task_extension_requests.id"))
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    changed_at: Mapped[datetime]

    task: Mapped[Task] = relationship(back_populates="deadline_changes")
    changed_by: Mapped[User | None] = relationship()


class ExtensionStatus(enum.StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class ExtensionRequest(db.Model):
    """A request for more time (xin gia hạn) from the lead agency, decided by the assigning side."""

    __tablename__ = "task_extension_requests"
    __table_args__ = (
        sa.Index("uq_task_extension_requests_one_pending", "task_id", unique=True,
                 sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'")),
        sa.CheckConstraint("status = 'pending' OR decided_at IS NOT NULL", name="decision_recorded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime]
    requested_deadline_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(2000))
    status: Mapped[ExtensionStatus] = mapped_column(enum_type(ExtensionStatus, "status"),
                                                    default=ExtensionStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(sa.String(2000))

    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class ProgressReport(db.Model):
    """The lead agency's report on a task (text, percent, files); ``done`` reports it finished."""

    __tablename__ = "task_progress_reports"
    __table_args__ = (sa.CheckConstraint("percent BETWEEN 0 AND 100", name="percent_in_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    percent: Mapped[int]
    done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]

    author: Mapped[User] = relationship()
    unit: Mapped[Unit] = relationship()
    attachments: Mapped[list[ReportAttachment]] = relationship(back_populates="report", cascade="all, delete-orphan",
                                                               order_by="ReportAttachment.id")


class ReportAttachment(db.Model):
    __tablename__ = "task_report_attachments"
    __table_args__ = (sa.CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("task_progress_reports.id", ondelete="CASCADE"),
                                           index=True)
    sha256: Mapped[str] = stored_file_column()
    """The file in the content store (core.storage)."""
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(127))
    size: Mapped[int] = mapped_column(sa.BigInteger)

    report: Mapped[ProgressReport] = relationship(back_populates="attachments")


class TaskComment(db.Model):
    """A coordinating agency's (or the Office's) remark on a task."""

    __tablename__ = "task_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime]

    author: Mapped[User] = relationship()


class TaskReminder(db.Model):
    """A reminder sent about a task, recorded by the job in the same transaction: ``key`` names which one
    ("before:2026-12-10", "due", "overdue:2026-12-14", "escalation"), so that no reminder goes out twice."""

    __tablename__ = "task_reminders"
    __table_args__ = (sa.UniqueConstraint("task_id", "key", name="uq_task_reminders_task_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(64))
    sent_at: Mapped[datetime]


_tasks = Task.__table__.c
_open_task = _tasks.status.in_([s.value for s in OPEN_STATUSES])
moves_with_unit(UnitReference("task", _tasks.lead_unit_id, _tasks.id, _tasks.content,
                              sa.and_(_open_task, _tasks.parent_id.is_(None)), version=_tasks.version))
moves_with_unit(UnitReference("task_part", _tasks.lead_unit_id, _tasks.id, _tasks.content,
                              sa.and_(_open_task, _tasks.parent_id.isnot(None)), version=_tasks.version))
moves_with_unit(UnitReference(
    "task_coordinator", task_coordinators.c.unit_id, task_coordinators.c.task_id,
    sa.select(_tasks.content).where(_tasks.id == task_coordinators.c.task_id).scalar_subquery(),
    task_coordinators.c.task_id.in_(sa.select(_tasks.id).where(_open_task)),
    unique_with=(task_coordinators.c.task_id,),
    lead=sa.select(_tasks.lead_unit_id).where(_tasks.id == task_coordinators.c.task_id).scalar_subquery(),
    lead_subjects=("task", "task_part")))
