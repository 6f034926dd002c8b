"""The live meeting room: the state every tablet mirrors, attendance, speakers, votes, written opinions, notes.

``LiveState`` is the source of truth for what the room shows; its ``version`` grows by one at
every change and is sent with each broadcast, so a client that sees a gap asks for a snapshot.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.accounts.models import User
from ecabinet.core.db import CreatedAtMixin, TimestampMixin, db, enum_type


class LiveStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


class LiveState(db.Model):
    __tablename__ = "live_states"
    __table_args__ = (
        sa.CheckConstraint("version >= 0", name="version_not_negative"),
        sa.CheckConstraint("item_elapsed_seconds >= 0", name="elapsed_not_negative"),
        sa.CheckConstraint("presented_page IS NULL OR presented_page > 0", name="presented_page_positive"),
    )

    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    """Grows by one at every change of the live state; broadcast with the change."""
    status: Mapped[LiveStatus] = mapped_column(enum_type(LiveStatus, "status"), default=LiveStatus.NOT_STARTED)
    started_at: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    current_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="SET NULL"))
    item_started_at: Mapped[datetime | None]
    """When the current item's timer last started running (None while paused or stopped)."""
    item_elapsed_seconds: Mapped[int] = mapped_column(default=0)
    """Time the current item ran before ``item_started_at`` (the timer stops while the meeting is paused)."""
    presented_material_id: Mapped[int | None] = mapped_column(sa.ForeignKey("materials.id", ondelete="SET NULL"))
    presented_page: Mapped[int | None]
    presenter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime]


class Attendance(db.Model):
    """A seat taken: the member it belongs to, and who sits in it (the member, or a delegate for it)."""

    __tablename__ = "attendances"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "user_id", name="uq_attendances_meeting_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    """The invited member (the principal) whose attendance it is."""
    attendee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    """Who is actually present: the member, or the delegate attending for it (ủy quyền)."""
    checked_in_at: Mapped[datetime]
    checked_in_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    """The attendee itself (from its tablet) or the secretary checking it in."""
    left_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    attendee: Mapped[User] = relationship(foreign_keys=[attendee_id])


class SpeakerStatus(enum.StrEnum):
    WAITING = "waiting"
    SPEAKING = "speaking"
    DONE = "done"
    WITHDRAWN = "withdrawn"


class SpeakerRequest(db.Model):
    """A request to speak (đăng ký phát biểu) on an agenda item; kept after the speech for the minutes."""

    __tablename__ = "speaker_requests"
    __table_args__ = (
        sa.Index("uq_speaker_requests_one_speaking", "meeting_id", unique=True,
                 sqlite_where=sa.text("status = 'speaking'"), postgresql_where=sa.text("status = 'speaking'")),
        sa.Index("uq_speaker_requests_one_waiting", "meeting_id", "agenda_item_id", "user_id", unique=True,
                 sqlite_where=sa.text("status = 'waiting'"), postgresql_where=sa.text("status = 'waiting'")),
        sa.Index("ix_speaker_requests_meeting_status", "meeting_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="SET NULL"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    position: Mapped[int]
    """Order in the queue, set by the chair."""
    status: Mapped[SpeakerStatus] = mapped_column(enum_type(SpeakerStatus, "status"), default=SpeakerStatus.WAITING)
    requested_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class VoteStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Choice(enum.StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    ABSTAIN = "abstain"


class Vote(db.Model):
    """A vote (biểu quyết) on an item; its result is stored when it closes and never changes after."""

    __tablename__ = "votes"
    __table_args__ = (
        sa.Index("uq_votes_one_open", "meeting_id", unique=True,
                 sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'")),
        sa.CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name="closed_when_closed_at"),
        sa.CheckConstraint("status = 'open' OR (agree IS NOT NULL AND disagree IS NOT NULL AND abstain IS NOT NULL)",
                           name="result_when_closed"),
        sa.CheckConstraint("secret OR status = 'closed' OR (agree IS NULL AND disagree IS NULL AND abstain IS NULL)",
                           name="named_counts_at_close"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(sa.String(1000))
    secret: Mapped[bool] = mapped_column(default=False)
    """A secret vote records who voted (``Ballot`` without a choice) and only adds each choice to the counts
    below, so no row, order or time links a voter to a choice."""
    status: Mapped[VoteStatus] = mapped_column(enum_type(VoteStatus, "status"), default=VoteStatus.OPEN)
    opened_at: Mapped[datetime]
    opened_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    entitled_count: Mapped[int]
    """Members entitled to vote when it opened."""
    agree: Mapped[int | None]
    """The result once closed; a secret vote counts here from the start (shown to nobody before the close)."""
    disagree: Mapped[int | None]
    abstain: Mapped[int | None]


class Ballot(db.Model):
    """That a member has voted; in a named vote also how (a secret vote leaves ``choice`` empty)."""

    __tablename__ = "ballots"
    __table_args__ = (sa.UniqueConstraint("vote_id", "voter_id", name="uq_ballots_vote_voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("votes.id", ondelete="CASCADE"))
    voter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    """The member whose vote it is (the principal when a delegate votes)."""
    cast_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    choice: Mapped[Choice | None] = mapped_column(enum_type(Choice, "choice"))
    cast_at: Mapped[datetime]


class PollStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Answer(enum.StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    OTHER = "other"


opinion_recipients = sa.Table(
    "opinion_recipients",
    db.metadata,
    sa.Column("poll_id", sa.ForeignKey("opinion_polls.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)
"""The members asked for their written opinion."""


class OpinionPoll(TimestampMixin, db.Model):
    """A written opinion form (phiếu lấy ý kiến): for members who cannot attend, or a decision without a meeting."""

    __tablename__ = "opinion_polls"
    __auditable__ = True
    __table_args__ = (sa.CheckConstraint("(status = 'open') = (closed_at IS NULL)", name="closed_at_when_done"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    """Empty for a decision taken without a meeting."""
    agenda_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(500))
    question: Mapped[str] = mapped_column(sa.Text)
    deadline_at: Mapped[datetime]
    status: Mapped[PollStatus] = mapped_column(enum_type(PollStatus, "status"), default=PollStatus.OPEN, index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    closed_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    """When the reminder before the deadline went out to those who had not answered (sent once)."""

    recipients: Mapped[list[User]] = relationship(secondary=opinion_recipients, order_by=User.id)
    answers: Mapped[list[OpinionAnswer]] = relationship(back_populates="poll", order_by="OpinionAnswer.id",
                                                        cascade="all, delete-orphan")


class OpinionAnswer(db.Model):
    __tablename__ = "opinion_answers"
    __table_args__ = (
        sa.UniqueConstraint("poll_id", "user_id", name="uq_opinion_answers_poll_user"),
        sa.CheckConstraint("answer <> 'other' OR length(text) > 0", name="other_needs_text"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("opinion_polls.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    """The member whose opinion it is."""
    answered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    """The member, or the secretary entering an opinion received on paper."""
    answer: Mapped[Answer] = mapped_column(enum_type(Answer, "answer"))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    answered_at: Mapped[datetime]

    poll: Mapped[OpinionPoll] = relationship(back_populates="answers")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class PrivateNote(CreatedAtMixin, db.Model):
    """A user's own note on a page of a material: nobody else ever sees it; kept across new versions."""

    __tablename__ = "private_notes"
    __table_args__ = (
        sa.CheckConstraint("page > 0", name="page_positive"),
        sa.Index("ix_private_notes_user_material", "user_id", "material_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    material_id: Mapped[int] = mapped_column(sa.ForeignKey("materials.id", ondelete="CASCADE"))
    page: Mapped[int]
    version_number: Mapped[int]
    """The version the note was written on: a later version may have moved the text."""
    text: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime]
