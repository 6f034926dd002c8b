"""Pages of the weekly schedule, and the private iCalendar feed URL."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ecabinet.accounts.models import User
from ecabinet.core.clock import local_date, monday_of, utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.forms import parse_form
from ecabinet.policy import Action, require
from ecabinet.schedules import feeds, views
from ecabinet.schedules import operations as ops
from ecabinet.schedules.models import CalendarFeed
from ecabinet.schedules.schemas import FeedCreate

bp = Blueprint("schedules", __name__)


@bp.get("/schedules/")
@bp.get("/schedules/<week>")
@login_required
def week_page(week: str | None = None):
    require(current_user, Action.VIEW_WEEKLY_SCHEDULE)
    week_start = views.parse_week(week) if week else monday_of(local_date(utcnow()))
    if week_start is None:
        abort(404)
    schedule = ops.ensure_schedule(week_start)
    db.session.commit()
    return render_template("schedules/week.html", schedule=schedule,
                           entries=views.visible_entries(schedule, current_user),
                           due_at=ops.publication_due_at(schedule), previous=week_start - timedelta(days=7),
                           next=week_start + timedelta(days=7))


@bp.post("/schedules/<week>/approve")
@login_required
def approve(week: str):
    require(current_user, Action.APPROVE_WEEKLY_SCHEDULE)
    week_start = views.parse_week(week)
    if week_start is None:
        abort(404)
    schedule = ops.ensure_schedule(week_start)
    try:
        ops.approve(schedule, request.form.get("version", type=int) or 0, current_user, request.form.get("note"))
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_("The schedule is approved; it will be published on Friday."), "success")
    return redirect(url_for("schedules.week_page", week=week_start.isoformat()))


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """The private feed: no sign-in (calendar programs cannot), the unguessable token is the key."""
    calendar_feed = feeds.feed_for_token(token)
    if calendar_feed is None:
        abort(404)
    data = feeds.feed_ics(calendar_feed)
    db.session.commit()
    return current_app.response_class(data, mimetype="text/calendar; charset=utf-8")


@bp.route("/calendar/feeds", methods=["GET", "POST"])
@login_required
def feeds_page():
    """One's calendar feeds; a new feed's URL is shown once, in the answer to the POST that made it."""
    require(current_user, Action.VIEW_WEEKLY_SCHEDULE)
    created_url = None
    if request.method == "POST":
        data, _errors = parse_form(FeedCreate, request.form)
        leader = db.session.get(User, data.leader_id) if data is not None and data.leader_id else None
        try:
            if data is None or (data.leader_id and leader is None):
                raise DomainError("not_a_leader", _("Only a leader's schedule can be subscribed to."), "leader_id")
            _feed, token = feeds.create_feed(current_user, leader)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            created_url = url_for("schedules.feed", token=token, _external=True)
    response = make_response(render_template("schedules/feeds.html", feeds=feeds.feeds_of(current_user),
                                             leaders=ops.leaders(), created_url=created_url))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/calendar/feeds/<int:feed_id>/revoke")
@login_required
def revoke_feed(feed_id: int):
    feed = db.session.get(CalendarFeed, feed_id)
    if feed is None or feed.user_id != current_user.id or feed.revoked_at is not None:
        abort(404)
    feeds.revoke(feed)
    db.session.commit()
    flash(_("The feed is revoked: calendar programs using it get nothing more."), "success")
    return redirect(url_for("schedules.feeds_page"))
