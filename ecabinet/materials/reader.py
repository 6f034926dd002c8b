"""The in-browser reader of materials (pdf.js): pages and thumbnails on tablets, no plugin.

The page is a shell: ``static/js/reader.js`` loads the material's current version from the API
(``GET /api/v1/materials/<id>/file``, the same policy check and the same audit as a download) with
pdf.js, served by the app from ``static/vendor/pdfjs`` (copied from npm by ``make assets``).
"""

from __future__ import annotations

import mimetypes

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ecabinet.materials.loaders import load_material
from ecabinet.policy import Action, allowed

bp = Blueprint("reader", __name__)

PDFJS = "vendor/pdfjs/"
"""Where ``make assets`` puts pdf.js under ``static/``."""


@bp.record_once
def _module_types(_state) -> None:
    """pdf.js ships ES modules (``.mjs``) and WebAssembly: a browser refuses a module script that is not served
    with a JavaScript type, and Python knows ``.mjs`` only when the system's ``mime.types`` lists it."""
    mimetypes.add_type("text/javascript", ".mjs")
    mimetypes.add_type("application/wasm", ".wasm")
    _state.app.jinja_env.globals["pdfjs"] = PDFJS  # the reader's pages of other domains (a notice's) load it too


def _first_page(page_count: int) -> int:
    """``?page=N`` within the document; anything else opens at page 1."""
    page = request.args.get("page", type=int)
    if page is None or page < 1:
        return 1
    return min(page, page_count)


@bp.get("/materials/<int:material_id>/read")
@login_required
def read(material_id: int):
    material = load_material(material_id)
    version = material.current
    return render_template("materials/reader.html", material=material, meeting=material.meeting, version=version,
                           page=_first_page(version.page_count) if version else 1, pdfjs=PDFJS,
                           may_take_notes=allowed(current_user, Action.TAKE_NOTES, material))
