"""JSON API of the live room."""

from __future__ import annotations

from flask import Blueprint

from ecabinet.live import models  # noqa: F401  (the tables are known to the app and migrations)

bp = Blueprint("live_api", __name__)
