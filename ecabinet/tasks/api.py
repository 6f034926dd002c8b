"""JSON API of tasks."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("tasks_api", __name__)
