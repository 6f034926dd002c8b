"""Parts of ``/healthz`` that domains add: core imports no domain, so each registers its own report."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from ecabinet.core.db import db

log = logging.getLogger("ecabinet.health")

REPORTS = "ecabinet.health_reports"
LAST_REPORTS = "ecabinet.health_reports_last"


def add_report(app: Flask, name: str, report: Callable[[], dict[str, Any]]) -> None:
    """``report()`` appears under ``name`` in ``/healthz``: numbers only, nothing of anyone's data (the page is
    public)."""
    app.extensions.setdefault(REPORTS, {})[name] = report


def reports() -> dict[str, Any]:
    """Every registered report, asked of the database at most every ``HEALTH_REPORT_SECONDS`` in a process:
    load balancers poll ``/healthz`` and a burst of requests may hit it, while the numbers may lag a little."""
    now = time.monotonic()
    last = current_app.extensions.get(LAST_REPORTS)
    if last is not None and now - last[0] < current_app.config["HEALTH_REPORT_SECONDS"]:
        return last[1]
    found = _reports_now()
    current_app.extensions[LAST_REPORTS] = (now, found)
    return found


def _reports_now() -> dict[str, Any]:
    """Every registered report; one that fails on the database says so instead of failing the health check."""
    found: dict[str, Any] = {}
    for name, report in current_app.extensions.get(REPORTS, {}).items():
        try:
            found[name] = report()
        except sa.exc.SQLAlchemyError as exc:
            db.session.rollback()
            log.error("health report %s failed: %s", name, exc)
            found[name] = f"error: {type(exc.orig or exc).__name__}"
    return found
