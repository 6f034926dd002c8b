"""The Office's view of the e-mail outbox: what waits, failed, is stuck or uncertain, and putting it right.

Every list is filtered and paged in SQL. A row shows its recipient, address, kind, times and error; its
subject only to whom may read it: a subject can carry the title of a confidential material
(``material.updated``), which only the material's readers may learn of.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ecabinet import policy
from ecabinet.accounts.models import User
from ecabinet.audit import operations as audit
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.notify.delivery import STUCK_AFTER
from ecabinet.notify.models import DeliveryStatus, EmailDelivery, Notification


class OutboxView(enum.StrEnum):
    WAITING = "waiting"
    """Queued, or failed and waiting for its next attempt."""
    FAILED = "failed"
    """Given up: refused for good, or still failing when the retry window ended."""
    STUCK = "stuck"
    """``sending`` for longer than any conversation lasts, and no run has looked at it since."""
    UNCERTAIN = "uncertain"
    """May have been delivered: never resent automatically."""


def _in_view(view: OutboxView, stuck_before: datetime | sa.BindParameter) -> sa.ColumnElement[bool]:
    status, retry_at = EmailDelivery.status, EmailDelivery.next_attempt_at
    if view == OutboxView.WAITING:
        return sa.or_(status == DeliveryStatus.QUEUED, sa.and_(status == DeliveryStatus.FAILED, retry_at.is_not(None)))
    if view == OutboxView.FAILED:
        return sa.and_(status == DeliveryStatus.FAILED, retry_at.is_(None))
    if view == OutboxView.STUCK:
        return sa.and_(status == DeliveryStatus.SENDING, EmailDelivery.claimed_at < stuck_before)
    return status == DeliveryStatus.UNCERTAIN


UNFINISHED = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING, DeliveryStatus.FAILED, DeliveryStatus.UNCERTAIN)
RESENDABLE = (OutboxView.FAILED, OutboxView.STUCK, OutboxView.UNCERTAIN)
DROPPABLE = (OutboxView.WAITING, *RESENDABLE)


@dataclass(frozen=True)
class Health:
    """The outbox in numbers only: nothing of any message (for ``/healthz``)."""

    waiting: int
    failed: int
    stuck: int
    uncertain: int
    oldest_waiting_seconds: int | None
    """Age of the oldest e-mail still waiting to be sent."""


def health(now: datetime | None = None) -> Health:
    now = now or utcnow()
    *counts, oldest = db.session.execute(_health_query(), {"stuck_before": now - STUCK_AFTER}).one()
    return Health(*counts, oldest_waiting_seconds=None if oldest is None else int((now - oldest).total_seconds()))


@functools.cache
def _health_query() -> sa.Select:
    """Built once (``/healthz`` runs it on every call); one query on the index of the status: sent rows pile up
    for years and are not read."""
    stuck_before = sa.bindparam("stuck_before", type_=EmailDelivery.claimed_at.type)
    return (sa.select(*(sa.func.count(EmailDelivery.id).filter(_in_view(view, stuck_before)) for view in OutboxView),
                      sa.func.min(EmailDelivery.created_at).filter(_in_view(OutboxView.WAITING, stuck_before)))
            .where(EmailDelivery.status.in_(UNFINISHED)))


@dataclass(frozen=True)
class OutboxRow:
    id: int
    status: DeliveryStatus
    recipient: str
    to_address: str
    kind: str
    subject: str | None
    """None when the viewer may not learn it: it names a confidential material the viewer may not read."""
    attempts: int
    last_error: str | None
    created_at: datetime
    first_attempt_at: datetime | None
    next_attempt_at: datetime | None
    resendable: bool
    """Failed, stuck or uncertain: it may be queued again (any row listed may be dropped)."""


def rows(viewer: User, view: OutboxView, *, page: int, per_page: int,
         now: datetime | None = None) -> tuple[list[OutboxRow], int]:
    """One page of ``view``, oldest first, and how many rows it has in all."""
    now = now or utcnow()
    where = _in_view(view, now - STUCK_AFTER)
    total = db.session.scalar(sa.select(sa.func.count(EmailDelivery.id)).where(where)) or 0
    found = db.session.execute(
        sa.select(EmailDelivery, Notification, User.full_name)
        .join(Notification, EmailDelivery.notification_id == Notification.id)
        .join(User, Notification.user_id == User.id)
        .where(where).order_by(EmailDelivery.id).limit(per_page).offset((page - 1) * per_page)).all()
    hidden = _hidden_subjects(viewer, [notification for _delivery, notification, _name in found])
    return [OutboxRow(id=d.id, status=d.status, recipient=name, to_address=d.to_address, kind=n.kind,
                      subject=None if n.id in hidden else n.subject, attempts=d.attempts, last_error=d.last_error,
                      created_at=d.created_at, first_attempt_at=d.first_attempt_at, next_attempt_at=d.next_attempt_at,
                      resendable=view in RESENDABLE)
            for d, n, name in found], total


MATERIAL_LINK = re.compile(r"^/materials/(\d+)(?:/|$)")


def _hidden_subjects(viewer: User, notifications: list[Notification]) -> set[int]:
    """The notifications whose subject ``viewer`` may not read: those about a material it may not learn of,
    unless they are its own."""
    about: dict[int, int] = {}
    for notification in notifications:
        match = MATERIAL_LINK.match(notification.link or "")
        if match and notification.user_id != viewer.id:
            about[notification.id] = int(match.group(1))
    hidden_materials = policy.hidden_materials(viewer, set(about.values()))
    return {notification_id for notification_id, material_id in about.items() if material_id in hidden_materials}


def resend(delivery_id: int, actor: User, now: datetime | None = None) -> EmailDelivery:
    """Queue a failed, stuck or uncertain e-mail again, with a new retry window; the caller commits."""
    return _move(delivery_id, RESENDABLE, DeliveryStatus.QUEUED, "email_resent", actor, now,
                 next_attempt_at=None, first_attempt_at=None)


def drop(delivery_id: int, actor: User, now: datetime | None = None) -> EmailDelivery:
    """Take an e-mail that has not been sent out of the outbox for good; the caller commits."""
    return _move(delivery_id, DROPPABLE, DeliveryStatus.DROPPED, "email_dropped", actor, now, next_attempt_at=None)


def _move(delivery_id: int, views: tuple[OutboxView, ...], status: DeliveryStatus, action: str, actor: User,
          now: datetime | None, **values) -> EmailDelivery:
    """A compare-and-set: a runner may be claiming the row at this very moment, and wins if it is first."""
    now = now or utcnow()
    before = db.session.scalar(sa.select(EmailDelivery.status).where(EmailDelivery.id == delivery_id)
                               .with_for_update())
    if before is None:
        raise DomainError("not_found", _("No such e-mail in the outbox."), status=404)
    movable = sa.or_(*(_in_view(view, now - STUCK_AFTER) for view in views))
    moved = db.session.execute(
        sa.update(EmailDelivery).where(EmailDelivery.id == delivery_id, movable)
        .values(status=status, **values).execution_options(synchronize_session=False)).rowcount
    if not moved:
        raise DomainError("outbox_row_not_movable",
                          _("This e-mail can no longer be changed: it has been sent, dropped or is being sent."),
                          status=409)
    audit.record(action, entity_type="email_deliveries", entity_id=delivery_id, actor_user=actor,
                 changes={"status": [before.value, status.value]})
    return db.session.get(EmailDelivery, delivery_id, populate_existing=True)
