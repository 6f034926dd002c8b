"""The material a page or an API call names, loaded the same way by the pages, the API and the reader."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ecabinet.core.db import db
from ecabinet.materials.models import Material
from ecabinet.policy import Action, allowed


def load_material(material_id: int) -> Material:
    """A material the user may read; one they may not (confidential, not yet published) is a 404 exactly like a
    missing one (a page, or the API's JSON ``not_found`` error under /api)."""
    material = db.session.get(Material, material_id)
    if material is None or not allowed(current_user, Action.VIEW_MATERIAL, material):
        abort(404)
    return material
