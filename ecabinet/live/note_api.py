"""JSON API of private notes on materials."""

from __future__ import annotations

from flask import Blueprint

from ecabinet.live import models  # noqa: F401  (the tables are known to the app and migrations)

bp = Blueprint("note_api", __name__)
