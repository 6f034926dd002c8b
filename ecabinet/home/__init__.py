"""The home page (what needs me now, what I can do), and the policy's answers every template may ask:
``can(Action…, target)``."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template, url_for
from flask_login import current_user, login_required

from ecabinet.home import queries
from ecabinet.policy import Action, allowed, allowed_actions, require

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def home():
    require(current_user, Action.VIEW_HOME)
    return render_template("home.html", actions=allowed_actions(current_user), pending=queries.pending(current_user),
                           overdue_url=_overdue_tasks_url())


def _overdue_tasks_url() -> str | None:
    """The task list filtered as the overdue count is, when the task pages exist."""
    if "task_stats.list_page" not in current_app.view_functions:
        return None
    return url_for("task_stats.list_page", **queries.OVERDUE_IN_PORTFOLIO.params())


def install(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def permissions() -> dict:
        return {"Action": Action, "can": lambda action, target=None: allowed(current_user, action, target)}
