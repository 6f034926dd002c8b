"""JSON API of the outgoing-document register."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("registers_api", __name__)
