"""The admins' audit log page, filterable by who, what, which record and when."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ecabinet.audit import operations as ops
from ecabinet.core.i18n import local_zone
from ecabinet.policy import Action, require

bp = Blueprint("audit", __name__, url_prefix="/admin")

PER_PAGE = 50


def _local_day(value: str | None, shift_days: int = 0) -> datetime | None:
    """The start (in UTC) of a day typed as dd/mm/yyyy or yyyy-mm-dd in the province's zone."""
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
        return datetime.combine(day + timedelta(days=shift_days), time(), local_zone())
    return None


@bp.get("/audit")
@login_required
def audit_log():
    require(current_user, Action.VIEW_AUDIT)
    args = request.args
    filters = ops.AuditFilter(
        actor=args.get("actor") or None, action=args.get("action") or None,
        entity_type=args.get("entity_type") or None, entity_id=args.get("entity_id") or None,
        since=_local_day(args.get("since")), until=_local_day(args.get("until"), shift_days=1),
    )
    page = max(args.get("page", 1, type=int) or 1, 1)
    events, total = ops.search(filters, page=page, per_page=PER_PAGE)
    return render_template("audit/list.html", events=events, total=total, page=page, per_page=PER_PAGE,
                           actions=ops.distinct_actions())
