"""Pages of a meeting's conclusions and directives.

The secretary writes, per agenda item, the conclusion and its directives (plain forms, no script needed); those
who may only see the meeting get the same page read-only. Each saved change also reaches the live console.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask.blueprints import BlueprintSetupState
from werkzeug.datastructures import MultiDict

from ecabinet.conclusions import operations as ops
from ecabinet.conclusions.models import Conclusion, Directive
from ecabinet.conclusions.schemas import ConclusionForm, DirectiveForm
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.forms import parse_form
from ecabinet.materials import operations as materials
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import Meeting
from ecabinet.meetings.loaders import load_meeting
from ecabinet.org import operations as org
from ecabinet.policy import Action, allowed, require

bp = Blueprint("conclusions", __name__)


@bp.record_once
def _take_part_in_undoing_a_start(state: BlueprintSetupState) -> None:
    meetings.install_start_undoer(state.app, "conclusions", ops.refuse_undoing_start)

FIELD_OF_DETAIL = {"deadline.on": "deadline_on", "deadline.count": "deadline_count"}
"""Where the page shows an operation's error on a field of the API's shape."""


def _sections(meeting: Meeting, conclusions: list[Conclusion]) -> list[dict]:
    """One section per agenda item with its conclusions, then the conclusions on the meeting as a whole."""
    items = materials.agenda(meeting)
    by_item: dict[int | None, list[Conclusion]] = {}
    for conclusion in conclusions:
        by_item.setdefault(conclusion.agenda_item_id, []).append(conclusion)
    sections = [{"item": item, "conclusions": by_item.get(item.id, [])} for item in items]
    sections.append({"item": None, "conclusions": by_item.get(None, [])})
    return sections


def directive_values(directive: Directive | None, form: MultiDict | None = None) -> dict:
    """The strings a directive form shows: what was typed (``form``), else the directive's, else blanks."""
    if form is not None:
        return {"content": form.get("content", ""), "lead_unit_id": form.get("lead_unit_id", ""),
                "coordinating": form.getlist("coordinating_unit_ids"), "deadline_kind": form.get("deadline_kind", ""),
                "deadline_on": form.get("deadline_on", ""), "deadline_count": form.get("deadline_count", ""),
                "report_required": bool(form.get("report_required"))}
    if directive is None:
        return {"content": "", "lead_unit_id": "", "coordinating": [], "deadline_kind": "none", "deadline_on": "",
                "deadline_count": "", "report_required": False}
    return {"content": directive.content, "lead_unit_id": str(directive.lead_unit_id),
            "coordinating": [str(unit.id) for unit in directive.coordinating_units],
            "deadline_kind": directive.deadline_kind.value,
            "deadline_on": directive.deadline_on.strftime("%d/%m/%Y") if directive.deadline_on else "",
            "deadline_count": directive.deadline_working_days or "", "report_required": directive.report_required}


def _page(meeting: Meeting, failed: str | None = None, form: MultiDict | None = None,
          errors: dict[str, str] | None = None, status: int = 200):
    conclusions = ops.meeting_conclusions(meeting.id)
    may_write = allowed(current_user, Action.WRITE_CONCLUSIONS, meeting)
    lock = ops.lock_reason(meeting)
    notice = ops.latest_notice(meeting.id)
    tasked = ops.directives_with_tasks([d.id for c in conclusions for d in c.directives])
    return render_template(
        "conclusions/page.html", meeting=meeting, sections=_sections(meeting, conclusions),
        editable=may_write and lock is None, may_write=may_write, lock=lock, notice=notice, tasked=tasked,
        units=org.unit_choices() if may_write else [], failed=failed, form=form or MultiDict(),
        errors=errors or {}, may_run=allowed(current_user, Action.RUN_LIVE, meeting),
        directive_values=directive_values), status


def _writable_meeting(meeting_id: int) -> Meeting:
    meeting = load_meeting(meeting_id)
    require(current_user, Action.WRITE_CONCLUSIONS, meeting)
    return meeting


def _conclusion_of(meeting: Meeting, conclusion_id: int) -> Conclusion:
    conclusion = db.session.get(Conclusion, conclusion_id)
    if conclusion is None or conclusion.meeting_id != meeting.id:
        abort(404)
    return conclusion


def _directive_of(meeting: Meeting, directive_id: int) -> Directive:
    directive = db.session.get(Directive, directive_id)
    if directive is None or directive.conclusion.meeting_id != meeting.id:
        abort(404)
    return directive


def _back(meeting: Meeting, anchor: str, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("conclusions.page", meeting_id=meeting.id, _anchor=anchor))


def _refused(meeting: Meeting, failed: str, exc: DomainError):
    """The page again (422, or the error's own status) with the operation's messages next to their fields."""
    db.session.rollback()
    errors: dict[str, str] = {}
    for detail in exc.details:
        field = detail.get("field") or "__all__"
        errors.setdefault(FIELD_OF_DETAIL.get(field, field), detail["message"])
    if exc.status == 409:
        flash(exc.message, "danger")
    return _page(meeting, failed, request.form, errors, exc.status)


def _directive_form() -> tuple[ops.DirectiveData | None, dict[str, str]]:
    body, errors = parse_form(DirectiveForm, request.form, list_fields=("coordinating_unit_ids",))
    if "deadline_on" in errors:
        errors["deadline_on"] = _("Enter the date as dd/mm/yyyy.")
    if "deadline_count" in errors:
        errors["deadline_count"] = _("Enter a number of working days from 1 to 365.")
    if "lead_unit_id" in errors:
        errors["lead_unit_id"] = _("Choose the lead agency.")
    if body is None:
        return None, errors
    return ops.DirectiveData(content=body.content, lead_unit_id=body.lead_unit_id,
                             coordinating_unit_ids=list(body.coordinating_unit_ids), deadline_kind=body.deadline_kind,
                             deadline_on=body.deadline_on, deadline_count=body.deadline_count,
                             report_required=body.report_required), {}


@bp.get("/meetings/<int:meeting_id>/conclusions")
@login_required
def page(meeting_id: int):
    """Everyone who may see the meeting reads its conclusions; its chair, secretary and the Office write them."""
    return _page(load_meeting(meeting_id))


def _attempt(meeting: Meeting, failed: str, operation: Callable[[], Any], anchor: Callable[[Any], str],
             message: str):
    """Run the operation: committed, announced and back to the page at ``anchor(result)``; refused, the page
    again with its messages at the form that failed."""
    try:
        result = operation()
    except DomainError as exc:
        return _refused(meeting, failed, exc)
    return _back(meeting, anchor(result), message)


@bp.post("/meetings/<int:meeting_id>/conclusions")
@login_required
def create(meeting_id: int):
    meeting = _writable_meeting(meeting_id)
    failed = f"new-{request.form.get('agenda_item_id') or 'general'}"
    body, errors = parse_form(ConclusionForm, request.form)
    if body is None:
        return _page(meeting, failed, request.form, errors, 422)
    return _attempt(meeting, failed, lambda: ops.add_conclusion(meeting, current_user, body.agenda_item_id, body.text),
                    lambda conclusion: f"conclusion-{conclusion.id}", _("The conclusion is saved."))


@bp.post("/meetings/<int:meeting_id>/conclusions/<int:conclusion_id>")
@login_required
def update(meeting_id: int, conclusion_id: int):
    meeting = _writable_meeting(meeting_id)
    conclusion = _conclusion_of(meeting, conclusion_id)
    failed = f"conclusion-{conclusion.id}"
    body, errors = parse_form(ConclusionForm, request.form)
    if body is None or body.version is None:
        return _page(meeting, failed, request.form, errors or {"__all__": _("Reload the page")}, 422)
    return _attempt(meeting, failed, lambda: ops.update_conclusion(conclusion, current_user, body.version, body.text),
                    lambda _result: failed, _("The conclusion is saved."))


@bp.post("/meetings/<int:meeting_id>/conclusions/<int:conclusion_id>/delete")
@login_required
def delete(meeting_id: int, conclusion_id: int):
    meeting = _writable_meeting(meeting_id)
    conclusion = _conclusion_of(meeting, conclusion_id)
    return _attempt(meeting, f"conclusion-{conclusion_id}", lambda: ops.delete_conclusion(conclusion),
                    lambda _result: "conclusions", _("The conclusion is deleted."))


@bp.post("/meetings/<int:meeting_id>/conclusions/<int:conclusion_id>/directives")
@login_required
def add_directive(meeting_id: int, conclusion_id: int):
    meeting = _writable_meeting(meeting_id)
    conclusion = _conclusion_of(meeting, conclusion_id)
    failed = f"new-directive-{conclusion.id}"
    data, errors = _directive_form()
    if data is None:
        return _page(meeting, failed, request.form, errors, 422)
    return _attempt(meeting, failed, lambda: ops.add_directive(conclusion, data),
                    lambda directive: f"directive-{directive.id}", _("The directive is saved."))


@bp.post("/meetings/<int:meeting_id>/directives/preview")
@login_required
def preview_directive(meeting_id: int):
    """The directive form's live preview (JSON): the notice's sentence and the task's title from what is typed."""
    meeting = _writable_meeting(meeting_id)
    data, errors = _directive_form()
    if data is None:
        return jsonify(errors=errors), 422
    try:
        return jsonify(ops.preview_directive(meeting, data))
    except DomainError as exc:
        return jsonify(errors={FIELD_OF_DETAIL.get(d["field"], d["field"]): d["message"] for d in exc.details}), 422


@bp.post("/meetings/<int:meeting_id>/directives/<int:directive_id>")
@login_required
def update_directive(meeting_id: int, directive_id: int):
    meeting = _writable_meeting(meeting_id)
    directive = _directive_of(meeting, directive_id)
    failed = f"directive-{directive.id}"
    data, errors = _directive_form()
    if data is None:
        return _page(meeting, failed, request.form, errors, 422)
    return _attempt(meeting, failed, lambda: ops.update_directive(directive, data), lambda _result: failed,
                    _("The directive is saved."))


@bp.post("/meetings/<int:meeting_id>/directives/<int:directive_id>/delete")
@login_required
def delete_directive(meeting_id: int, directive_id: int):
    meeting = _writable_meeting(meeting_id)
    directive = _directive_of(meeting, directive_id)
    anchor = f"conclusion-{directive.conclusion_id}"
    return _attempt(meeting, f"directive-{directive_id}", lambda: ops.delete_directive(directive),
                    lambda _result: anchor, _("The directive is deleted."))
