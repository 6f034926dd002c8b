"""The minutes (biên bản) of a meeting: one text section per agenda item, its revisions and the sign-off."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.accounts.models import User
from ecabinet.core.db import TimestampMixin, db, enum_type, stored_file_column
from ecabinet.meetings.models import Meeting


class MinutesStatus(enum.StrEnum):
    DRAFT = "draft"
    SECRETARY_SIGNED = "secretary_signed"
    """Signed by the secretary and waiting for the chair; no section can change until the chair signs or
    returns it."""
    SIGNED = "signed"


class Minutes(TimestampMixin, db.Model):
    """One per meeting. Attendance, speakers and votes come from the live room when it is rendered; the
    sections hold what the secretary writes. Signed minutes are frozen as a PDF."""

    __tablename__ = "minutes"
    __auditable__ = True
    __table_args__ = (
        sa.CheckConstraint("status = 'draft' OR "
                           "(secretary_signed_at IS NOT NULL AND secretary_signed_by_id IS NOT NULL)",
                           name="secretary_signature_recorded"),
        sa.CheckConstraint("status <> 'signed' OR (chair_signed_at IS NOT NULL AND chair_signed_by_id IS NOT NULL "
                           "AND pdf_sha256 IS NOT NULL)", name="chair_signature_recorded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    status: Mapped[MinutesStatus] = mapped_column(enum_type(MinutesStatus, "status"), default=MinutesStatus.DRAFT)
    secretary_signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    secretary_signed_at: Mapped[datetime | None]
    chair_signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    chair_signed_at: Mapped[datetime | None]
    returned_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    """Why the chair sent the minutes back to the secretary, the last time it did."""
    pdf_sha256: Mapped[str | None] = stored_file_column()
    """The signed minutes as rendered at the chair's signature, in the content store."""

    meeting: Mapped[Meeting] = relationship()
    sections: Mapped[list[MinutesSection]] = relationship(back_populates="minutes", cascade="all, delete-orphan",
                                                          order_by="(MinutesSection.position, MinutesSection.id)")
    secretary_signed_by: Mapped[User | None] = relationship(foreign_keys=[secretary_signed_by_id])
    chair_signed_by: Mapped[User | None] = relationship(foreign_keys=[chair_signed_by_id])


class MinutesSection(db.Model):
    """The notes of one agenda item (or of the opening and closing, without an item)."""

    __tablename__ = "minutes_sections"
    __table_args__ = (
        sa.CheckConstraint("revision >= 0", name="revision_not_negative"),
        sa.Index("ix_minutes_sections_minutes", "minutes_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="SET NULL"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(500))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    revision: Mapped[int] = mapped_column(default=0)
    """Raised by every save: a save based on an older revision is a conflict (two people editing at once)."""
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    minutes: Mapped[Minutes] = relationship(back_populates="sections")
    updated_by: Mapped[User | None] = relationship()
    revisions: Mapped[list[MinutesRevision]] = relationship(back_populates="section", cascade="all, delete-orphan",
                                                            order_by="MinutesRevision.number")


class MinutesRevision(db.Model):
    """A saved text of a section. Autosaves by the same person within a short window amend their last
    revision instead of adding one, so the history shows edits, not keystrokes."""

    __tablename__ = "minutes_revisions"
    __table_args__ = (sa.UniqueConstraint("section_id", "number", name="uq_minutes_revisions_section_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes_sections.id", ondelete="CASCADE"))
    number: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    saved_at: Mapped[datetime]
    saved_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    section: Mapped[MinutesSection] = relationship(back_populates="revisions")
    saved_by: Mapped[User] = relationship()
