"""JSON API of conclusion notices."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("notices_api", __name__)
