"""Pages of the work programme: the year's list with its filters, an item with its history, the secretariat's
forms (enter, import, propose adjustments, put on an agenda) and the chair's decisions; Excel and PDF."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from pydantic import BaseModel

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role
from ecabinet.core import clock
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.forms import page_filters, parse_form
from ecabinet.meetings.models import Meeting, MeetingStatus
from ecabinet.org.models import Unit
from ecabinet.policy import Action, allowed, require
from ecabinet.programme import document, sheets, views
from ecabinet.programme import operations as ops
from ecabinet.programme.models import Adjustment, Programme, ProgrammeItem
from ecabinet.programme.schemas import (AdditionForm, AgendaForm, DecisionForm, DropForm, ItemForm, ItemQuery,
                                        MoveForm, ProgrammeForm)

bp = Blueprint("programme", __name__)

PICKABLE_MEETINGS = 50


def _choices() -> dict:
    units = db.session.scalars(sa.select(Unit).where(Unit.active.is_(True)).order_by(Unit.sort_order, Unit.name))
    return {"units": list(units), "leaders": accounts.users_with_role(Role.LEADER),
            "state_labels": views.state_labels(), "kind_labels": views.kind_labels(),
            "period_label": views.period_label, "event_labels": views.event_labels(),
            "adjustment_labels": views.adjustment_labels()}


def _list_page(query: ItemQuery, errors: dict[str, str] | None = None, status: int = 200, rows: list | None = None):
    view = views.programme_view(current_user, query)
    pending = ops.pending_adjustments(view.programme, current_user) if view.programme else []
    return render_template("programme/list.html", view=view, query=query, pending=pending, errors=errors or {},
                           bad_rows=rows or [],
                           export_args={k: v for k, v in request.args.items() if k != "year"}, **_choices()), status


def _coming_meetings() -> list[Meeting]:
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.status.in_((MeetingStatus.DRAFT, MeetingStatus.PUBLISHED)),
                                 Meeting.starts_at >= utcnow() - timedelta(hours=12))
        .order_by(Meeting.starts_at).limit(PICKABLE_MEETINGS)))


def _item_page(item: ProgrammeItem, errors: dict[str, str] | None = None, status: int = 200):
    return render_template("programme/item.html", item=item, behind=ops.is_behind(item, clock.today()),
                           pending=ops.pending_of(item), meetings=_coming_meetings(), errors=errors or {},
                           **_choices()), status


def _programme(year: int) -> Programme:
    programme = ops.programme_of(year)
    if programme is None:
        abort(404)
    return programme


def _item(item_id: int) -> ProgrammeItem:
    item = db.session.get(ProgrammeItem, item_id)
    require(current_user, Action.VIEW_PROGRAMME)
    if item is None or not allowed(current_user, Action.VIEW_PROGRAMME_ITEM, item):
        abort(404)
    return item


def _item_data(body: ItemForm) -> ops.ItemData:
    return ops.ItemData(title=body.title, kind=body.kind, period=ops.Period(body.period_kind, body.period),
                        lead_unit_id=body.lead_unit_id, leader_id=body.leader_id)


def _done(message: str, target: str):
    db.session.commit()
    flash(message, "success")
    return redirect(target)


@bp.get("/programme")
@login_required
def list_page():
    require(current_user, Action.VIEW_PROGRAMME)
    return _list_page(page_filters(ItemQuery, request.args))


@bp.post("/programme")
@login_required
def create():
    require(current_user, Action.MANAGE_PROGRAMME)
    body, errors = parse_form(ProgrammeForm, request.form)
    if body is None:
        return _list_page(ItemQuery(), errors, 422)
    try:
        ops.create_programme(body.year, body.title, body.chair_id, current_user)
    except DomainError as exc:
        db.session.rollback()
        return _list_page(ItemQuery(year=body.year), {exc.field or "year": exc.message}, exc.status)
    return _done(_("The programme of %(year)s is created.", year=body.year), url_for(".list_page", year=body.year))


def _new_item_step(year: int, model: type[ItemForm], step, message: str, prefix: str = ""):
    """A new item from the list page's form (entered, or proposed for addition): its id on success, else the
    list again with the errors of the form's fields (named with ``prefix``) and nothing saved."""
    require(current_user, Action.MANAGE_PROGRAMME)
    programme = _programme(year)
    body, errors = parse_form(model, request.form)
    if body is None:
        return _list_page(ItemQuery(year=year), {prefix + k: v for k, v in errors.items()}, 422)
    try:
        item_id = step(programme, body)
    except DomainError as exc:
        db.session.rollback()
        return _list_page(ItemQuery(year=year), {prefix + (exc.field or "title"): exc.message}, exc.status)
    return _done(message, url_for(".item_page", item_id=item_id))


@bp.post("/programme/<int:year>/items")
@login_required
def enter(year: int):
    return _new_item_step(year, ItemForm, lambda programme, body: ops.enter_items(
        programme, [_item_data(body)], current_user)[0].id, _("The item is entered in the programme."))


@bp.post("/programme/<int:year>/additions")
@login_required
def propose_addition(year: int):
    return _new_item_step(year, AdditionForm, lambda programme, body: ops.propose_addition(
        programme, _item_data(body), body.reason, current_user).item_id, _("The addition is proposed to the chair."),
        "add_")


@bp.post("/programme/<int:year>/import")
@login_required
def import_sheet(year: int):
    require(current_user, Action.MANAGE_PROGRAMME)
    programme = _programme(year)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _list_page(ItemQuery(year=year), {"file": _("Choose the Excel file (.xlsx) of the programme.")}, 422)
    try:
        items = sheets.import_sheet(programme, sent.read(sheets.MAX_BYTES + 1), current_user)
    except sheets.SheetRefused as exc:
        db.session.rollback()
        return _list_page(ItemQuery(year=year), {"file": exc.message}, exc.status, exc.rows)
    except DomainError as exc:
        db.session.rollback()
        return _list_page(ItemQuery(year=year), {"file": exc.message}, exc.status)
    return _done(_("%(n)s items imported.", n=len(items)), url_for(".list_page", year=year))


def _export_items(year: int) -> tuple[Programme, list[ProgrammeItem]]:
    require(current_user, Action.VIEW_PROGRAMME)
    programme = _programme(year)
    query = page_filters(ItemQuery, request.args).model_copy(update={"year": year})
    return programme, views.programme_view(current_user, query).items


@bp.get("/programme/<int:year>.xlsx")
@login_required
def export_xlsx(year: int):
    programme, items = _export_items(year)
    return Response(sheets.export_workbook(programme, items), mimetype=sheets.XLSX_TYPE,
                    headers={"Content-Disposition": f"attachment; filename=chuong-trinh-cong-tac-{year}.xlsx"})


@bp.get("/programme/<int:year>.pdf")
@login_required
def export_pdf(year: int):
    programme, items = _export_items(year)
    return Response(document.programme_pdf(programme, items), mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=chuong-trinh-cong-tac-{year}.pdf"})


@bp.get("/programme/items/<int:item_id>")
@login_required
def item_page(item_id: int):
    return _item_page(_item(item_id))


def _item_step(item_id: int, model: type[BaseModel], step, message: str):
    """A secretariat's step on an item: the form read, the operation run, committed; the page again with the
    error (and nothing saved) otherwise."""
    item = _item(item_id)
    require(current_user, Action.MANAGE_PROGRAMME)
    body, errors = parse_form(model, request.form)
    if body is None:
        return _item_page(item, errors, 422)
    try:
        step(item, body)
    except DomainError as exc:
        db.session.rollback()
        return _item_page(db.session.get(ProgrammeItem, item_id), {exc.field or "form": exc.message}, exc.status)
    return _done(message, url_for(".item_page", item_id=item_id))


@bp.post("/programme/items/<int:item_id>/move")
@login_required
def move(item_id: int):
    return _item_step(item_id, MoveForm, lambda item, body: ops.propose_move(
        item, ops.Period(body.period_kind, body.period), body.reason, current_user),
        _("The move is proposed to the chair."))


@bp.post("/programme/items/<int:item_id>/drop")
@login_required
def drop(item_id: int):
    return _item_step(item_id, DropForm, lambda item, body: ops.propose_drop(item, body.reason, current_user),
                      _("Dropping the item is proposed to the chair."))


@bp.post("/programme/items/<int:item_id>/agenda")
@login_required
def put_on_agenda(item_id: int):
    def step(item: ProgrammeItem, body: AgendaForm) -> None:
        meeting = db.session.get(Meeting, body.meeting_id)
        if meeting is None:
            raise DomainError("unknown_meeting", _("Choose a coming meeting."), "meeting_id")
        ops.put_on_agenda(item, meeting, current_user, due_on=body.due_on)

    return _item_step(item_id, AgendaForm, step,
                      _("The item is on the meeting's agenda and its materials are requested from the lead agency."))


@bp.post("/programme/adjustments/<int:adjustment_id>/decide")
@login_required
def decide(adjustment_id: int):
    adjustment = db.session.get(Adjustment, adjustment_id)
    if adjustment is None:
        abort(404)
    require(current_user, Action.DECIDE_PROGRAMME_ADJUSTMENT, adjustment)
    body, errors = parse_form(DecisionForm, request.form)
    if body is None:
        return _item_page(adjustment.item, errors, 422)
    try:
        ops.decide(adjustment, body.decision == "approve", current_user, body.note)
    except DomainError as exc:
        db.session.rollback()
        return _item_page(adjustment.item, {"decision": exc.message}, exc.status)
    return _done(_("Your decision is recorded."), url_for(".item_page", item_id=adjustment.item_id))
