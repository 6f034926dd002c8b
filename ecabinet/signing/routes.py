"""Admin page of the signing certificate."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("signing", __name__)
