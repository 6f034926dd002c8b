"""The home page, and the policy's answers every template may ask: ``can(Action…, target)``."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from flask_login import current_user, login_required

from ecabinet.policy import Action, allowed, allowed_actions, require

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def home():
    require(current_user, Action.VIEW_HOME)
    return render_template("home.html", actions=allowed_actions(current_user))


def install(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def permissions() -> dict:
        return {"Action": Action, "can": lambda action, target=None: allowed(current_user, action, target)}
