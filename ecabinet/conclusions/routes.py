"""Pages of a meeting's conclusions and directives."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("conclusions", __name__)
