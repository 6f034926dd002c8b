"""The conclusion notice (thông báo kết luận) of a meeting: its recipients and its history."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.accounts.models import User
from ecabinet.core.db import TimestampMixin, db, enum_type, stored_file_column
from ecabinet.meetings.models import Meeting
from ecabinet.org.models import Unit
from ecabinet.org.reorganisation.references import UnitReference, moves_with_unit


class NoticeStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    """Submitted to an office leader (Chánh / Phó Chánh Văn phòng)."""
    AWAITING_APPROVAL = "awaiting_approval"
    """Reviewed; waiting for the leader who chaired the meeting."""
    APPROVED = "approved"
    """Approved; the clerk (văn thư) issues it."""
    ISSUED = "issued"
    NOT_NEEDED = "not_needed"
    """The meeting needs no notice (a working session, a briefing): no reminders; ``not_needed_reason`` says why."""


class Notice(TimestampMixin, db.Model):
    """The conclusion notice of a meeting. Issued, it is frozen: its number, PDF and source never change;
    a mistake is put right by a correcting notice (``corrects_id``) that supersedes it."""

    __tablename__ = "notices"
    __auditable__ = True
    __table_args__ = (
        sa.CheckConstraint("status <> 'issued' OR (number IS NOT NULL AND number_symbol IS NOT NULL "
                           "AND issued_at IS NOT NULL AND issued_on IS NOT NULL AND pdf_sha256 IS NOT NULL "
                           "AND source_text IS NOT NULL)", name="issued_is_complete"),
        sa.CheckConstraint("(number IS NULL) = (register_number_id IS NULL)", name="number_from_register"),
        sa.CheckConstraint("corrects_id IS NULL OR corrects_id <> id", name="not_own_correction"),
        sa.CheckConstraint("status <> 'not_needed' OR not_needed_reason IS NOT NULL", name="not_needed_has_reason"),
        sa.Index("uq_notices_one_original_per_meeting", "meeting_id", unique=True,
                 sqlite_where=sa.text("corrects_id IS NULL"), postgresql_where=sa.text("corrects_id IS NULL")),
        sa.Index("ix_notices_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="RESTRICT"), index=True)
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notices.id"), index=True)
    """The issued notice this one corrects and supersedes."""
    status: Mapped[NoticeStatus] = mapped_column(enum_type(NoticeStatus, "status"), default=NoticeStatus.DRAFT)
    symbol: Mapped[str] = mapped_column(sa.String(32), default="TB-UBND")
    """The register it takes its number from, printed after the number: "TB-UBND", or the Office's "TB-VP"."""
    summary: Mapped[str] = mapped_column(sa.String(500))
    """The trích yếu under the title: "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp …"."""
    opening: Mapped[str] = mapped_column(sa.Text, default="")
    closing: Mapped[str] = mapped_column(sa.Text, default="")
    signature_authority: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    """The lines above the signer: ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]."""
    signer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    archive_mark: Mapped[str] = mapped_column(sa.String(64), default="")
    """What follows "Lưu: VT," in the recipients: the drafting division and the number of copies."""
    number: Mapped[int | None]
    number_symbol: Mapped[str | None] = mapped_column(sa.String(64))
    register_number_id: Mapped[int | None] = mapped_column(sa.ForeignKey("register_numbers.id"), unique=True)
    issued_on: Mapped[date | None]
    issued_at: Mapped[datetime | None]
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    pdf_sha256: Mapped[str | None] = stored_file_column()
    """The issued PDF in the content store; its hash proves it has not changed since."""
    source_text: Mapped[str | None] = mapped_column(sa.Text)
    """The issued text in reading order: the editable source of the PDF."""
    digitally_signed: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    rejection_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    """Why the notice went back to draft, the last time it did."""
    superseded_at: Mapped[datetime | None]
    not_needed_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    reminded_at: Mapped[datetime | None]
    """When the secretary was reminded that the notice is still not issued (once)."""
    escalated_at: Mapped[datetime | None]
    """When the office leader was told (once)."""
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}

    meeting: Mapped[Meeting] = relationship()
    corrects: Mapped[Notice | None] = relationship(remote_side=[id])
    signer: Mapped[User | None] = relationship(foreign_keys=[signer_id])
    recipients: Mapped[list[NoticeRecipient]] = relationship(back_populates="notice", cascade="all, delete-orphan",
                                                             order_by="(NoticeRecipient.position, NoticeRecipient.id)")
    events: Mapped[list[NoticeEvent]] = relationship(back_populates="notice", cascade="all, delete-orphan",
                                                     order_by="NoticeEvent.id")


class NoticeRecipient(db.Model):
    """Who receives the notice ("Nơi nhận"): an agency (its liaisons are told) or a person; ``label`` is the line
    printed, e.g. "Sở Kế hoạch và Đầu tư"."""

    __tablename__ = "notice_recipients"
    __table_args__ = (
        sa.CheckConstraint("(unit_id IS NULL) OR (user_id IS NULL)", name="agency_or_person"),
        sa.UniqueConstraint("notice_id", "unit_id", name="uq_notice_recipients_notice_unit"),
        sa.UniqueConstraint("notice_id", "user_id", name="uq_notice_recipients_notice_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(500))

    notice: Mapped[Notice] = relationship(back_populates="recipients")
    unit: Mapped[Unit | None] = relationship()
    user: Mapped[User | None] = relationship()


class NoticeEventKind(enum.StrEnum):
    CREATED = "created"
    EDITED = "edited"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    REJECTED = "rejected"
    ISSUED = "issued"
    SUPERSEDED = "superseded"
    NOT_NEEDED = "not_needed"
    REOPENED = "reopened"
    REMINDED = "reminded"
    ESCALATED = "escalated"


class NoticeEvent(db.Model):
    """The notice's workflow history: who moved it, when, and why when sent back."""

    __tablename__ = "notice_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NoticeEventKind] = mapped_column(enum_type(NoticeEventKind, "kind"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    """None for the scheduler."""
    from_status: Mapped[str | None] = mapped_column(sa.String(32))
    reason: Mapped[str | None] = mapped_column(sa.String(1000))
    at: Mapped[datetime]

    notice: Mapped[Notice] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


_recipients = NoticeRecipient.__table__.c
_notices = Notice.__table__.c
moves_with_unit(UnitReference(
    "notice_recipient", _recipients.unit_id, _recipients.id,
    sa.select(_notices.summary).where(_notices.id == _recipients.notice_id).scalar_subquery(),
    _recipients.notice_id.in_(sa.select(_notices.id).where(_notices.status != NoticeStatus.ISSUED.value)),
    unique_with=(_recipients.notice_id,), printed_name=_recipients.label))
