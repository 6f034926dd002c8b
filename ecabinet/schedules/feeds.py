"""Private iCalendar feeds: one person's meetings, or a leader's schedule, behind a revocable token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from icalendar import Calendar, Event

from ecabinet.accounts.models import Role, User
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import Meeting, MeetingStatus
from ecabinet.policy import visible_meetings
from ecabinet.schedules.models import CalendarFeed
from ecabinet.schedules.operations import SHOWN_STATUSES

WINDOW_PAST = timedelta(days=60)
WINDOW_FUTURE = timedelta(days=400)
ICAL_STATUS = {MeetingStatus.CANCELLED: "CANCELLED", MeetingStatus.POSTPONED: "TENTATIVE"}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed(owner: User, leader: User | None = None) -> tuple[CalendarFeed, str]:
    """A new feed and its token; the token is returned once and only its hash is kept."""
    if leader is not None and not leader.has_role(Role.LEADER):
        raise DomainError("not_a_leader", _("Only a leader's schedule can be subscribed to."), "leader_id")
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user_id=owner.id, leader_id=leader.id if leader else None, token_hash=_hash(token))
    db.session.add(feed)
    db.session.flush()
    return feed, token


def feeds_of(owner: User) -> list[CalendarFeed]:
    return list(db.session.scalars(sa.select(CalendarFeed).where(CalendarFeed.user_id == owner.id,
                                                                  CalendarFeed.revoked_at.is_(None))))


def revoke(feed: CalendarFeed) -> None:
    feed.revoked_at = utcnow()


def feed_for_token(token: str) -> CalendarFeed | None:
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    if feed is None or feed.revoked_at is not None or not feed.user.active:
        return None
    return feed


def _event(meeting: Meeting, visible: bool) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@ecabinet")
    event.add("dtstamp", utcnow())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("sequence", meeting.version)
    event.add("last-modified", meeting.updated_at)
    event.add("status", ICAL_STATUS.get(meeting.status, "CONFIRMED"))
    if visible:
        event.add("summary", meeting.title)
        place = meeting.room.name if meeting.room else meeting.location
        if place:
            event.add("location", place)
        if meeting.online_link:
            event.add("url", meeting.online_link)
        event.add("description", meeting.description or "")
    else:
        event.add("summary", _("Meeting (confidential)"))
        event.add("class", "CONFIDENTIAL")
    return event


def feed_ics(feed: CalendarFeed) -> bytes:
    """The feed as iCalendar; confidential meetings the owner may not see appear as busy blocks only."""
    now = utcnow()
    person = feed.leader_id or feed.user_id
    found = meetings.list_meetings(meetings.MeetingFilter(
        starts_from=now - WINDOW_PAST, starts_before=now + WINDOW_FUTURE, involving_user_id=person,
        statuses=SHOWN_STATUSES))
    calendar = Calendar()
    calendar.add("prodid", "-//ecabinet//lich cong tac//VI")
    calendar.add("version", "2.0")
    name = feed.leader.full_name if feed.leader else feed.user.full_name
    calendar.add("x-wr-calname", _("Schedule of %(name)s", name=name))
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    shown = visible_meetings(feed.user, {meeting.id for meeting in found})
    for meeting in found:
        calendar.add_component(_event(meeting, meeting.id in shown))
    feed.last_used_at = now
    return calendar.to_ical()
