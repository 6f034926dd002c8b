"""JSON API of material requests (đề nghị cung cấp tài liệu): the checklist, asking agencies, changes.

The secretariat sees and changes every request; an agency's liaison sees only its own agency's
requests, and a request of another agency is answered 404 like a missing one.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ecabinet.core.api import ApiError, load_or_404, route
from ecabinet.core.db import db
from ecabinet.materials.requests import operations as ops
from ecabinet.materials.requests.access import load_meeting, may_see_request, visible_units
from ecabinet.materials.models import AgendaItem, MaterialRequest
from ecabinet.materials.requests.schemas import ChecklistOut, RequestCreate, RequestOut, RequestUpdate
from ecabinet.policy import Action, allowed, require

bp = Blueprint("request_api", __name__)


def _commit() -> None:
    """Two secretaries asking the same agency at once meet the unique key: the second gets a 409."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ApiError(409, "duplicate_request", _("This agency has already been asked for these materials.")) \
            from None


@route(bp, "/meetings/<int:meeting_id>/material-requests", summary="The checklist of requested materials",
       response=ChecklistOut)
def get_checklist(meeting_id: int):
    """Per agenda item and agency asked: status, deadline, lateness, materials uploaded, and the counts. An
    agency's liaison gets only its own agency's requests (and only the items concerned)."""
    meeting = load_meeting(meeting_id)
    checklist = ops.checklist(meeting, current_user, visible_units(current_user))
    return {"today": checklist.today, "counts": checklist.counts, "items": checklist.items,
            "default_due_on": ops.default_due_on(meeting, checklist.today)}


@route(bp, "/agenda-items/<int:item_id>/material-requests", method="POST", summary="Ask agencies for materials",
       body=RequestCreate, response=list[RequestOut], status=201)
def create_requests(item_id: int, body: RequestCreate):
    """One request per agency (by default the item's presenting agency), due by default the configured number of
    working days before the meeting's day; the agencies' liaisons are notified. A deadline after the meeting's
    day or in the past, or an unknown agency → 422; an agency already asked for this item → 409."""
    item = load_or_404(AgendaItem, item_id, lambda i: allowed(current_user, Action.VIEW_MEETING, i.meeting))
    require(current_user, Action.SECRETARIAT_WORK)
    created = ops.request_materials(item, body.unit_ids, current_user, due_on=body.due_on, note=body.note)
    _commit()
    return ops.rows_of(created, current_user)


@route(bp, "/material-requests/<int:request_id>", method="PATCH", summary="Change a material request",
       body=RequestUpdate, response=RequestOut)
def update_request(request_id: int, body: RequestUpdate):
    """A new deadline sends the reminders again for it; ``status`` marks the materials received (``fulfilled``,
    e.g. a paper copy), opens the request again (``open``) or cancels it (``cancelled``)."""
    request = load_or_404(MaterialRequest, request_id, lambda r: may_see_request(current_user, r))
    require(current_user, Action.SECRETARIAT_WORK)
    if "due_on" in body.model_fields_set and body.due_on is None:
        raise ApiError(422, "validation_error", _("Some fields are missing or invalid."),
                       [{"field": "due_on", "type": "missing", "message": "a request needs a deadline"}])
    ops.change_request(request, due_on=body.due_on, note=body.note)
    if body.status is not None and body.status != request.status:
        ops.set_status(request, body.status)
    _commit()
    return ops.rows_of([request], current_user)[0]
