"""JSON API of the minutes."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("minutes_api", __name__)
