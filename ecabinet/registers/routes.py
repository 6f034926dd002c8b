"""Pages of the outgoing-document register (sổ đăng ký văn bản đi)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.forms import page_filters, parse_form
from ecabinet.policy import Action, require
from ecabinet.registers import operations as ops
from ecabinet.registers.models import RegisterNumber
from ecabinet.registers.schemas import CancelForm, RegisterQuery
from ecabinet.registers.views import register_view

bp = Blueprint("registers", __name__)


def _page(symbol: str | None, year: int | None, errors: dict[int, str] | None = None, status: int = 200):
    view = register_view(symbol, year)
    return render_template("registers/register.html", view=view, registers=ops.registers(),
                           errors=errors or {}), status


@bp.get("/registers")
@login_required
def register_page():
    require(current_user, Action.VIEW_REGISTER)
    query = page_filters(RegisterQuery, request.args)
    return _page(query.symbol, query.year)


@bp.post("/register-numbers/<int:number_id>/cancel")
@login_required
def cancel(number_id: int):
    """Record a number as cancelled, with the reason; refused with the page again (422) and nothing saved."""
    require(current_user, Action.VIEW_REGISTER)
    entry = db.session.get(RegisterNumber, number_id)
    if entry is None:
        abort(404)
    require(current_user, Action.CANCEL_REGISTER_NUMBER, entry)
    symbol, year = entry.register.symbol, entry.register.year
    body, errors = parse_form(CancelForm, request.form)
    if body is None:
        return _page(symbol, year, {entry.id: errors.get("reason", "")}, 422)
    try:
        ops.cancel_number(entry, current_user, body.reason)
    except DomainError as exc:
        db.session.rollback()
        return _page(symbol, year, {number_id: exc.message}, exc.status)
    db.session.commit()
    flash(_("Number %(number)s is recorded as cancelled.", number=entry.number_symbol), "success")
    return redirect(url_for("registers.register_page", symbol=symbol, year=year, _anchor=f"number-{entry.id}"))
