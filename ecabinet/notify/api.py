"""JSON API of the notification centre: one's own notifications and preferences, nobody else's; and the Office's
e-mail outbox."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.accounts.models import User
from ecabinet.core.api import ApiError, route
from ecabinet.core.db import db
from ecabinet.notify import operations as ops
from ecabinet.notify import outbox
from ecabinet.notify.models import EmailDelivery, Notification
from ecabinet.notify.schemas import (NotificationOut, NotificationPage, NotificationQuery, OutboxMoved, OutboxPage,
                                     OutboxQuery, PreferenceList, PreferenceOut, ReadAllResult)
from ecabinet.policy import Action, allowed, require

bp = Blueprint("notify_api", __name__, url_prefix="/notifications")


def load_own(notification_id: int) -> Notification:
    """The current user's notification; 404 for anyone else's, so ids reveal nothing."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or not allowed(current_user, Action.OPEN_NOTIFICATION, notification):
        raise ApiError(404, "not_found", _("No such notification."))
    return notification


@route(bp, "", summary="My notifications", query=NotificationQuery, response=NotificationPage)
def list_notifications(query: NotificationQuery):
    """Newest first; ``unread_only=true`` leaves out those already read."""
    require(current_user, Action.USE_NOTIFICATIONS)
    items, total = ops.notifications_of(current_user.id, unread_only=query.unread_only, page=query.page,
                                        per_page=query.per_page)
    return {"items": items, "total": total, "page": query.page, "per_page": query.per_page,
            "unread_count": ops.unread_count(current_user.id)}


@route(bp, "/<int:notification_id>/read", method="POST", summary="Mark a notification read",
       response=NotificationOut)
def mark_read(notification_id: int):
    """Marking one that is already read changes nothing (its first reading time stays)."""
    notification = load_own(notification_id)
    ops.mark_read(notification)
    db.session.commit()
    return notification


@route(bp, "/read-all", method="POST", summary="Mark all my notifications read", response=ReadAllResult)
def mark_all_read():
    require(current_user, Action.USE_NOTIFICATIONS)
    marked = ops.mark_all_read(current_user.id)
    db.session.commit()
    return {"marked": marked, "unread_count": ops.unread_count(current_user.id)}


@route(bp, "/preferences", summary="My notification preferences", response=list[PreferenceOut])
def get_preferences():
    """Always starts with ``*``, the default for kinds without a preference of their own."""
    require(current_user, Action.USE_NOTIFICATIONS)
    return ops.preferences_of(current_user.id)


@route(bp, "/preferences", method="PUT", summary="Replace my notification preferences", body=PreferenceList,
       response=list[PreferenceOut])
def put_preferences(body: PreferenceList):
    """The list replaces every stored preference. A kind is matched by itself, then its family
    (``meeting.*``), then ``*``; with no match both channels are on."""
    require(current_user, Action.USE_NOTIFICATIONS)
    preferences = ops.set_preferences(current_user.id, [ops.Preference(p.kind, p.in_app, p.email)
                                                        for p in body.root])
    db.session.commit()
    return preferences


@route(bp, "/outbox", summary="The e-mail outbox", query=OutboxQuery, response=OutboxPage)
def outbox_rows(query: OutboxQuery):
    """The Office's: the counts, and one page of the e-mails waiting, failed (given up), stuck in sending or
    uncertain (they may have been delivered), oldest first. ``subject`` is null where the caller may not read it."""
    require(current_user, Action.MANAGE_OUTBOX)
    items, total = outbox.rows(current_user, query.view, page=query.page, per_page=query.per_page)
    return {"counts": outbox.health(), "view": query.view, "items": items, "total": total, "page": query.page,
            "per_page": query.per_page}


@route(bp, "/outbox/<int:delivery_id>/resend", method="POST", summary="Send an e-mail of the outbox again",
       response=OutboxMoved)
def outbox_resend(delivery_id: int):
    """A failed, stuck or uncertain e-mail is queued again, with a new retry window; otherwise 409
    ``outbox_row_not_movable``. Audited."""
    return _moved(delivery_id, outbox.resend)


@route(bp, "/outbox/<int:delivery_id>/drop", method="POST", summary="Drop an e-mail of the outbox",
       response=OutboxMoved)
def outbox_drop(delivery_id: int):
    """An e-mail not sent (waiting, failed, stuck or uncertain) will not be sent; otherwise 409
    ``outbox_row_not_movable``. Audited."""
    return _moved(delivery_id, outbox.drop)


def _moved(delivery_id: int, move: Callable[[int, User], EmailDelivery]) -> EmailDelivery:
    require(current_user, Action.MANAGE_OUTBOX)
    moved = move(delivery_id, current_user)
    db.session.commit()
    return moved
