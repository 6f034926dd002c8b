"""JSON API of the weekly schedule and of calendar feeds; the feed URL itself needs no sign-in."""

from __future__ import annotations

from flask import Blueprint, current_app, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.accounts.models import User
from ecabinet.core import storage
from ecabinet.core.api import ApiError, route
from ecabinet.core.db import db
from ecabinet.policy import Action, require
from ecabinet.schedules import feeds, views
from ecabinet.schedules import operations as ops
from ecabinet.schedules.models import CalendarFeed, ScheduleStatus
from ecabinet.schedules.schemas import Approval, FeedCreate, FeedCreated, FeedOut, ScheduleOut
from ecabinet.schedules import documents

bp = Blueprint("schedules_api", __name__)


def load_schedule(week: str):
    week_start = views.parse_week(week)
    if week_start is None:
        raise ApiError(404, "not_found", _("Not found."))
    return ops.ensure_schedule(week_start)


@route(bp, "/schedules/<week>", summary="The leaders' weekly schedule of the week containing a day (YYYY-MM-DD)",
       response=ScheduleOut)
def get_schedule(week: str):
    require(current_user, Action.VIEW_WEEKLY_SCHEDULE)
    schedule = load_schedule(week)
    db.session.commit()  # a week looked at for the first time gets its draft
    return views.schedule_out(schedule, current_user)


@route(bp, "/schedules/<week>/approve", method="POST", summary="Approve a drafted week (office leaders)",
       body=Approval, response=ScheduleOut)
def approve(week: str, body: Approval):
    """An approved week is published by the scheduler on the Friday before, at the configured hour."""
    require(current_user, Action.APPROVE_WEEKLY_SCHEDULE)
    schedule = load_schedule(week)
    ops.approve(schedule, body.version, current_user, body.note)
    db.session.commit()
    return views.schedule_out(schedule, current_user)


@route(bp, "/schedules/<week>/pdf", summary="The weekly schedule as PDF (as published, or as it stands)")
def schedule_pdf(week: str):

    require(current_user, Action.VIEW_WEEKLY_SCHEDULE)
    schedule = load_schedule(week)
    if schedule.status == ScheduleStatus.PUBLISHED and not any(m.change for m in ops.marked_entries(schedule)):
        data = storage.read_bytes(schedule.pdf_sha256)
    else:
        data = documents.schedule_pdf(schedule, ops.marked_entries(schedule))
    response = current_app.response_class(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="lich-cong-tac-{schedule.week_start}.pdf"'
    return response


@route(bp, "/calendar-feeds", summary="My calendar feeds", response=list[FeedOut])
def list_feeds():
    return feeds.feeds_of(current_user)


@route(bp, "/calendar-feeds", method="POST", summary="Create a private iCalendar feed", body=FeedCreate,
       response=FeedCreated, status=201)
def create_feed(body: FeedCreate):
    require(current_user, Action.VIEW_WEEKLY_SCHEDULE)
    leader = None
    if body.leader_id is not None:
        leader = db.session.get(User, body.leader_id)
        if leader is None:
            raise ApiError(422, "not_a_leader", _("Only a leader's schedule can be subscribed to."))
    feed, token = feeds.create_feed(current_user, leader)
    db.session.commit()
    return {"id": feed.id, "leader_id": feed.leader_id, "created_at": feed.created_at, "last_used_at": None,
            "url": url_for("schedules.feed", token=token, _external=True)}


@route(bp, "/calendar-feeds/<int:feed_id>", method="DELETE", summary="Revoke a calendar feed", status=204)
def revoke_feed(feed_id: int):
    feed = db.session.get(CalendarFeed, feed_id)
    if feed is None or feed.user_id != current_user.id or feed.revoked_at is not None:
        raise ApiError(404, "not_found", _("Not found."))
    feeds.revoke(feed)
    db.session.commit()
