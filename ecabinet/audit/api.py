"""JSON API of the audit log (admins only)."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from ecabinet.audit import operations as ops
from ecabinet.audit.schemas import AuditPage, AuditQuery
from ecabinet.core.api import route
from ecabinet.policy import Action, require

bp = Blueprint("audit_api", __name__)


@route(bp, "/audit", summary="Search the audit log", query=AuditQuery, response=AuditPage)
def search(query: AuditQuery):
    require(current_user, Action.VIEW_AUDIT)
    filters = ops.AuditFilter(**query.model_dump(exclude={"page", "per_page"}))
    events, total = ops.search(filters, current_user, page=query.page, per_page=query.per_page)
    return {"items": events, "total": total, "page": query.page, "per_page": query.per_page}
