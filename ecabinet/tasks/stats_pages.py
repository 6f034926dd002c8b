"""Pages of task statistics: the figures, the charts and the lists behind them."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("task_stats", __name__)
