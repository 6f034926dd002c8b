"""JSON API of the outgoing-document register."""

from __future__ import annotations


from flask import Blueprint
from flask_login import current_user

from ecabinet.core.api import load_or_404, route
from ecabinet.core.db import db
from ecabinet.policy import Action, require
from ecabinet.registers import operations as ops
from ecabinet.registers.models import RegisterNumber
from ecabinet.registers.schemas import CancelIn, NumberOut, RegisterOut, RegisterQuery
from ecabinet.registers.views import number_row, register_view

bp = Blueprint("registers_api", __name__)


@route(bp, "/registers", summary="The outgoing-document register of a year and symbol", query=RegisterQuery,
       response=RegisterOut)
def get_register(query: RegisterQuery):
    """Every number given, in order, with its status and the notice that took it."""
    require(current_user, Action.VIEW_REGISTER)
    return register_view(query.symbol, query.year)


@route(bp, "/register-numbers/<int:number_id>/cancel", method="POST", summary="Cancel a given number",
       body=CancelIn, response=NumberOut)
def cancel_number(number_id: int, body: CancelIn):
    """The number stays used and is never given again; the reason is recorded. Already cancelled → 409."""
    require(current_user, Action.VIEW_REGISTER)
    entry = load_or_404(RegisterNumber, number_id)
    require(current_user, Action.CANCEL_REGISTER_NUMBER, entry)
    ops.cancel_number(entry, current_user, body.reason)
    db.session.commit()
    [row] = [r for r in ops.register_listing(entry.register.symbol, entry.register.year) if r.entry.id == entry.id]
    return number_row(row)
