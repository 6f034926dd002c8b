"""JSON API of reorganisations: preview, apply, and the record of past ones."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from ecabinet.core.api import load_or_404, route
from ecabinet.core.db import db
from ecabinet.org.reorganisation import operations as ops
from ecabinet.org.reorganisation.models import Reorganisation
from ecabinet.org.reorganisation.schemas import (PreviewOut, ReorganisationApply, ReorganisationIn,
                                                 ReorganisationOut, ReorganisationSummaryOut)
from ecabinet.org.reorganisation.views import preview_out, record_out
from ecabinet.policy import Action, require

bp = Blueprint("reorganisation_api", __name__)


@route(bp, "/reorganisations/preview", method="POST", summary="What a merge, split or rename would move",
       body=ReorganisationIn, response=PreviewOut)
def preview(body: ReorganisationIn):
    """Open tasks and their parts, coordinating links, open material requests, coming meetings' invitations
    and agenda items, the units' people and leaders' portfolios; nothing is changed."""
    require(current_user, Action.PREVIEW_REORGANISATION)
    return preview_out(ops.preview(body), current_user)


@route(bp, "/reorganisations", method="POST", summary="Apply a reorganisation as previewed",
       body=ReorganisationApply, response=ReorganisationOut, status=201)
def apply(body: ReorganisationApply):
    """Moves exactly what the preview of ``fingerprint`` showed, in one transaction; the predecessors become
    inactive and point to their successor. 409 when the preview has changed or a unit is already inactive."""
    require(current_user, Action.MANAGE_ORG)
    record = ops.apply(ReorganisationIn(**body.model_dump(exclude={"fingerprint"})), body.fingerprint,
                       current_user)
    db.session.commit()
    return record_out(record, current_user)


@route(bp, "/reorganisations", summary="The reorganisations applied, latest first",
       response=list[ReorganisationSummaryOut])
def list_reorganisations():
    require(current_user, Action.PREVIEW_REORGANISATION)
    return ops.reorganisations()


@route(bp, "/reorganisations/<int:reorganisation_id>", summary="One reorganisation and every row it moved",
       response=ReorganisationOut)
def get_reorganisation(reorganisation_id: int):
    require(current_user, Action.PREVIEW_REORGANISATION)
    return record_out(load_or_404(Reorganisation, reorganisation_id), current_user)
