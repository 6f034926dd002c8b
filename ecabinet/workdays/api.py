"""JSON API of the working-day calendar."""

from __future__ import annotations

from flask import Blueprint

from ecabinet.workdays import models  # noqa: F401  (the table is known to migrations and the app)

bp = Blueprint("workdays_api", __name__)
