"""Pages of the live room: the leaders' tablet and the console."""

from __future__ import annotations

from flask import Blueprint

from ecabinet.live import models  # noqa: F401  (the tables are known to the app and migrations)

bp = Blueprint("live", __name__)
