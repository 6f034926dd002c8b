"""JSON API of written opinion forms (phiếu lấy ý kiến)."""

from __future__ import annotations

from flask import Blueprint

from ecabinet.live import models  # noqa: F401  (the tables are known to the app and migrations)

bp = Blueprint("poll_api", __name__)
