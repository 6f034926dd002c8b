"""Pages of the agenda and its materials: the agenda of a meeting, the item editor, uploads.

The page shows each user only the materials it may read (``VIEW_MATERIAL``): a confidential
material someone is not a reader of leaves no title and no count behind. Uploads go through
the same operations as the API (validated before storage, ``discard_unreferenced`` when the
commit fails after the file was stored).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.forms import parse_form
from ecabinet.accounts.models import Role, User
from ecabinet.materials import operations as ops
from ecabinet.materials import publishing
from ecabinet.materials.models import AgendaItem, ItemStatus, Material
from ecabinet.materials.schemas import ItemCreate, MaterialForm
from ecabinet.meetings.models import Meeting
from ecabinet.materials.loaders import load_material
from ecabinet.meetings.loaders import load_meeting
from ecabinet.org import operations as org
from ecabinet.policy import Action, allowed, require

bp = Blueprint("materials", __name__)


@bp.app_template_global("agenda_item_count")
def agenda_item_count(meeting: Meeting) -> int:
    """How many items the agenda has (items are not secret; materials are not counted)."""
    return len(ops.agenda(meeting))


@bp.app_template_filter("filesize")
def filesize(size: int | None) -> str:
    """A size in bytes as people read it, with the Vietnamese decimal comma: 1,2 MB."""
    if size is None:
        return ""
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:.1f}".replace(".", ",") + f" {unit}"
    return f"{size} B"


# --- the agenda page -------------------------------------------------------------------------

def _agenda_page(meeting: Meeting, status: int = 200, form_key: str | None = None,
                 errors: dict[str, str] | None = None, form: MultiDict | None = None):
    """The agenda; after a refused upload, ``form_key`` names the form shown open with its errors."""
    items = ops.agenda(meeting)
    readable = ops.materials_of(meeting, visible_to=current_user)
    by_item: dict[int, list[Material]] = {item.id: [] for item in items}
    general: list[Material] = []
    for material in readable:
        if material.agenda_item_id in by_item:
            by_item[material.agenda_item_id].append(material)
        else:
            general.append(material)
    may_edit = allowed(current_user, Action.EDIT_AGENDA, meeting)
    may_publish = allowed(current_user, Action.PUBLISH_MATERIALS, meeting)
    return render_template(
        "materials/agenda.html", meeting=meeting, items=items, by_item=by_item, general=general,
        may_edit=may_edit, sees_review=may_edit or current_user.id == meeting.chair_id, may_publish=may_publish,
        unpublished=publishing.unpublished(meeting) if may_publish else [],
        reader_choices=_reader_choices(meeting) if may_edit else [],
        default_reader_ids={u.id for u in ops.default_readers(meeting)} if may_edit else set(),
        may_upload={item.id for item in items if allowed(current_user, Action.UPLOAD_MATERIAL, item)},
        may_upload_general=allowed(current_user, Action.UPLOAD_MATERIAL, meeting),
        form_key=form_key, errors=errors or {}, form=form or MultiDict()), status


def _reader_choices(meeting: Meeting) -> list[User]:
    """Who may be named a reader of a confidential material: the meeting's people and every leader."""
    people = {u.id: u for u in publishing.participants(meeting)}
    leaders = db.session.scalars(sa.select(User).where(User.active.is_(True)))
    people.update({u.id: u for u in leaders if u.has_role(Role.LEADER)})
    return sorted(people.values(), key=lambda u: (u.unit.name if u.unit else "", u.full_name))


@bp.get("/meetings/<int:meeting_id>/agenda")
@login_required
def agenda(meeting_id: int):
    return _agenda_page(load_meeting(meeting_id))


def _load_item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


# --- adding and changing items ---------------------------------------------------------------

def _item_values(item: AgendaItem | None) -> MultiDict:
    if item is None:
        return MultiDict({"planned_minutes": "30", "purpose": "opinion"})
    return MultiDict({"title": item.title, "presenting_unit_id": str(item.presenting_unit_id or ""),
                      "presenter": item.presenter, "planned_minutes": str(item.planned_minutes),
                      "purpose": item.purpose.value, "review_opinion": item.review_opinion,
                      "status": item.status.value})


def _item_editor(meeting: Meeting, item: AgendaItem | None, form: MultiDict, errors: dict[str, str],
                 status: int = 200):
    return render_template("materials/item_form.html", meeting=meeting, item=item, form=form, errors=errors,
                           units=org.unit_choices(), statuses=list(ItemStatus)), status


def _read_item_form(form: MultiDict, with_status: bool) -> tuple[dict | None, dict[str, str]]:
    body, errors = parse_form(ItemCreate, form)
    status = None
    if with_status:
        try:
            status = ItemStatus(form.get("status", ""))
        except ValueError:
            errors["status"] = _("Choose one of the listed values.")
    if body is None or errors:
        return None, errors
    values = body.model_dump()
    if with_status:
        values["status"] = status
    return values, {}


@bp.route("/meetings/<int:meeting_id>/agenda/new", methods=["GET", "POST"])
@login_required
def new_item(meeting_id: int):
    meeting = load_meeting(meeting_id)
    require(current_user, Action.EDIT_AGENDA, meeting)
    if request.method == "GET":
        return _item_editor(meeting, None, _item_values(None), {})
    return _save_item(meeting, None, lambda values: ops.add_item(meeting, **values), _("The agenda item is added."))


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(meeting_id: int, item_id: int):
    meeting = load_meeting(meeting_id)
    item = _load_item(meeting, item_id)
    require(current_user, Action.EDIT_AGENDA, meeting)
    if request.method == "GET":
        return _item_editor(meeting, item, _item_values(item), {})
    return _save_item(meeting, item, lambda values: ops.update_item(item, values), _("The agenda item is saved."))


def _save_item(meeting, item, apply, done_message: str):
    """Read the item form, ``apply`` it (add or update), commit; the form again with its errors if refused."""
    values, errors = _read_item_form(request.form, with_status=item is not None)
    if values is None:
        return _item_editor(meeting, item, request.form, errors, 422)
    try:
        saved = apply(values)
    except DomainError as exc:
        db.session.rollback()
        return _item_editor(meeting, item, request.form, {exc.field or "__all__": exc.message}, 422)
    db.session.commit()
    flash(done_message, "success")
    return redirect(url_for("materials.agenda", meeting_id=meeting.id, _anchor=f"item-{saved.id}"))


@bp.post("/meetings/<int:meeting_id>/agenda/<int:item_id>/move")
@login_required
def move_item(meeting_id: int, item_id: int):
    """Move an item one place up or down (the buttons; the page's script drags and drops through the API)."""
    meeting = load_meeting(meeting_id)
    item = _load_item(meeting, item_id)
    require(current_user, Action.EDIT_AGENDA, meeting)
    order = [i.id for i in ops.agenda(meeting)]
    index = order.index(item.id)
    other = index - 1 if request.form.get("direction") == "up" else index + 1
    if request.form.get("direction") in ("up", "down") and 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        ops.reorder(meeting, order)
        db.session.commit()
    return redirect(url_for("materials.agenda", meeting_id=meeting.id, _anchor=f"item-{item.id}"))


# --- uploads ---------------------------------------------------------------------------------


def _upload_of(name: str = "file") -> ops.Upload | None:
    """The file sent with the form, or None when the file input was left empty."""
    sent = request.files.get(name)
    if sent is None or not sent.filename:
        return None
    return ops.Upload(sent.read(current_app.config["MATERIAL_MAX_BYTES"] + 1), sent.filename)


def _commit_upload(sha256: str | None) -> None:
    """Commit; if that fails after a file was stored, remove the file no version refers to."""
    try:
        db.session.commit()
    except Exception:
        if sha256:
            ops.discard_unreferenced(sha256)
        raise


@bp.post("/meetings/<int:meeting_id>/materials")
@login_required
def upload(meeting_id: int):
    """A material of an item (``agenda_item_id``) or of the whole meeting; paper-only ones have no file."""
    meeting = load_meeting(meeting_id)
    form = request.form.copy()
    form["reader_ids"] = ",".join(request.form.getlist("reader_ids"))
    body, errors = parse_form(MaterialForm, form)
    item_id = body.agenda_item_id if body is not None else None
    if body is None and "agenda_item_id" not in errors and request.form.get("agenda_item_id", "").strip().isdigit():
        item_id = int(request.form["agenda_item_id"])  # the other fields are wrong: show that item's form again
    item = _load_item(meeting, item_id) if item_id else None
    require(current_user, Action.UPLOAD_MATERIAL, item or meeting)
    form_key = f"upload-{item.id}" if item else "upload-general"
    if body is None:
        return _agenda_page(meeting, 422, form_key, errors, request.form)
    try:
        material = ops.create_material(meeting, current_user, title=body.title, doc_type=body.doc_type,
                                       confidentiality=body.confidentiality,
                                       agenda_item_id=item.id if item else None, upload=_upload_of(),
                                       reader_ids=body.reader_id_list())
    except DomainError as exc:
        db.session.rollback()
        return _agenda_page(meeting, 422, form_key, {exc.field or "__all__": exc.message}, request.form)
    _commit_upload(material.current.sha256 if material.current else None)
    flash(_("The material “%(title)s” is added.", title=material.title), "success")
    return redirect(url_for("materials.agenda", meeting_id=meeting.id, _anchor=f"material-{material.id}"))


@bp.post("/materials/<int:material_id>/versions")
@login_required
def new_version(material_id: int):
    material = load_material(material_id)
    meeting = material.meeting
    require(current_user, Action.UPLOAD_MATERIAL, material.agenda_item or meeting)
    form_key = f"version-{material.id}"
    upload_ = _upload_of()
    if upload_ is None:
        return _agenda_page(meeting, 422, form_key, {"file": _("Choose the PDF file.")}, request.form)
    try:
        version = ops.add_version(material, upload_, current_user)
    except DomainError as exc:
        db.session.rollback()
        return _agenda_page(meeting, 422, form_key, {exc.field or "__all__": exc.message}, request.form)
    publishing.announce_version(material, version, current_user)
    _commit_upload(version.sha256)
    flash(_("Version %(n)d of “%(title)s” is uploaded.", n=version.number, title=material.title), "success")
    return redirect(url_for("materials.agenda", meeting_id=meeting.id, _anchor=f"material-{material.id}"))



@bp.post("/materials/<int:material_id>/readers")
@login_required
def set_readers(material_id: int):
    material = load_material(material_id)
    meeting = material.meeting
    require(current_user, Action.EDIT_AGENDA, meeting)
    ids = [int(i) for i in request.form.getlist("reader_ids") if i.isdigit() and len(i) < 10]
    try:
        if not ids:
            raise DomainError("no_readers", _("Choose at least one reader."), "reader_ids")
        ops.set_readers(material, ids)
    except DomainError as exc:
        db.session.rollback()
        return _agenda_page(meeting, 422, f"readers-{material.id}", {exc.field or "__all__": exc.message},
                            request.form)
    db.session.commit()
    flash(_("The readers of “%(title)s” are saved.", title=material.title), "success")
    return redirect(url_for("materials.agenda", meeting_id=meeting.id, _anchor=f"material-{material.id}"))


# --- publishing and reading ------------------------------------------------------------------

@bp.post("/meetings/<int:meeting_id>/publications")
@login_required
def publish(meeting_id: int):
    meeting = load_meeting(meeting_id)
    require(current_user, Action.PUBLISH_MATERIALS, meeting)
    note = request.form.get("note", "").strip()[:20_000]
    try:
        publication = publishing.publish(meeting, current_user, note.replace("\x00", ""))
    except DomainError as exc:
        db.session.rollback()
        return _agenda_page(meeting, exc.status, "publish", {"__all__": exc.message}, request.form)
    count = sum(1 for m in ops.materials_of(meeting) if m.publication_id == publication.id)
    db.session.commit()
    flash(_("%(n)d material(s) published to the participants.", n=count), "success")
    return redirect(url_for("materials.agenda", meeting_id=meeting.id))


@bp.get("/meetings/<int:meeting_id>/reads")
@login_required
def reads(meeting_id: int):
    """Who has read which published material: the "chưa đọc" list of the secretariat."""
    meeting = load_meeting(meeting_id)
    require(current_user, Action.PUBLISH_MATERIALS, meeting)
    return render_template("materials/reads.html", meeting=meeting,
                           report=publishing.read_report(meeting, current_user))
