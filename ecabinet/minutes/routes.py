"""Pages of the minutes (biên bản)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("minutes", __name__)
