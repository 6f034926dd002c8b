"""The weekly schedule's publication record and the private iCalendar feed tokens."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.accounts.models import User
from ecabinet.core.db import CreatedAtMixin, TimestampMixin, db, enum_type, stored_file_column


class ScheduleStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"


class WeeklySchedule(TimestampMixin, db.Model):
    """One week (Monday to Sunday) of the Chủ tịch's and Phó Chủ tịch's work.

    The entries are the leaders' meetings themselves; on publication a snapshot is frozen so
    that later changes show as changes against what was announced.
    """

    __tablename__ = "weekly_schedules"
    __auditable__ = True
    __table_args__ = (
        sa.CheckConstraint("status <> 'published' OR published_at IS NOT NULL", name="published_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_start: Mapped[date] = mapped_column(unique=True)
    """The Monday of the week, in the province's calendar."""
    status: Mapped[ScheduleStatus] = mapped_column(enum_type(ScheduleStatus, "status"), default=ScheduleStatus.DRAFT)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    published_entries: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)
    """The entries as published, to mark what changed afterwards."""
    pdf_sha256: Mapped[str | None] = stored_file_column()
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}

    approved_by: Mapped[User | None] = relationship()


class CalendarFeed(CreatedAtMixin, db.Model):
    """A private iCalendar URL: one person's meetings, or one leader's schedule.

    Only the token's SHA-256 is stored; the owner sees the URL once and can revoke it.
    """

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    leader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    """Set for a leader's schedule feed; empty for the owner's own meetings."""
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id])
