"""Pages of conclusion notices: the draft, its review, approval and issue."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("notices", __name__)
