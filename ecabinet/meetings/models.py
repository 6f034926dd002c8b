"""Meetings and what hangs on them: kinds, rooms, series, invitations and the change history."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.accounts.models import User
from ecabinet.core.db import CreatedAtMixin, TimestampMixin, db, enum_type
from ecabinet.org.models import Unit
from ecabinet.org.reorganisation.references import UnitReference, moves_with_unit


class MeetingStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    IN_PROGRESS = "in_progress"
    ENDED = "ended"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"


OCCUPYING_STATUSES = (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED, MeetingStatus.IN_PROGRESS)
"""Meetings in these states hold their room and their people: the others never clash."""


class Confidentiality(enum.StrEnum):
    NORMAL = "normal"
    CONFIDENTIAL = "confidential"


class Response(enum.StrEnum):
    PENDING = "pending"
    ATTENDING = "attending"
    ABSENT = "absent"
    DELEGATED = "delegated"


class MeetingKind(TimestampMixin, db.Model):
    """Regular session, briefing, thematic meeting…: data that admins extend."""

    __tablename__ = "meeting_kinds"
    __auditable__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    default_minutes: Mapped[int] = mapped_column(default=120)
    active: Mapped[bool] = mapped_column(default=True)


class Room(TimestampMixin, db.Model):
    __tablename__ = "rooms"
    __auditable__ = True
    __table_args__ = (sa.CheckConstraint("capacity > 0", name="capacity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    location: Mapped[str] = mapped_column(sa.String(255), default="")
    capacity: Mapped[int]
    equipment: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    """What the room offers: "màn hình", "hệ thống trực tuyến", "máy tính bảng"…"""
    active: Mapped[bool] = mapped_column(default=True)


class MeetingSeries(CreatedAtMixin, db.Model):
    """A recurring meeting; its occurrences are ordinary meetings, so every rule applies to each."""

    __tablename__ = "meeting_series"
    __auditable__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    rrule: Mapped[str] = mapped_column(sa.String(255))
    """RFC 5545 recurrence rule, e.g. ``FREQ=WEEKLY;BYDAY=MO;COUNT=10``."""
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))


class Meeting(TimestampMixin, db.Model):
    __tablename__ = "meetings"
    __auditable__ = True
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("status NOT IN ('cancelled', 'postponed') OR status_reason IS NOT NULL",
                           name="reason_for_cancel_or_postpone"),
        sa.Index("ix_meetings_period", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    kind_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_kinds.id"), index=True)
    chair_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    secretary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    portfolio_leader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    """The leader whose portfolio the meeting belongs to (often the chair)."""
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rooms.id"), index=True)
    online_link: Mapped[str | None] = mapped_column(sa.String(500))
    location: Mapped[str] = mapped_column(sa.String(255), default="")
    """Free-text place when there is no room (a field inspection, a district office)."""
    status: Mapped[MeetingStatus] = mapped_column(enum_type(MeetingStatus, "status"), default=MeetingStatus.DRAFT)
    status_reason: Mapped[str | None] = mapped_column(sa.String(500))
    confidentiality: Mapped[Confidentiality] = mapped_column(enum_type(Confidentiality, "confidentiality"),
                                                             default=Confidentiality.NORMAL)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting_series.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    published_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    """When the meeting actually started (the notice and the minutes date the meeting by it)."""
    ended_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    """Optimistic lock: an edit based on an older version is refused (409)."""

    __mapper_args__: dict[str, Any] = {"version_id_col": version}

    kind: Mapped[MeetingKind] = relationship(lazy="joined")
    chair: Mapped[User] = relationship(foreign_keys=[chair_id], lazy="joined")
    secretary: Mapped[User | None] = relationship(foreign_keys=[secretary_id])
    portfolio_leader: Mapped[User | None] = relationship(foreign_keys=[portfolio_leader_id])
    room: Mapped[Room | None] = relationship(lazy="joined")
    series: Mapped[MeetingSeries | None] = relationship()
    invitations: Mapped[list[Invitation]] = relationship(back_populates="meeting", cascade="all, delete-orphan",
                                                         order_by="Invitation.id")
    changes: Mapped[list[MeetingChange]] = relationship(back_populates="meeting", order_by="MeetingChange.id",
                                                        cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title[:30]!r}>"

    @property
    def held_at(self) -> datetime:
        """When the meeting took place: its actual start once started, else its scheduled start."""
        return self.started_at or self.starts_at

    @property
    def format(self) -> str:
        if self.room_id and self.online_link:
            return "hybrid"
        return "online" if self.online_link else "in_person"


class Invitation(CreatedAtMixin, db.Model):
    """A person or an agency asked to attend, and the answer.

    An agency invitation names who attends (``attendee_id``). A delegated invitation names
    the delegate, who then acts for the principal in the meeting (ủy quyền).
    """

    __tablename__ = "invitations"
    __auditable__ = True
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "user_id", name="uq_invitations_meeting_user"),
        sa.UniqueConstraint("meeting_id", "unit_id", name="uq_invitations_meeting_unit"),
        sa.CheckConstraint("(user_id IS NULL) <> (unit_id IS NULL)", name="person_or_agency"),
        sa.CheckConstraint("response <> 'absent' OR absence_reason IS NOT NULL", name="absence_has_reason"),
        sa.CheckConstraint("response <> 'delegated' OR delegate_id IS NOT NULL", name="delegation_has_delegate"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    attendee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    response: Mapped[Response] = mapped_column(enum_type(Response, "response"), default=Response.PENDING)
    absence_reason: Mapped[str | None] = mapped_column(sa.String(500))
    delegate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    responded_at: Mapped[datetime | None]
    responded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="invitations")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="joined")
    unit: Mapped[Unit | None] = relationship(lazy="joined")
    attendee: Mapped[User | None] = relationship(foreign_keys=[attendee_id])
    delegate: Mapped[User | None] = relationship(foreign_keys=[delegate_id])

    @property
    def principal_label(self) -> str:
        return self.user.full_name if self.user else (self.unit.name if self.unit else "")


class ChangeKind(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    PUBLISHED = "published"
    RESCHEDULED = "rescheduled"
    VENUE_CHANGED = "venue_changed"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    STARTED = "started"
    START_UNDONE = "start_undone"
    ENDED = "ended"
    CLOSED = "closed"


NOTIFIED_CHANGES = frozenset({ChangeKind.PUBLISHED, ChangeKind.RESCHEDULED, ChangeKind.VENUE_CHANGED,
                              ChangeKind.POSTPONED, ChangeKind.CANCELLED})
"""Changes every invitee is told about (once each: the notification key is the change's id)."""


class MeetingChange(db.Model):
    """One entry of a meeting's history; schedules show a meeting as changed from these."""

    __tablename__ = "meeting_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ChangeKind] = mapped_column(enum_type(ChangeKind, "kind"))
    changed_at: Mapped[datetime] = mapped_column(index=True)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    details: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    """Before and after of what changed, e.g. ``{"starts_at": [old, new]}``."""

    meeting: Mapped[Meeting] = relationship(back_populates="changes")
    changed_by: Mapped[User | None] = relationship()


NOT_YET_HELD = (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED, MeetingStatus.POSTPONED)
"""Meetings still to come: their invitations follow a reorganised agency; a held one keeps its history."""


def of_coming_meeting(meeting_id: sa.Column) -> sa.ColumnElement[bool]:
    return meeting_id.in_(sa.select(Meeting.id).where(Meeting.status.in_(NOT_YET_HELD)))


def title_of_meeting(meeting_id: sa.Column) -> sa.ScalarSelect:
    return sa.select(Meeting.title).where(Meeting.id == meeting_id).scalar_subquery()


_invitations = Invitation.__table__.c
moves_with_unit(UnitReference("invitation", _invitations.unit_id, _invitations.id,
                              title_of_meeting(_invitations.meeting_id), of_coming_meeting(_invitations.meeting_id),
                              unique_with=(_invitations.meeting_id,)))
