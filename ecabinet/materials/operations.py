"""The agenda and its materials: items in order, uploads validated and stored, named readers.

An upload is validated (``pdfcheck.validate_upload``) before anything is stored, then written to the
content-addressed storage, then recorded; ``discard_unreferenced`` removes the file again
when the transaction that was to record it fails, so a failure leaves neither row nor file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from flask import current_app
from flask_babel import gettext as _

from ecabinet import policy
from ecabinet.accounts.models import Role, User
from ecabinet.core import pdfcheck, sandbox, storage, sweep
from ecabinet.core.clock import local_date, utcnow
from ecabinet.core.db import db, skipping_locked
from ecabinet.core.exceptions import DomainError
from ecabinet.core.i18n import format_datetime
from ecabinet.materials import ocr, pdf
from ecabinet.materials.queries import agenda
from ecabinet.materials.requests import operations as material_requests
from ecabinet.materials.models import (AgendaItem, Confidentiality, DocType, ItemStatus, Material, MaterialVersion,
                                       Purpose, TextStatus)
from ecabinet.meetings.models import Meeting, Response
from ecabinet.org.models import Unit
from ecabinet.signing import operations as signing

WATERMARKED = "watermarked"
ITEM_FIELDS = ("title", "presenting_unit_id", "presenter", "planned_minutes", "purpose", "review_opinion", "status")


# --- agenda --------------------------------------------------------------------------------

def _check_unit(unit_id: int | None) -> None:
    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit is None or not unit.active:
            raise DomainError("unknown_unit", _("No such unit."), "presenting_unit_id")


def add_item(meeting: Meeting, *, title: str, presenting_unit_id: int | None = None, presenter: str = "",
             planned_minutes: int = 30, purpose: Purpose = Purpose.OPINION, review_opinion: str = "") -> AgendaItem:
    _check_unit(presenting_unit_id)
    last = db.session.scalar(sa.select(sa.func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id))
    item = AgendaItem(meeting_id=meeting.id, position=(last or 0) + 1, title=title,
                      presenting_unit_id=presenting_unit_id, presenter=presenter, planned_minutes=planned_minutes,
                      purpose=purpose, review_opinion=review_opinion, status=ItemStatus.DRAFT)
    db.session.add(item)
    db.session.flush()
    return item


def update_item(item: AgendaItem, changes: dict) -> AgendaItem:
    if "presenting_unit_id" in changes:
        _check_unit(changes["presenting_unit_id"])
    for key, value in changes.items():
        if key in ITEM_FIELDS and (value is not None or key == "presenting_unit_id"):
            setattr(item, key, value)
    db.session.flush()
    return item


def reorder(meeting: Meeting, item_ids: list[int]) -> list[AgendaItem]:
    """Put the items in the given order; the list must name every item of the meeting once."""
    items = {item.id: item for item in agenda(meeting)}
    if sorted(item_ids) != sorted(items) or len(set(item_ids)) != len(item_ids):
        raise DomainError("incomplete_order", _("Give every item of the agenda exactly once."), "item_ids")
    for position, item_id in enumerate(item_ids, start=1):
        items[item_id].position = position
    db.session.flush()
    return [items[i] for i in item_ids]


# --- materials -----------------------------------------------------------------------------

def default_readers(meeting: Meeting) -> list[User]:
    """Who reads a confidential material unless the secretariat names others: the chair, the
    secretary and the invited leaders."""
    ids = {meeting.chair_id, meeting.secretary_id}
    ids |= {inv.user_id for inv in meeting.invitations
            if inv.user_id and inv.user and inv.user.has_role(Role.LEADER) and inv.response != Response.ABSENT}
    ids.discard(None)
    return list(db.session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.id)))


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str


def create_material(meeting: Meeting, actor: User, *, title: str, doc_type: DocType = DocType.OTHER,
                    confidentiality: Confidentiality = Confidentiality.NORMAL, agenda_item_id: int | None = None,
                    reader_ids: list[int] | None = None, upload: Upload | None = None) -> Material:
    if agenda_item_id is not None:
        item = db.session.get(AgendaItem, agenda_item_id)
        if item is None or item.meeting_id != meeting.id:
            raise DomainError("unknown_item", _("No such item on this meeting's agenda."), "agenda_item_id")
    if (confidentiality == Confidentiality.PAPER_ONLY) == (upload is not None):
        raise DomainError("file_mismatch", _("A paper-only material has no file; every other material needs its "
                                             "PDF file."), "file")
    material = Material(meeting_id=meeting.id, agenda_item_id=agenda_item_id, title=title, doc_type=doc_type,
                        confidentiality=confidentiality, created_by_id=actor.id)
    if confidentiality == Confidentiality.CONFIDENTIAL:
        material.readers = _readers(meeting, reader_ids) if reader_ids is not None else default_readers(meeting)
    db.session.add(material)
    if upload is not None:
        add_version(material, upload, actor)
    db.session.flush()
    material_requests.fulfil_on_upload(material, actor)
    return material


def set_readers(material: Material, reader_ids: list[int]) -> Material:
    """Name who may read a confidential material, replacing the list."""
    if material.confidentiality != Confidentiality.CONFIDENTIAL:
        raise DomainError("not_confidential", _("Only a confidential material has named readers."), "reader_ids")
    material.readers = _readers(material.meeting, reader_ids)
    db.session.flush()
    return material


def _readers(meeting: Meeting, user_ids: list[int]) -> list[User]:
    """The named readers, and the meeting's secretary, who handles the material and always stays one."""
    ids = set(user_ids)
    users = list(db.session.scalars(sa.select(User).where(User.id.in_(ids), User.active.is_(True))))
    if len(users) != len(ids):
        raise DomainError("inactive_reader", _("Some readers are unknown or deactivated."), "reader_ids")
    if meeting.secretary_id is not None and meeting.secretary_id not in ids:
        users.append(db.session.get(User, meeting.secretary_id))
    return sorted(users, key=lambda user: user.id)


def add_version(material: Material, upload: Upload, actor: User) -> MaterialVersion:
    """Validate the PDF, store it atomically, record it as the material's next version."""
    if material.confidentiality == Confidentiality.PAPER_ONLY:
        raise DomainError("paper_only", _("A paper-only material has no file."), "file")
    try:
        info = pdfcheck.validate_upload(upload.data, max_bytes=current_app.config["MATERIAL_MAX_BYTES"],
                                        max_pages=current_app.config["MATERIAL_MAX_PAGES"])
    except pdfcheck.PdfRejected as exc:
        raise DomainError(f"pdf_{exc.code}", exc.message, "file") from None
    sha256 = storage.store_bytes(upload.data)
    version = MaterialVersion(number=len(material.versions) + 1, sha256=sha256, size=info.size,
                              page_count=info.pages, filename=_display_name(upload.filename),
                              uploaded_by_id=actor.id, uploaded_at=utcnow())
    material.versions.append(version)
    db.session.flush()
    if len(material.versions) > 1:
        material_requests.fulfil_on_upload(material, actor)
    return version


def _display_name(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in name if ch.isprintable())[:255] or "tai-lieu.pdf"


def discard_unreferenced(sha256: str) -> None:
    """After a failed transaction: remove a stored file that no row refers to (the same content may be another
    table's: an issued notice's PDF uploaded again as a material)."""
    db.session.rollback()
    if not sweep.is_referenced(sha256):
        storage.path_for(sha256).unlink(missing_ok=True)


def materials_of(meeting: Meeting, visible_to: User | None = None) -> list[Material]:
    """The meeting's materials; with ``visible_to``, only those that user may see (``VIEW_MATERIAL``, in SQL),
    their versions and readers loaded with them."""
    query = sa.select(Material).where(Material.meeting_id == meeting.id)
    if visible_to is not None:
        query = query.where(policy.material_visibility(visible_to)).options(
            selectinload(Material.versions), selectinload(Material.readers))
    return list(db.session.scalars(query.order_by(Material.agenda_item_id.is_(None), Material.agenda_item_id,
                                                  Material.id)))


def isolated(func, *args, **kwargs):
    """``func(*args, **kwargs)``, a parse of a stored upload, in the isolated worker process; a file that makes it
    exceed its limits is refused (422), as it would have been at the upload."""
    try:
        return sandbox.run_isolated(func, *args, **kwargs)
    except sandbox.SandboxError:
        raise DomainError("pdf_too_complex", pdfcheck.PdfRejected("too_complex").message, "file") from None


@dataclass(frozen=True)
class StoredFile:
    path: Path
    filename: str
    etag: str


def file_for(material: Material, reader: User) -> StoredFile:
    """The current file as this reader gets it: with the recognised text of a scan as an invisible layer when
    there is one (``MaterialVersion.reading_sha256``). A confidential one carries the reader's watermark; it is made
    once per reader, version and day and kept, so that the bytes stay the same while a reader fetches the file
    piece by piece (HTTP ranges)."""
    version = material.current
    if version is None:
        raise DomainError("no_file", _("This material has no file."), "file", 404)
    sha256 = version.reading_sha256
    if material.confidentiality != Confidentiality.CONFIDENTIAL:
        return StoredFile(storage.path_for(sha256), version.filename, sha256)
    now = utcnow()
    key = hashlib.sha256(f"{sha256}:{reader.id}:{local_date(now).isoformat()}".encode()).hexdigest()
    path = storage.cache_path(WATERMARKED, key)
    if not path.exists():
        data = isolated(pdf.WATERMARK_PDF, storage.read_bytes(sha256), reader.full_name, reader.unit.name,
                        format_datetime(now))
        storage.write_cache(WATERMARKED, key, data)
    return StoredFile(path, version.filename, key)


# --- background text extraction --------------------------------------------------------------

def extract_pending(limit: int = 5) -> int:
    """Job: extract the text of versions still pending and check their digital signatures; the result is
    recorded in the same transaction.

    A failure is recorded on the version (the file and the material stay as they are), so a bad
    file is not retried forever; a run interrupted before its commit leaves the rows pending.
    """
    query = (sa.select(MaterialVersion).where(MaterialVersion.text_status == TextStatus.PENDING)
             .order_by(MaterialVersion.id).limit(limit))
    versions = list(db.session.scalars(skipping_locked(query)))
    for version in versions:
        _extract(version)
    db.session.flush()
    return len(versions)


def _extract(version: MaterialVersion) -> None:
    """The text of the version and its digital signatures ([] for an unsigned file)."""
    version.extracted_at = utcnow()
    try:
        data = storage.read_bytes(version.sha256)
        version.signatures = signing.inspect_signatures(data)  # never raises
        pages = sandbox.run_isolated(pdf.CHECKED_TEXT, data, max_bytes=current_app.config["MATERIAL_MAX_BYTES"],
                                     max_pages=current_app.config["MATERIAL_MAX_PAGES"])
    except Exception as exc:  # a bad file must not stop the job: the failure is recorded instead
        version.text_status, version.text_error = TextStatus.FAILED, f"{type(exc).__name__}: {exc}"[:500]
        return
    if pages.failed == [-1]:
        version.text_status, version.text_error = TextStatus.FAILED, "the file could not be opened"
        return
    version.text = "\f".join(pages)
    version.text_status = TextStatus.DONE
    version.text_error = f"{len(pages.failed)} page(s) without text" if pages.failed else None
    ocr.queue_scanned_pages(version, pages, pages.failed)
