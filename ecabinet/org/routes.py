"""Pages of the organisation: the unit tree and its editor, and sectors."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ecabinet.core.db import db
from ecabinet.core.forms import parse_form
from ecabinet.org import operations as ops
from ecabinet.org.models import Unit, UnitKind
from ecabinet.org.schemas import SectorCreate, UnitCreate
from ecabinet.policy import Action, require

bp = Blueprint("org", __name__, url_prefix="/admin")


@bp.get("/units")
@login_required
def units():
    require(current_user, Action.VIEW_UNITS)
    return render_template("org/units.html", rows=ops.unit_tree(), sectors=ops.list_sectors())


def _unit_form(unit: Unit | None, form: MultiDict | None, errors: dict[str, str], status: int = 200):
    return render_template("org/unit_form.html", unit=unit, form=form or MultiDict(), errors=errors,
                           kinds=list(UnitKind), parents=ops.unit_choices()), status


@bp.route("/units/new", methods=["GET", "POST"])
@login_required
def new_unit():
    require(current_user, Action.MANAGE_ORG)
    if request.method == "GET":
        return _unit_form(None, MultiDict({"parent_id": request.args.get("parent_id", "")}), {})
    return _save_unit(None)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@login_required
def edit_unit(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    require(current_user, Action.MANAGE_ORG)
    if request.method == "GET":
        return _unit_form(unit, None, {})
    return _save_unit(unit)


def _save_unit(unit: Unit | None):
    form = request.form.copy()
    form["active"] = "true" if form.get("active") else "false"
    data, errors = parse_form(UnitCreate, form)
    if data is not None:
        try:
            values = data.model_dump()
            if unit is None:
                unit = ops.create_unit(**values)
            else:
                ops.update_unit(unit, values)
        except ops.OrgError as exc:
            db.session.rollback()
            errors = {exc.field or "__all__": exc.message}
        else:
            db.session.commit()
            flash(_("Unit %(name)s saved.", name=unit.name), "success")
            return redirect(url_for("org.units"))
    return _unit_form(unit, request.form, errors, 422)


@bp.post("/sectors")
@login_required
def new_sector():
    require(current_user, Action.MANAGE_ORG)
    data, errors = parse_form(SectorCreate, request.form)
    if data is None:
        flash("; ".join(f"{k}: {v}" for k, v in errors.items()), "danger")
        return redirect(url_for("org.units"))
    try:
        ops.create_sector(**data.model_dump())
    except ops.OrgError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_("Sector saved."), "success")
    return redirect(url_for("org.units"))
