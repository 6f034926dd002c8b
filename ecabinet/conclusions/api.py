"""JSON API of conclusions and directives.

Whoever may see the meeting reads its conclusions; its chair, its secretary and the Office write them
(``WRITE_CONCLUSIONS``). Each committed change is sent to the meeting's live console as ``conclusions:changed``.
"""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from ecabinet.conclusions import operations as ops
from ecabinet.conclusions.models import Conclusion, Directive
from ecabinet.conclusions.schemas import (ConclusionIn, ConclusionOut, ConclusionsOut,
                                          ConclusionUpdate, DirectiveIn, DirectiveOut, OrderIn)
from ecabinet.core.api import load_or_404, route
from ecabinet.core.db import db
from ecabinet.meetings.loaders import load_meeting
from ecabinet.policy import Action, require

bp = Blueprint("conclusions_api", __name__)


def load_conclusion(conclusion_id: int) -> Conclusion:
    conclusion = load_or_404(Conclusion, conclusion_id)
    load_meeting(conclusion.meeting_id)
    return conclusion


def load_directive(directive_id: int) -> Directive:
    directive = load_or_404(Directive, directive_id)
    load_meeting(directive.conclusion.meeting_id)
    return directive


def directive_data(body: DirectiveIn) -> ops.DirectiveData:
    deadline = body.deadline
    return ops.DirectiveData(content=body.content, lead_unit_id=body.lead_unit_id,
                             coordinating_unit_ids=list(body.coordinating_unit_ids), deadline_kind=deadline.kind,
                             deadline_on=getattr(deadline, "on", None), deadline_count=getattr(deadline, "count", None),
                             report_required=body.report_required)


def _directive_out(directive: Directive) -> dict:
    return ops.directive_row(directive, bool(ops.directives_with_tasks([directive.id])))


@route(bp, "/meetings/<int:meeting_id>/conclusions", summary="The meeting's conclusions and directives",
       response=ConclusionsOut)
def list_conclusions(meeting_id: int):
    """In their order, each with its directives; ``writable`` says whether they may be changed now."""
    return ops.snapshot(load_meeting(meeting_id))


@route(bp, "/meetings/<int:meeting_id>/conclusions", method="POST", summary="Add a conclusion",
       body=ConclusionIn, response=ConclusionOut, status=201)
def create_conclusion(meeting_id: int, body: ConclusionIn):
    """Only while the meeting is in progress or ended and its notice is a draft (else 409)."""
    meeting = load_meeting(meeting_id)
    require(current_user, Action.WRITE_CONCLUSIONS, meeting)
    conclusion = ops.add_conclusion(meeting, current_user, body.agenda_item_id, body.text)
    db.session.commit()
    return ops.conclusion_row(conclusion)


@route(bp, "/conclusions/<int:conclusion_id>", method="PUT", summary="Change a conclusion",
       body=ConclusionUpdate, response=ConclusionOut)
def update_conclusion(conclusion_id: int, body: ConclusionUpdate):
    """``version`` is the one the edit is based on: an older one is refused (409 ``edit_conflict``)."""
    conclusion = load_conclusion(conclusion_id)
    require(current_user, Action.WRITE_CONCLUSIONS, conclusion.meeting)
    ops.update_conclusion(conclusion, current_user, body.version, body.text, body.agenda_item_id,
                          move_item="agenda_item_id" in body.model_fields_set)
    db.session.commit()
    return ops.conclusion_row(conclusion)


@route(bp, "/conclusions/<int:conclusion_id>", method="DELETE", summary="Delete a conclusion",
       status=204)
def delete_conclusion(conclusion_id: int):
    """With its directives; refused (409) when one of them already became a task."""
    conclusion = load_conclusion(conclusion_id)
    meeting = conclusion.meeting
    require(current_user, Action.WRITE_CONCLUSIONS, meeting)
    ops.delete_conclusion(conclusion)
    db.session.commit()


@route(bp, "/meetings/<int:meeting_id>/conclusions/order", method="POST", summary="Order the conclusions",
       body=OrderIn, response=ConclusionsOut)
def order_conclusions(meeting_id: int, body: OrderIn):
    meeting = load_meeting(meeting_id)
    require(current_user, Action.WRITE_CONCLUSIONS, meeting)
    ops.reorder_conclusions(meeting, body.conclusion_ids)
    db.session.commit()
    return ops.snapshot(meeting)


@route(bp, "/conclusions/<int:conclusion_id>/directives", method="POST", summary="Add a directive",
       body=DirectiveIn, response=DirectiveOut, status=201)
def create_directive(conclusion_id: int, body: DirectiveIn):
    """Bad units or a deadline before the meeting's day are a 422 naming each field at fault."""
    conclusion = load_conclusion(conclusion_id)
    require(current_user, Action.WRITE_CONCLUSIONS, conclusion.meeting)
    directive = ops.add_directive(conclusion, directive_data(body))
    db.session.commit()
    return _directive_out(directive)


@route(bp, "/directives/<int:directive_id>", method="PUT", summary="Change a directive", body=DirectiveIn,
       response=DirectiveOut)
def update_directive(directive_id: int, body: DirectiveIn):
    """Every field is replaced."""
    directive = load_directive(directive_id)
    meeting = directive.conclusion.meeting
    require(current_user, Action.WRITE_CONCLUSIONS, meeting)
    ops.update_directive(directive, directive_data(body))
    db.session.commit()
    return _directive_out(directive)


@route(bp, "/directives/<int:directive_id>", method="DELETE", summary="Delete a directive", status=204)
def delete_directive(directive_id: int):
    """Refused (409 ``directive_has_task``) once it became a task."""
    directive = load_directive(directive_id)
    meeting = directive.conclusion.meeting
    require(current_user, Action.WRITE_CONCLUSIONS, meeting)
    ops.delete_directive(directive)
    db.session.commit()
