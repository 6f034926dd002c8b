"""Admin page of the signing certificate, and a check of the signatures of any PDF (nothing is stored)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ecabinet.core import pdfcheck
from ecabinet.core.exceptions import DomainError
from ecabinet.core.i18n import format_datetime
from ecabinet.policy import Action, require
from ecabinet.signing import operations as ops

bp = Blueprint("signing", __name__)


@bp.app_template_filter("iso_datetime")
def iso_datetime(value: str | None) -> str:
    """A stored UTC ISO timestamp (such as a signature's time) as ``dd/mm/yyyy HH:MM`` local time."""
    if not value:
        return ""
    try:
        return format_datetime(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return ""


def _page(*, checked: list[dict] | None = None, filename: str | None = None, errors: dict | None = None,
          status: int = 200):
    certificate, certificate_error = None, None
    try:
        certificate = ops.certificate_status()
    except DomainError as exc:
        certificate_error = exc.message
    return render_template(
        "signing/admin.html", configured=ops.signing_configured(), certificate=certificate,
        certificate_error=certificate_error, trust_roots=ops.trust_root_names(),
        expiry_warning_days=ops.EXPIRY_WARNING_DAYS, checked=checked, filename=filename, errors=errors or {},
    ), status


@bp.get("/admin/signing")
@login_required
def admin_page():
    require(current_user, Action.MANAGE_USERS)
    return _page()


@bp.post("/admin/signing/check")
@login_required
def check():
    """Check the signatures of the uploaded PDF and show them; the file is not kept."""
    require(current_user, Action.MANAGE_USERS)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _page(errors={"file": _("Choose the PDF file.")}, status=422)
    data = sent.read(current_app.config["MATERIAL_MAX_BYTES"] + 1)
    try:
        pdfcheck.validate_upload(data, max_bytes=current_app.config["MATERIAL_MAX_BYTES"],
                                 max_pages=current_app.config["MATERIAL_MAX_PAGES"])
    except pdfcheck.PdfRejected as exc:
        return _page(errors={"file": exc.message}, status=422)
    return _page(checked=ops.inspect_signatures(data), filename=sent.filename)
