"""Pages of the task import from an Excel sheet: upload → preview with the errors of each row → confirm.

Only the Office (MANAGE_TASKS). Nothing is saved before the confirmation, and the confirmation checks the stored
file again; a sheet with any error saves nothing (422, the preview shown again).
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.policy import Action, require
from ecabinet.tasks.importing import operations as importing
from ecabinet.tasks.importing.operations import ImportPreview, ImportRefused, ImportRow

bp = Blueprint("task_import", __name__)


SHOWN_CLEAN_ROWS = 200
"""A preview shows every row with an error but only this many rows without: a sheet can hold 5,000."""


def _shown_rows(preview: ImportPreview | None) -> list[ImportRow]:
    if preview is None:
        return []
    return [row for index, row in enumerate(preview.rows) if row.errors or index < SHOWN_CLEAN_ROWS]


def _page(preview: ImportPreview | None = None, errors: dict[str, str] | None = None, status: int = 200):
    shown = _shown_rows(preview)
    return render_template("tasks/import.html", preview=preview, errors=errors or {}, shown_rows=shown,
                           hidden_rows=len(preview.rows) - len(shown) if preview else 0,
                           columns=importing.READ_COLUMNS, max_rows=importing.MAX_ROWS,
                           max_megabytes=importing.MAX_BYTES // (1024 * 1024)), status


@bp.get("/tasks/import")
@login_required
def upload_form():
    require(current_user, Action.MANAGE_TASKS)
    return _page()


@bp.post("/tasks/import")
@login_required
def upload():
    """Read the sheet and show every row with its errors; a clean sheet gets the confirm button."""
    require(current_user, Action.MANAGE_TASKS)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _page(errors={"file": _("Choose the Excel file (.xlsx) of the tasks.")}, status=422)
    try:
        preview = importing.preview(sent.read(importing.MAX_BYTES + 1))
    except DomainError as exc:
        return _page(errors={"file": exc.message}, status=422)
    return _page(preview, status=200 if preview.clean else 422)


@bp.post("/tasks/import/confirm")
@login_required
def confirm():
    """Save the previewed sheet, checked again, in one transaction; refused with its errors otherwise."""
    require(current_user, Action.MANAGE_TASKS)
    try:
        tasks = importing.confirm(request.form.get("sha256", ""), current_user)
    except ImportRefused as exc:
        db.session.rollback()
        return _page(exc.preview, errors={"file": exc.message}, status=422)
    except DomainError as exc:
        db.session.rollback()
        return _page(errors={"file": exc.message}, status=exc.status)
    db.session.commit()
    flash(_("%(n)s tasks imported.", n=len(tasks)), "success")
    return redirect(url_for("task_stats.list_page", sort="created", order="desc"))


@bp.get("/tasks/import/template.xlsx")
@login_required
def template():
    require(current_user, Action.MANAGE_TASKS)
    return Response(importing.template_workbook(), mimetype=importing.XLSX_TYPE,
                    headers={"Content-Disposition": "attachment; filename=mau-nhap-nhiem-vu.xlsx"})
