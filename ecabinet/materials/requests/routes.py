"""The page of material requests (đề nghị cung cấp tài liệu) of a meeting.

The secretariat sees the checklist of every agenda item, asks agencies for materials and marks
requests received, open again or cancelled; an agency's liaison sees its own agency's requests
with a link to the agenda, where it uploads the materials.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.forms import parse_form
from ecabinet.materials.queries import agenda
from ecabinet.materials.requests import operations as ops
from ecabinet.materials.requests.access import load_meeting, may_see_request, visible_units
from ecabinet.materials.models import AgendaItem, MaterialRequest, RequestStatus
from ecabinet.materials.requests.schemas import RequestForm
from ecabinet.meetings.models import Meeting
from ecabinet.org import operations as org
from ecabinet.policy import Action, allowed, require

bp = Blueprint("request_pages", __name__)


def _status_done(status: RequestStatus) -> str:
    return {RequestStatus.FULFILLED: _("The materials are marked as received."),
            RequestStatus.OPEN: _("The request is open again."),
            RequestStatus.CANCELLED: _("The request is cancelled.")}[status]


def _page(meeting: Meeting, form: MultiDict | None = None, errors: dict[str, str] | None = None, status: int = 200):
    checklist = ops.checklist(meeting, current_user, visible_units(current_user))
    may_manage = allowed(current_user, Action.SECRETARIAT_WORK)
    default_due = ops.default_due_on(meeting, checklist.today)
    if form is None:
        form = MultiDict({"due_on": default_due.strftime("%d/%m/%Y")})
    return render_template(
        "materials/requests.html", meeting=meeting, checklist=checklist, may_manage=may_manage,
        agenda=agenda(meeting) if may_manage else [], units=org.unit_choices() if may_manage else [],
        default_due=default_due, form=form, errors=errors or {}), status


@bp.get("/meetings/<int:meeting_id>/material-requests")
@login_required
def checklist_page(meeting_id: int):
    return _page(load_meeting(meeting_id))


def _read_form(meeting: Meeting) -> tuple[RequestForm | None, AgendaItem | None, dict[str, str]]:
    body, errors = parse_form(RequestForm, request.form, list_fields=("unit_ids",))
    if "due_on" in errors and request.form.get("due_on"):
        errors["due_on"] = _("Enter the date as dd/mm/yyyy.")
    if "agenda_item_id" in errors:
        errors["agenda_item_id"] = _("Choose an agenda item.")
    item = db.session.get(AgendaItem, body.agenda_item_id) if body is not None else None
    if body is not None and (item is None or item.meeting_id != meeting.id):
        errors["agenda_item_id"] = _("Choose an agenda item.")
    return (body, item, {}) if not errors else (None, None, errors)


@bp.post("/meetings/<int:meeting_id>/material-requests")
@login_required
def create(meeting_id: int):
    """Ask agencies for the materials of one item; refused with the form again (422) and nothing saved."""
    meeting = load_meeting(meeting_id)
    require(current_user, Action.SECRETARIAT_WORK)
    body, item, errors = _read_form(meeting)
    if body is None or item is None:
        return _page(meeting, request.form, errors, 422)
    try:
        created = ops.request_materials(item, body.unit_ids, current_user, due_on=body.due_on,
                                         note=body.note)
    except DomainError as exc:
        db.session.rollback()
        return _page(meeting, request.form, {exc.field or "__all__": exc.message}, 422)
    db.session.commit()
    flash(_("The materials of “%(item)s” are requested from: %(units)s.", item=item.title,
            units=", ".join(r.unit.name for r in created)), "success")
    return redirect(url_for("request_pages.checklist_page", meeting_id=meeting.id, _anchor=f"item-{item.id}"))


@bp.post("/meetings/<int:meeting_id>/material-requests/<int:request_id>/status")
@login_required
def change_status(meeting_id: int, request_id: int):
    """The buttons: materials received (a paper copy, say), reopen, cancel."""
    meeting = load_meeting(meeting_id)
    material_request = db.session.get(MaterialRequest, request_id)
    if (material_request is None or material_request.meeting_id != meeting.id
            or not may_see_request(current_user, material_request)):
        abort(404)
    require(current_user, Action.SECRETARIAT_WORK)
    try:
        status = RequestStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    try:
        ops.set_status(material_request, status)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_status_done(status), "success")
    return redirect(url_for("request_pages.checklist_page", meeting_id=meeting.id,
                            _anchor=f"request-{material_request.id}"))
