"""The admin's pages of reorganisations: the form, its preview, applying it, and the record of past ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ecabinet.core.db import db
from ecabinet.core.forms import parse_form
from ecabinet.org import operations as org_ops
from ecabinet.org.models import Unit, UnitKind
from ecabinet.org.operations import OrgError
from ecabinet.org.reorganisation import operations as ops
from ecabinet.org.reorganisation.models import Reorganisation, ReorganisationKind
from ecabinet.org.reorganisation.schemas import ReorganisationForm, ReorganisationIn
from ecabinet.org.reorganisation.views import kind_labels, preview_out, record_out, subject_labels
from ecabinet.policy import Action, require

bp = Blueprint("reorganisation", __name__, url_prefix="/admin")
LIST_FIELDS = ("predecessor_ids", "successor_ids", "assignments")


def _page(form: MultiDict, errors: dict[str, str], preview: dict | None = None, status: int = 200):
    units = {unit.id: unit for unit in db.session.scalars(db.select(Unit))}
    return render_template("org/reorganisation.html", form=form, errors=errors, preview=preview, units=units,
                           choices=org_ops.unit_choices(), kinds=list(ReorganisationKind),
                           records=ops.reorganisations(), subjects=subject_labels(),
                           kind_names=kind_labels(), unit_kinds=list(UnitKind)), status


FORM_FIELDS = ("kind", "predecessor_ids", "successor_ids", "name", "short_name", "effective_on", "decision",
               "new_code", "new_name", "new_kind")


def _submitted(action: Action, step: Callable[[ReorganisationIn], Any]):
    """The form checked, then ``step`` on it; a refusal shows the form again with its reason (and, when what
    would move has changed, the new preview)."""
    require(current_user, action)
    data, errors = parse_form(ReorganisationForm, request.form, LIST_FIELDS)
    if data is None:
        return _page(request.form, errors, status=422)
    try:
        return step(data.reorganisation())
    except OrgError as exc:
        db.session.rollback()
        shown = preview_out(ops.preview(data.reorganisation()), current_user) if exc.code == "preview_changed" \
            else None
        return _page(request.form, {exc.field if exc.field in FORM_FIELDS else "__all__": exc.message}, shown,
                     exc.status)


@bp.get("/reorganisations")
@login_required
def reorganisations():
    require(current_user, Action.PREVIEW_REORGANISATION)
    return _page(MultiDict(), {})


@bp.post("/reorganisations/preview")
@login_required
def preview():
    return _submitted(Action.PREVIEW_REORGANISATION,
                      lambda data: _page(request.form, {}, preview_out(ops.preview(data), current_user)))


def _apply(data: ReorganisationIn):
    record = ops.apply(data, request.form.get("fingerprint", ""), current_user)
    db.session.commit()
    flash(_("The reorganisation was applied: %(count)s rows moved.", count=len(record.moves)), "success")
    return redirect(url_for("reorganisation.record", reorganisation_id=record.id))


@bp.post("/reorganisations")
@login_required
def apply():
    return _submitted(Action.MANAGE_ORG, _apply)


@bp.get("/reorganisations/<int:reorganisation_id>")
@login_required
def record(reorganisation_id: int):
    require(current_user, Action.PREVIEW_REORGANISATION)
    shown = record_out(db.get_or_404(Reorganisation, reorganisation_id), current_user)
    units = {unit.id: unit for unit in db.session.scalars(db.select(Unit))}
    return render_template("org/reorganisation_record.html", record=shown, units=units, subjects=subject_labels(),
                           kind_names=kind_labels())
