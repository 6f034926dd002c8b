"""JSON API of the outgoing-document register."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_login import current_user

from ecabinet.core.api import load_or_404, route
from ecabinet.core.db import db
from ecabinet.policy import Action, require
from ecabinet.registers import operations as ops
from ecabinet.registers.models import RegisterNumber
from ecabinet.registers.schemas import CancelIn, NumberOut, RegisterOut, RegisterQuery

bp = Blueprint("registers_api", __name__)


def number_row(row: ops.RegisterRow) -> dict[str, Any]:
    entry = row.entry
    return {**{name: getattr(entry, name) for name in NumberOut.model_fields if name != "notice_id"},
            "notice_id": row.notice_id}


def register_view(symbol: str | None, year: int | None) -> dict[str, Any]:
    """The register ``symbol``/``year`` (by default the notices' register of this year) with its numbers."""
    symbol = (symbol or ops.default_symbol()).upper()
    year = year or ops.this_year()
    register = ops.find_register(symbol, year)
    rows = ops.register_listing(symbol, year)
    return {"symbol": symbol, "year": year, "last_number": register.last_number if register else 0,
            "numbers": [number_row(r) for r in rows], "gaps": ops.gaps(symbol, year), "rows": rows}


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
