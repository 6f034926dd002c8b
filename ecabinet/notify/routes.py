"""The notification centre page, the preferences page, and the unread count of the navbar bell."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from pydantic import ValidationError

from ecabinet.accounts.models import User
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.forms import page_filters
from ecabinet.core.health import add_report
from ecabinet.core.urls import local_path
from ecabinet.notify import operations as ops
from ecabinet.notify import outbox
from ecabinet.notify.models import EmailDelivery, Notification
from ecabinet.notify.schemas import NotificationQuery, OutboxQuery, PreferenceIn
from ecabinet.policy import Action, allowed, require

log = logging.getLogger("ecabinet.notify")

bp = Blueprint("notify", __name__, url_prefix="/notifications")

PER_PAGE = 20

bp.record_once(lambda state: add_report(state.app, "email_outbox", lambda: asdict(outbox.health())))


@bp.app_context_processor
def bell() -> dict:
    """``notification_unread_count()`` for the navbar; evaluated only when a page shows the bell."""

    def notification_unread_count() -> int | None:
        if not current_user.is_authenticated:
            return None
        try:
            return ops.unread_count(current_user.id)
        except sa.exc.SQLAlchemyError:  # an error page must still render when the database is down
            db.session.rollback()
            log.warning("unread count unavailable", exc_info=True)
            return None

    return {"notification_unread_count": notification_unread_count}


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("notify.notifications")


def _load_own(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or not allowed(current_user, Action.OPEN_NOTIFICATION, notification):
        abort(404)  # another user's notification is not found, whatever its id
    return notification


@bp.get("")
@login_required
def notifications():
    require(current_user, Action.USE_NOTIFICATIONS)
    query = page_filters(NotificationQuery, request.args)
    items, total = ops.notifications_of(current_user.id, unread_only=query.unread_only, page=query.page,
                                        per_page=PER_PAGE)
    return render_template("notify/list.html", items=items, total=total, page=query.page, per_page=PER_PAGE,
                           unread_only=query.unread_only, unread=ops.unread_count(current_user.id))


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    notification = _load_own(notification_id)
    ops.mark_read(notification)
    db.session.commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    """Mark read and go where the notification points (or back to the list)."""
    notification = _load_own(notification_id)
    ops.mark_read(notification)
    db.session.commit()
    return redirect(_safe_next(notification.link))


@bp.post("/read-all")
@login_required
def mark_all_read():
    require(current_user, Action.USE_NOTIFICATIONS)
    marked = ops.mark_all_read(current_user.id)
    db.session.commit()
    if marked:
        flash(_("%(n)d notifications marked as read.", n=marked), "success")
    return redirect(_safe_next(request.form.get("next")))


# --- preferences --------------------------------------------------------------------------------

def _rows(user_id: int) -> list[ops.Preference]:
    """The default, then every kind with a preference or a notification, with what applies to it."""
    stored = {p.kind: p for p in ops.preferences_of(user_id)}
    kinds = sorted((set(stored) | set(ops.kinds_received(user_id))) - {ops.DEFAULT_KIND})
    rows = [stored[ops.DEFAULT_KIND]]
    for kind in kinds:
        applied = stored.get(kind) or ops.channels_for(stored, kind)
        rows.append(ops.Preference(kind, applied.in_app, applied.email))
    return rows


def _submitted() -> list[ops.Preference]:
    """The rows of the preferences form: a hidden ``kind`` each and two checkboxes named after it."""
    rows = []
    for kind in request.form.getlist("kind"):
        try:
            row = PreferenceIn(kind=kind, in_app=f"in_app:{kind}" in request.form,
                               email=f"email:{kind}" in request.form)
        except ValidationError:
            continue  # a tampered row; the others are saved
        rows.append(ops.Preference(row.kind, row.in_app, row.email))
    return rows


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    require(current_user, Action.USE_NOTIFICATIONS)
    if request.method == "POST":
        try:
            ops.set_preferences(current_user.id, ops.without_redundant(_submitted()))
        except ops.NotifyError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Your notification preferences have been saved."), "success")
            return redirect(url_for("notify.preferences"))
    return render_template("notify/preferences.html", rows=_rows(current_user.id))


# --- the e-mail outbox (the Office) ---------------------------------------------------------------

@bp.get("/outbox")
@login_required
def outbox_page():
    require(current_user, Action.MANAGE_OUTBOX)
    query = page_filters(OutboxQuery, request.args)
    items, total = outbox.rows(current_user, query.view, page=query.page, per_page=query.per_page)
    return render_template("notify/outbox.html", items=items, total=total, page=query.page,
                           per_page=query.per_page, view=query.view, views=list(outbox.OutboxView),
                           counts=outbox.health())


def _outbox_action(delivery_id: int, move: Callable[[int, User], EmailDelivery], done: str):
    require(current_user, Action.MANAGE_OUTBOX)
    try:
        move(delivery_id, current_user)
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        flash(exc.message, "warning")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(local_path(request.form.get("next")) or url_for("notify.outbox_page"))


@bp.post("/outbox/<int:delivery_id>/resend")
@login_required
def outbox_resend(delivery_id: int):
    return _outbox_action(delivery_id, outbox.resend, _("The e-mail is queued to be sent again."))


@bp.post("/outbox/<int:delivery_id>/drop")
@login_required
def outbox_drop(delivery_id: int):
    return _outbox_action(delivery_id, outbox.drop, _("The e-mail is dropped: it will not be sent."))
