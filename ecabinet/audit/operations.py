"""Recording audit events, automatically for every auditable model and by signal for logins."""

from __future__ import annotations

import enum
import functools
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from flask_babel import gettext as _

from ecabinet import policy
from ecabinet.audit.models import AuditEvent
from ecabinet.core import signals
from ecabinet.core.context import current_actor
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db

log = logging.getLogger("ecabinet.audit")

ALWAYS_EXCLUDED = frozenset({"created_at", "updated_at"})


class AppendOnlyError(RuntimeError):
    pass


def record(action: str, *, entity_type: str | None = None, entity_id: Any = None, summary: str = "",
           changes: dict[str, Any] | None = None, actor_user: Any = None) -> None:
    """Add an audit event to the current transaction; it is saved with the caller's commit."""
    db.session.execute(sa.insert(AuditEvent), [_row(action, entity_type, entity_id, summary, changes, actor_user)])


def _row(action: str, entity_type: str | None, entity_id: Any, summary: str,
         changes: dict[str, Any] | None, actor_user: Any = None) -> dict[str, Any]:
    actor = current_actor()
    return {
        "occurred_at": utcnow(),
        "actor_id": actor_user.id if actor_user is not None else actor.user_id,
        "actor_name": actor_user.username if actor_user is not None else actor.name,
        "action": action,
        "entity_type": entity_type,
        "entity_id": None if entity_id is None else str(entity_id),
        "summary": summary[:500],
        "changes": changes,
        "ip_address": actor.address,
        "user_agent": actor.user_agent,
    }


# --- automatic create/update/delete records -------------------------------------------------

def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return _label(value)


def _label(obj: Any) -> str:
    for attr in ("code", "username", "role"):
        value = getattr(obj, attr, None)
        if value is not None:
            return str(_jsonable(value))
    return _identity(obj)


def _excluded(obj: Any) -> frozenset[str]:
    return ALWAYS_EXCLUDED | getattr(obj, "__audit_exclude__", frozenset())


def _snapshot(obj: Any) -> dict[str, Any]:
    mapper = sa.inspect(obj).mapper
    skip = _excluded(obj)
    return {c.key: _jsonable(getattr(obj, c.key)) for c in mapper.column_attrs if c.key not in skip}


def _diff(obj: Any) -> dict[str, Any]:
    state = sa.inspect(obj)
    skip = _excluded(obj)
    changes: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in skip:
            continue
        hist = state.attrs[attr.key].history
        if hist.added or hist.deleted:
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old != new:
                changes[attr.key] = [_jsonable(old), _jsonable(new)]
    for rel in state.mapper.relationships:
        if rel.key in skip or rel.direction.name == "MANYTOONE":
            continue
        hist = state.attrs[rel.key].history
        if hist.added or hist.deleted:
            changes[rel.key] = {"added": _jsonable(hist.added), "removed": _jsonable(hist.deleted)}
    return changes


def _identity(obj: Any) -> str:
    """The primary key, also of an object just inserted (whose identity is set only after the flush)."""
    state = sa.inspect(obj)
    return ",".join(str(v) for v in state.identity or state.mapper.primary_key_from_instance(obj))


def _auditable(obj: Any) -> bool:
    return getattr(obj, "__auditable__", False)


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context: Any, instances: Any) -> None:
    if any(isinstance(o, AuditEvent) for o in (*session.dirty, *session.deleted)):
        raise AppendOnlyError("audit events are append-only")


@event.listens_for(Session, "after_flush")
def _record_model_changes(session: Session, flush_context: Any) -> None:
    rows = []
    for obj in session.new:
        if _auditable(obj):
            rows.append(_row("create", obj.__tablename__, _identity(obj), _label(obj), _snapshot(obj)))
    for obj in session.dirty:
        if _auditable(obj) and session.is_modified(obj, include_collections=True):
            changes = _diff(obj)
            if changes:
                rows.append(_row("update", obj.__tablename__, _identity(obj), _label(obj), changes))
    for obj in session.deleted:
        if _auditable(obj):
            rows.append(_row("delete", obj.__tablename__, _identity(obj), _label(obj), None))
    if rows:
        session.connection().execute(sa.insert(AuditEvent), rows)


# --- events told by other domains ------------------------------------------------------------

def _on_login(sender: Any, user: Any, channel: str, **_: Any) -> None:
    record("login", entity_type="users", entity_id=user.id, summary=channel, actor_user=user)


def _on_logout(sender: Any, user: Any, **_: Any) -> None:
    record("logout", entity_type="users", entity_id=user.id, actor_user=user)


def _on_session_ended(sender: Any, user: Any, what: str, **_: Any) -> None:
    record("session_ended", entity_type="users", entity_id=user.id, summary=what)


def _on_login_failed(sender: Any, username: str, reason: str, retry_after: int = 0, **_: Any) -> None:
    log.warning("login refused for %r: %s (retry after %ss)", username, reason, retry_after)
    record("login_failed", entity_type="users", summary=f"{username[:64]}: {reason}",
           changes={"username": username[:64], "reason": reason, "retry_after": retry_after})


def _on_password_changed(sender: Any, user: Any, by_admin: bool, **_: Any) -> None:
    record("password_changed", entity_type="users", entity_id=user.id, summary=user.username,
           changes={"by_admin": by_admin})


def connect_signals() -> None:
    signals.user_logged_in.connect(_on_login, weak=False)
    signals.user_logged_out.connect(_on_logout, weak=False)
    signals.login_failed.connect(_on_login_failed, weak=False)
    signals.session_ended.connect(_on_session_ended, weak=False)
    signals.password_changed.connect(_on_password_changed, weak=False)


# --- reading ------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def search(filters: AuditFilter, viewer: Any, *, page: int = 1, per_page: int = 50) -> tuple[list[AuditEvent], int]:
    """The events matching ``filters``, newest first, and how many match in all; the events of a confidential
    material ``viewer`` is not a reader of show neither its title nor its changes."""
    query = sa.select(AuditEvent)
    if filters.actor:
        query = query.where(AuditEvent.actor_name == filters.actor.lower())
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.entity_type:
        query = query.where(AuditEvent.entity_type == filters.entity_type)
    if filters.entity_id:
        query = query.where(AuditEvent.entity_id == filters.entity_id)
    if filters.since:
        query = query.where(AuditEvent.occurred_at >= filters.since)
    if filters.until:
        query = query.where(AuditEvent.occurred_at < filters.until)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    events = db.session.scalars(
        query.order_by(AuditEvent.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return _without_confidential(list(events), viewer), total


def _without_confidential(events: list[AuditEvent], viewer: Any) -> list[AuditEvent]:
    material_ids = {int(e.entity_id) for e in events if e.entity_type == "materials" and _is_id(e.entity_id)}
    hidden = {str(i) for i in policy.hidden_materials(viewer, material_ids)}
    return [_redacted(e) if e.entity_type == "materials" and (e.entity_id in hidden or not _is_id(e.entity_id))
            else e for e in events]


def _is_id(value: str | None) -> bool:
    return value is not None and value.isdigit() and len(value) < 19


def _redacted(event: AuditEvent) -> AuditEvent:
    """A copy for display only (never added to the session: the log is append-only)."""
    shown = {c.key: getattr(event, c.key) for c in sa.inspect(AuditEvent).column_attrs}
    shown.update(summary=_("confidential material #%(id)s", id=event.entity_id), changes=None)
    return AuditEvent(**shown)


def distinct_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


@functools.cache
def _audited_models() -> dict[str, type]:
    return {mapper.class_.__tablename__: mapper.class_ for mapper in db.Model.registry.mappers
            if _auditable(mapper.class_)}


def record_page(event: AuditEvent) -> tuple[str, str, int] | None:
    """(endpoint, its argument, the value) of the page showing the record ``event`` is about, when the record's
    model declares one as ``__audit_page__ = (endpoint, argument, field)``: ``field`` is "id" for the record
    itself, or a column of the record naming the one the page shows (a move's ``reorganisation_id``)."""
    model = _audited_models().get(event.entity_type or "")
    page = getattr(model, "__audit_page__", None)
    if page is None or event.action == "delete":
        return None
    endpoint, argument, field = page
    value = event.entity_id if field == "id" else (event.changes or {}).get(field)
    return (endpoint, argument, int(value)) if value is not None and str(value).isdigit() else None
