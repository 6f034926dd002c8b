"""Pages of the outgoing-document register."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("registers", __name__)
