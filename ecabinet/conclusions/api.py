"""JSON API of conclusions and directives."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("conclusions_api", __name__)
