"""The admins' audit log page, filterable by who, what, which record and when."""

from __future__ import annotations


from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from ecabinet.audit import operations as ops
from ecabinet.audit.models import AuditEvent
from ecabinet.audit.schemas import AuditPageQuery
from ecabinet.core.clock import day_bounds
from ecabinet.core.forms import page_filters
from ecabinet.policy import Action, require

bp = Blueprint("audit", __name__, url_prefix="/admin")

PER_PAGE = 50


@bp.get("/audit")
@login_required
def audit_log():
    require(current_user, Action.VIEW_AUDIT)
    query = page_filters(AuditPageQuery, request.args)
    since, until = day_bounds(query.since, query.until)
    filters = ops.AuditFilter(
        actor=query.actor, action=query.action, entity_type=query.entity_type, entity_id=query.entity_id,
        since=since, until=until,
    )
    events, total = ops.search(filters, current_user, page=query.page, per_page=PER_PAGE)
    return render_template("audit/list.html", events=events, total=total, page=query.page, per_page=PER_PAGE,
                           actions=ops.distinct_actions(), pages=_record_pages(events))


def _record_pages(events: list[AuditEvent]) -> dict[int, str]:
    """{event: the page of the record it is about}, for the records whose model declares one."""
    pages = {}
    for event in events:
        page = ops.record_page(event)
        if page is not None:
            endpoint, argument, value = page
            pages[event.id] = url_for(endpoint, **{argument: value})
    return pages
