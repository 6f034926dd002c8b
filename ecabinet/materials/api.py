"""JSON API of the agenda and its materials (uploads are multipart/form-data)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, current_app, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.audit import operations as audit
from ecabinet.core.api import ApiError, load_or_404, route
from ecabinet.core.db import db
from ecabinet.materials import operations as ops
from ecabinet.materials import packs, publishing
from ecabinet.materials.models import AgendaItem, Confidentiality
from ecabinet.materials.schemas import (ItemCreate, ItemOrder, ItemOut, ItemUpdate, MaterialForm, MaterialOut,
                                        PackOut, PaperMaterial, PublicationOut, PublishBody, ReaderRow,
                                        ReadersBody, ReadReportOut, VersionForm)
from ecabinet.materials.loaders import load_material
from ecabinet.meetings.loaders import load_meeting
from ecabinet.policy import Action, allowed, require

bp = Blueprint("materials_api", __name__)


def _load_item(item_id: int) -> AgendaItem:
    return load_or_404(AgendaItem, item_id, lambda i: allowed(current_user, Action.VIEW_MEETING, i.meeting))


@route(bp, "/meetings/<int:meeting_id>/agenda", summary="The agenda of a meeting", response=list[ItemOut])
def get_agenda(meeting_id: int):
    return ops.agenda(load_meeting(meeting_id))


@route(bp, "/meetings/<int:meeting_id>/agenda", method="POST", summary="Add an agenda item", body=ItemCreate,
       response=ItemOut, status=201)
def add_item(meeting_id: int, body: ItemCreate):
    meeting = load_meeting(meeting_id)
    require(current_user, Action.EDIT_AGENDA, meeting)
    item = ops.add_item(meeting, **body.model_dump())
    db.session.commit()
    return item


@route(bp, "/meetings/<int:meeting_id>/agenda/order", method="PUT", summary="Reorder the agenda", body=ItemOrder,
       response=list[ItemOut])
def reorder(meeting_id: int, body: ItemOrder):
    """``item_ids`` names every item of the agenda once, in the new order."""
    meeting = load_meeting(meeting_id)
    require(current_user, Action.EDIT_AGENDA, meeting)
    items = ops.reorder(meeting, body.item_ids)
    db.session.commit()
    return items


@route(bp, "/agenda-items/<int:item_id>", method="PATCH", summary="Change an agenda item", body=ItemUpdate,
       response=ItemOut)
def update_item(item_id: int, body: ItemUpdate):
    item = _load_item(item_id)
    require(current_user, Action.EDIT_AGENDA, item.meeting)
    ops.update_item(item, body.model_dump(exclude_unset=True))
    db.session.commit()
    return item


@route(bp, "/meetings/<int:meeting_id>/materials", summary="The materials of a meeting the user may read",
       response=list[MaterialOut])
def list_materials(meeting_id: int):
    """Confidential materials appear only to their named readers: others see neither title nor count."""
    meeting = load_meeting(meeting_id)
    return ops.materials_of(meeting, visible_to=current_user)


def _upload_target(meeting, agenda_item_id):
    return db.session.get(AgendaItem, agenda_item_id) if agenda_item_id else meeting


@route(bp, "/meetings/<int:meeting_id>/materials", method="POST", summary="Upload a PDF material",
       form=MaterialForm, files=("file",), response=MaterialOut, status=201)
def upload_material(meeting_id: int, form: MaterialForm, files: dict):
    """The PDF is validated before anything is stored (not a PDF, encrypted, truncated, corrupt, empty, too
    large, too many pages, a decompression bomb or an image too large to render → 422 ``pdf_<reason>``)."""
    meeting = load_meeting(meeting_id)
    require(current_user, Action.UPLOAD_MATERIAL, _upload_target(meeting, form.agenda_item_id))
    if form.confidentiality == Confidentiality.PAPER_ONLY:
        raise ApiError(422, "paper_only", _("A paper-only material has no file."))
    upload = ops.Upload(files["file"].read(current_app.config["MATERIAL_MAX_BYTES"] + 1), files["file"].filename)
    material = ops.create_material(meeting, current_user, title=form.title, doc_type=form.doc_type,
                                   confidentiality=form.confidentiality, agenda_item_id=form.agenda_item_id,
                                   reader_ids=form.reader_id_list(), upload=upload)
    _commit_upload(material.current.sha256)
    return material


def _commit_upload(sha256: str) -> None:
    try:
        db.session.commit()
    except Exception:
        ops.discard_unreferenced(sha256)
        raise


@route(bp, "/meetings/<int:meeting_id>/paper-materials", method="POST", summary="List a paper-only material",
       body=PaperMaterial, response=MaterialOut, status=201)
def add_paper_material(meeting_id: int, body: PaperMaterial):
    meeting = load_meeting(meeting_id)
    require(current_user, Action.UPLOAD_MATERIAL, _upload_target(meeting, body.agenda_item_id))
    material = ops.create_material(meeting, current_user, confidentiality=Confidentiality.PAPER_ONLY,
                                   **body.model_dump())
    db.session.commit()
    return material


def _pack_state(meeting_id: int, build) -> dict:
    return {"status": build.status, "progress": build.progress, "total": build.total,
            "page_count": build.page_count, "error": build.error, "ready": build.status == "done",
            "download_url": f"/api/v1/meetings/{meeting_id}/pack.pdf"}


@route(bp, "/meetings/<int:meeting_id>/pack", summary="The state of the reader's meeting pack", response=PackOut)
def pack_state(meeting_id: int):
    """Queues the pack when it has not been built yet; ``progress`` of ``total`` steps while it is built in the
    background."""
    pack = _load_pack(meeting_id)
    db.session.commit()
    return _pack_state(meeting_id, pack.build)


@route(bp, "/meetings/<int:meeting_id>/pack.pdf", summary="The meeting pack (bộ tài liệu) for the reader")
def meeting_pack(meeting_id: int):
    """Cover, agenda as contents with page numbers, every material the reader may read in order, bookmarks per
    item and material. Confidential materials are included only for their readers, in a pack watermarked for
    that reader; other packs are shared and rebuilt when a material changes. While the pack is being built in
    the background the answer is 202 with its progress (as ``GET …/pack``) and ``Retry-After``."""
    pack = _load_pack(meeting_id)
    if pack.data is None:
        db.session.commit()
        response = current_app.json.response(_pack_state(meeting_id, pack.build))
        response.status_code, response.headers["Retry-After"] = 202, "2"
        return response
    if request.method == "GET":  # a HEAD delivers nothing
        if not _briefcase_prefetch():
            publishing.record_reads(pack.materials, current_user)
        _audit_confidential_reads(m for m in pack.materials)
        db.session.commit()
    return _pdf_response(pack.data, f"bo-tai-lieu-{meeting_id}.pdf")


def _load_pack(meeting_id: int) -> packs.PackFile:
    pack = packs.pack_file(load_meeting(meeting_id), current_user)
    if pack is None:
        raise ApiError(404, "empty_pack", _("This meeting has no materials for you yet."))
    return pack


def _audit_confidential_reads(materials, served: str | None = None) -> None:
    """``served``: the ``Content-Range`` of a partial answer (``bytes 0-99/5120``)."""
    for material in materials:
        if material.confidentiality == Confidentiality.CONFIDENTIAL:
            audit.record("read", entity_type="materials", entity_id=material.id, summary=material.title[:200],
                         changes={"version": material.current.number, **({"bytes": served} if served else {})})


def _pdf_response(data: bytes, filename: str):
    response = current_app.response_class(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@route(bp, "/materials/<int:material_id>", summary="A material and its versions", response=MaterialOut)
def get_material(material_id: int):
    return load_material(material_id)


@route(bp, "/materials/<int:material_id>/versions", method="POST", summary="Replace a material's file",
       form=VersionForm, files=("file",), response=MaterialOut, status=201)
def add_version(material_id: int, form: VersionForm, files: dict):
    """The history is kept; readers see the material marked as updated."""
    material = load_material(material_id)
    require(current_user, Action.UPLOAD_MATERIAL, material.agenda_item or material.meeting)
    upload = ops.Upload(files["file"].read(current_app.config["MATERIAL_MAX_BYTES"] + 1), files["file"].filename)
    version = ops.add_version(material, upload, current_user)
    publishing.announce_version(material, version, current_user)
    _commit_upload(version.sha256)
    return material


@route(bp, "/materials/<int:material_id>/file", summary="Download the material's current PDF")
def download(material_id: int):
    """A confidential material is watermarked for the reader on every page. HTTP ranges are answered (206, only
    the bytes asked for), so that the reader in the browser shows the first page before the rest has arrived.
    Every answer that delivers the file's bytes is a reading (read receipt and, for a confidential material, the
    audit), whatever its ``Range`` or ``If-Range``: the whole file, and a range — except a range fetched while the
    reader's reading of this version is in progress (``publishing.OPENING``), whose bytes it has already
    received. ``HEAD``, 304 and 416 deliver nothing and count as nothing."""
    material = load_material(material_id)
    stored = ops.file_for(material, current_user)
    response = send_file(stored.path, mimetype="application/pdf", download_name=stored.filename,
                         as_attachment=True, conditional=True, etag=stored.etag)  # the reader fetches it all the same
    response.headers["Cache-Control"] = "private, no-store"
    if _delivers_content(response) and not (
            response.status_code == 206 and publishing.reading_in_progress(material, current_user)):
        if not _briefcase_prefetch():
            publishing.record_reads([material], current_user)
        _audit_confidential_reads([material], served=response.headers.get("Content-Range"))
        db.session.commit()
    return response


def _briefcase_prefetch() -> bool:
    """The offline briefcase downloading ahead (static/js/briefcase-sw.js): not a reading, but the confidential
    copy leaving the server is audited all the same."""
    return request.headers.get("X-Briefcase") == "prefetch"


def _delivers_content(response) -> bool:
    return request.method == "GET" and response.status_code in (200, 206)


@route(bp, "/materials/<int:material_id>/readers", method="PUT", summary="Name the readers of a confidential "
       "material", body=ReadersBody, response=MaterialOut)
def set_readers(material_id: int, body: ReadersBody):
    material = load_material(material_id)
    require(current_user, Action.EDIT_AGENDA, material.meeting)
    ops.set_readers(material, body.reader_ids)
    db.session.commit()
    return material


@route(bp, "/meetings/<int:meeting_id>/publications", method="POST", summary="Publish the materials to the "
       "participants", body=PublishBody, response=PublicationOut, status=201)
def publish(meeting_id: int, body: PublishBody):
    """Every material not yet published becomes readable by the participants allowed to read it, who are told
    (in the app, by e-mail and live). 409 ``nothing_to_publish`` when there is nothing new."""
    meeting = load_meeting(meeting_id)
    require(current_user, Action.PUBLISH_MATERIALS, meeting)
    publication = publishing.publish(meeting, current_user, body.note)
    material_ids = [m.id for m in ops.materials_of(meeting) if m.publication_id == publication.id]
    db.session.commit()
    return {"id": publication.id, "meeting_id": meeting.id, "created_at": publication.created_at,
            "note": publication.note, "material_ids": material_ids}


@route(bp, "/meetings/<int:meeting_id>/reads", summary="Who has read which published material",
       response=ReadReportOut)
def read_report(meeting_id: int):
    """For the secretariat: per participant, each published material it may read with ``read``,
    ``old_version`` (opened before the last update) or ``unread`` — the "chưa đọc" list."""
    meeting = load_meeting(meeting_id)
    require(current_user, Action.PUBLISH_MATERIALS, meeting)
    report = publishing.read_report(meeting, current_user)
    return {"materials": [m.id for m in report.materials], "people": [_reader_row(report, u) for u in report.people]}


def _reader_row(report: publishing.ReadReport, user) -> ReaderRow:
    cells = [report.cells[(user.id, m.id)] for m in report.materials if (user.id, m.id) in report.cells]
    return ReaderRow(user=user, not_read=len(report.not_read_by(user)), materials=[
        {"material_id": c.material.id, "state": c.state, "first_read_at": c.read and c.read.first_read_at,
         "last_read_at": c.read and c.read.last_read_at} for c in cells])
