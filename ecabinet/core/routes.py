"""Pages and endpoints that belong to no single domain: language, health, API docs."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for

from ecabinet.core.api import openapi_document
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.health import reports
from ecabinet.core.urls import local_path

bp = Blueprint("core", __name__)


@bp.post("/lang/<code>")
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(local_path(request.form.get("next")) or url_for("home.home"))


@bp.get("/healthz")
def healthz():
    """Liveness and readiness: 200 when every part answers, 503 naming the part that does not."""
    checks = {"db": _check_db()}
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "error", **checks, "time": utcnow().isoformat(),
            "version": current_app.config["VERSION"], **(reports() if healthy else {})}
    return jsonify(body), 200 if healthy else 503


def _check_db() -> str:
    try:
        db.session.execute(sa.text("SELECT 1"))
        return "ok"
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.error("health check: database unreachable: %s", exc)
        return f"error: {type(exc.orig or exc).__name__}"


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(openapi_document("ecabinet API", current_app.config["VERSION"]))


@bp.get("/api/docs")
def api_docs():
    return render_template("api_docs.html")
