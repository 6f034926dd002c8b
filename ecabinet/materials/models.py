"""The agenda of a meeting and its electronic materials, with versions and named readers."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.accounts.models import User
from ecabinet.core.db import CreatedAtMixin, TimestampMixin, db, enum_type, stored_file_column
from ecabinet.meetings.models import Meeting, of_coming_meeting, title_of_meeting
from ecabinet.org.models import Unit
from ecabinet.org.reorganisation.references import UnitReference, moves_with_unit


class Purpose(enum.StrEnum):
    DECISION = "decision"
    OPINION = "opinion"
    INFORMATION = "information"
    TO_PARTY_COMMITTEE = "to_party_committee"
    """To be submitted on to the Tỉnh ủy."""
    TO_PEOPLES_COUNCIL = "to_peoples_council"
    """To be submitted on to the HĐND tỉnh."""


class ItemStatus(enum.StrEnum):
    DRAFT = "draft"
    MATERIALS_COMPLETE = "materials_complete"
    READY = "ready"
    DISCUSSED = "discussed"
    DEFERRED = "deferred"


class DocType(enum.StrEnum):
    SUBMISSION = "submission"  # tờ trình
    DRAFT = "draft"  # dự thảo
    REPORT = "report"  # báo cáo
    APPENDIX = "appendix"  # phụ lục
    OTHER = "other"


class Confidentiality(enum.StrEnum):
    NORMAL = "normal"
    CONFIDENTIAL = "confidential"
    PAPER_ONLY = "paper_only"
    """Listed on the agenda; the document exists on paper only and no file is stored."""


class RequestStatus(enum.StrEnum):
    OPEN = "open"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


class PackStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class TextStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class OcrStatus(enum.StrEnum):
    NONE = "none"
    """Every page has a text layer: nothing to recognise."""
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class AgendaItem(TimestampMixin, db.Model):
    __tablename__ = "agenda_items"
    __auditable__ = True
    __table_args__ = (
        sa.CheckConstraint("planned_minutes > 0", name="planned_minutes_positive"),
        sa.CheckConstraint("position > 0", name="position_positive"),
        sa.Index("ix_agenda_items_meeting_position", "meeting_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(500))
    presenting_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    """The agency that presents the item (cơ quan trình)."""
    presenter: Mapped[str] = mapped_column(sa.String(255), default="")
    planned_minutes: Mapped[int] = mapped_column(default=30)
    purpose: Mapped[Purpose] = mapped_column(enum_type(Purpose, "purpose"), default=Purpose.OPINION)
    review_opinion: Mapped[str] = mapped_column(sa.Text, default="")
    """The Office's own review of the item (ý kiến thẩm tra), for the chair."""
    status: Mapped[ItemStatus] = mapped_column(enum_type(ItemStatus, "status"), default=ItemStatus.DRAFT)

    meeting: Mapped[Meeting] = relationship()
    presenting_unit: Mapped[Unit | None] = relationship(lazy="joined")
    materials: Mapped[list[Material]] = relationship(back_populates="agenda_item", order_by="Material.id")
    material_requests: Mapped[list[MaterialRequest]] = relationship(back_populates="agenda_item",
                                                                     order_by="MaterialRequest.id")


material_readers = sa.Table(
    "material_readers",
    db.metadata,
    sa.Column("material_id", sa.ForeignKey("materials.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)
"""Who may read a confidential material: nobody else learns it exists."""


class Material(TimestampMixin, db.Model):
    __tablename__ = "materials"
    __auditable__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="SET NULL"),
                                                       index=True)
    """Empty for a material of the whole meeting."""
    title: Mapped[str] = mapped_column(sa.String(500))
    doc_type: Mapped[DocType] = mapped_column(enum_type(DocType, "doc_type"), default=DocType.OTHER)
    confidentiality: Mapped[Confidentiality] = mapped_column(enum_type(Confidentiality, "confidentiality"),
                                                             default=Confidentiality.NORMAL)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    publication_id: Mapped[int | None] = mapped_column(sa.ForeignKey("material_publications.id"), index=True)
    """Set when the secretariat publishes it to the participants; until then only the secretariat and the
    submitting agency see it."""

    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship(back_populates="materials")
    publication: Mapped[MaterialPublication | None] = relationship()
    versions: Mapped[list[MaterialVersion]] = relationship(back_populates="material", cascade="all, delete-orphan",
                                                           order_by="MaterialVersion.number")
    readers: Mapped[list[User]] = relationship(secondary=material_readers, order_by=User.id)

    @property
    def current(self) -> MaterialVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def published(self) -> bool:
        return self.publication_id is not None

    @property
    def updated(self) -> bool:
        """Replaced since it was first uploaded: readers see it marked as updated."""
        return len(self.versions) > 1


class MaterialVersion(db.Model):
    """One uploaded file of a material; replacing a material adds a version and keeps the old."""

    __tablename__ = "material_versions"
    __table_args__ = (
        sa.UniqueConstraint("material_id", "number", name="uq_material_versions_material_number"),
        sa.CheckConstraint("number > 0 AND page_count > 0 AND size > 0", name="positive_numbers"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(sa.ForeignKey("materials.id", ondelete="CASCADE"))
    number: Mapped[int]
    sha256: Mapped[str] = stored_file_column(index=True)
    """The stored file (core.storage); the user's file name is kept only for display."""
    size: Mapped[int] = mapped_column(sa.BigInteger)
    page_count: Mapped[int]
    filename: Mapped[str] = mapped_column(sa.String(255))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime]
    text_status: Mapped[TextStatus] = mapped_column(enum_type(TextStatus, "text_status"), default=TextStatus.PENDING,
                                                    index=True)
    """Text extraction runs in the background (never in the upload request); it feeds search."""
    text: Mapped[str | None] = mapped_column(sa.Text)
    """The extracted text, pages separated by form feeds."""
    text_error: Mapped[str | None] = mapped_column(sa.String(500))
    extracted_at: Mapped[datetime | None]
    signatures: Mapped[list[dict] | None] = mapped_column(sa.JSON)
    """The PDF's digital signatures as checked in the background with the text (signer, time, intact,
    trusted); None until checked, [] for an unsigned file."""
    ocr_status: Mapped[OcrStatus] = mapped_column(enum_type(OcrStatus, "ocr_status"), default=OcrStatus.NONE,
                                                  index=True)
    """Pages without a text layer (a scan) are recognised in the background after the extraction."""
    ocr_pages: Mapped[list[int] | None] = mapped_column(sa.JSON)
    """The pages (from 0) the extraction found without text, which OCR reads; the others keep their text."""
    ocr_pages_done: Mapped[int] = mapped_column(default=0)
    ocr_attempts: Mapped[int] = mapped_column(default=0)
    """Runs started on it: a file whose run dies every time is failed after a few, not retried forever."""
    ocr_error: Mapped[str | None] = mapped_column(sa.String(500))
    ocr_heartbeat_at: Mapped[datetime | None]
    """Last progress of a running recognition; one silent for long (its process died) is taken up again."""
    ocr_at: Mapped[datetime | None]
    """When the recognition finished (done or failed)."""
    ocr_sha256: Mapped[str | None] = stored_file_column(nullable=True)
    """The stored copy of the file with the recognised text as an invisible layer, for selecting and finding in
    the reader; the uploaded file (``sha256``) stays the record."""

    material: Mapped[Material] = relationship(back_populates="versions")
    uploaded_by: Mapped[User] = relationship()

    @property
    def ocr_pages_total(self) -> int:
        return len(self.ocr_pages or ())

    @property
    def reading_sha256(self) -> str:
        """The file the reader gets: the copy with the recognised text when there is one, so that its words can be
        selected and found — unless the upload is digitally signed, whose signed bytes are served as they are."""
        return self.ocr_sha256 if self.ocr_sha256 and not self.signatures else self.sha256


class MaterialPublication(CreatedAtMixin, db.Model):
    """One act of the secretariat publishing a meeting's materials to its participants."""

    __tablename__ = "material_publications"
    __auditable__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    published_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")


class MaterialRead(db.Model):
    """A read receipt: who opened which material, first and last, and which version last."""

    __tablename__ = "material_reads"

    material_id: Mapped[int] = mapped_column(sa.ForeignKey("materials.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    first_read_at: Mapped[datetime]
    last_read_at: Mapped[datetime]
    version_number: Mapped[int]
    """The version opened last: a reader of an older version has not read the current one."""


class MaterialRequest(TimestampMixin, db.Model):
    """The secretariat asks an agency for the materials of an agenda item, by a deadline."""

    __tablename__ = "material_requests"
    __auditable__ = True
    __table_args__ = (
        sa.UniqueConstraint("agenda_item_id", "unit_id", name="uq_material_requests_item_unit"),
        sa.CheckConstraint("(status = 'fulfilled') = (fulfilled_at IS NOT NULL)", name="fulfilled_when_done"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    """The agency asked to submit."""
    due_on: Mapped[date]
    """The last day (local calendar) for the submission."""
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[RequestStatus] = mapped_column(enum_type(RequestStatus, "status"), default=RequestStatus.OPEN,
                                                  index=True)
    fulfilled_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reminded_before_at: Mapped[datetime | None]
    """When the reminder ahead of the deadline went out (the job sends it once)."""
    reminded_due_at: Mapped[datetime | None]
    """When the reminder on the deadline day went out (the job sends it once)."""

    meeting: Mapped[Meeting] = relationship(backref="material_requests")
    agenda_item: Mapped[AgendaItem] = relationship(back_populates="material_requests")
    unit: Mapped[Unit] = relationship(lazy="joined")


class PackBuild(db.Model):
    """A meeting pack being built, or built, in the background; keyed by what it contains."""

    __tablename__ = "pack_builds"
    __table_args__ = (sa.CheckConstraint("progress >= 0 AND progress <= total", name="progress_in_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    """The content key (``packs.PackContent.key``): the same materials give the same pack."""
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    status: Mapped[PackStatus] = mapped_column(enum_type(PackStatus, "status"), default=PackStatus.QUEUED,
                                               index=True)
    outline: Mapped[list] = mapped_column(sa.JSON)
    """What goes in, in order: ``[[section title, [[material title, sha256], …]], …]``; the build reads only
    this and the stored files."""
    progress: Mapped[int] = mapped_column(default=0)
    """Steps done out of ``total``: one per material read, one for the merge."""
    total: Mapped[int]
    page_count: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(sa.String(500))
    requested_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime | None]
    """Last sign of life of the build; a running build silent for long is taken up again."""
    finished_at: Mapped[datetime | None]


_items = AgendaItem.__table__.c
moves_with_unit(UnitReference("agenda_item", _items.presenting_unit_id, _items.id, _items.title,
                              of_coming_meeting(_items.meeting_id)))
_requests = MaterialRequest.__table__.c
moves_with_unit(UnitReference("material_request", _requests.unit_id, _requests.id,
                              title_of_meeting(_requests.meeting_id), _requests.status == RequestStatus.OPEN.value,
                              unique_with=(_requests.agenda_item_id,)))
