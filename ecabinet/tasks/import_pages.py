"""Pages of the task import from an Excel sheet: preview, errors per row, confirm."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("task_import", __name__)
