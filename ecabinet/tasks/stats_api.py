"""JSON API of task statistics and exports."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("task_stats_api", __name__)
