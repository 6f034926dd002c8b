"""Scheduling meetings: create (once or recurring), edit with optimistic locking, change, answer.

Every save checks for clashes (``conflicts``); every change that invitees must know about is
recorded in the meeting's history and turned into one notification per invitee, in the same
transaction. The caller commits, then pushes the returned notifications.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from flask import Flask, current_app
from flask_babel import gettext as _

from ecabinet.accounts.models import User
from ecabinet.core.aftercommit import after_commit
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.i18n import local_zone
from ecabinet.meetings import conflicts, realtime, recurrence
from ecabinet.meetings.models import (ChangeKind, Confidentiality, Invitation, Meeting, MeetingChange, MeetingKind,
                                      MeetingSeries, MeetingStatus, Response, Room)
from ecabinet.org.models import Unit

SCHEDULE_FIELDS = ("starts_at", "ends_at")
VENUE_FIELDS = ("room_id", "online_link", "location")
OTHER_FIELDS = ("title", "kind_id", "chair_id", "secretary_id", "portfolio_leader_id", "confidentiality",
                "description")
MAX_DURATION = timedelta(days=3)


@dataclass
class MeetingData:
    title: str
    kind_id: int
    chair_id: int
    starts_at: datetime
    ends_at: datetime
    secretary_id: int | None = None
    portfolio_leader_id: int | None = None
    room_id: int | None = None
    online_link: str | None = None
    location: str = ""
    confidentiality: Confidentiality = Confidentiality.NORMAL
    description: str = ""
    invitee_ids: list[int] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ClashPolicy:
    """What the user said about clashes, and whether they may override a room clash."""

    override_room: bool = False
    confirm_people: bool = False
    may_override_room: bool = False


# --- validation --------------------------------------------------------------------------

def _require(model: type, object_id: int | None, field_name: str, message: str, active: bool = True) -> Any:
    if object_id is None:
        return None
    obj = db.session.get(model, object_id)
    if obj is None or (active and not getattr(obj, "active", True)):
        raise DomainError(f"unknown_{field_name.removesuffix('_id')}", message, field_name)
    return obj


def _validate(data: MeetingData) -> None:
    if data.ends_at <= data.starts_at:
        raise DomainError("ends_before_start", _("The meeting must end after it starts."), "ends_at")
    if data.ends_at - data.starts_at > MAX_DURATION:
        raise DomainError("too_long", _("A meeting cannot last more than three days."), "ends_at")
    _require(MeetingKind, data.kind_id, "kind_id", _("No such meeting kind, or it is no longer used."))
    _require(User, data.chair_id, "chair_id", _("The chair must be an active user."))
    _require(User, data.secretary_id, "secretary_id", _("The secretary must be an active user."))
    _require(User, data.portfolio_leader_id, "portfolio_leader_id", _("The leader must be an active user."))
    _require(Room, data.room_id, "room_id", _("No such room, or it is no longer in use."))
    _check_all_active(User, data.invitee_ids, "invitee_ids", _("Some invitees are unknown or deactivated: %(ids)s"))
    _check_all_active(Unit, data.unit_ids, "unit_ids", _("Some agencies are unknown or inactive: %(ids)s"))
    _check_not_invited(data)


def _check_not_invited(data: MeetingData) -> None:
    """The chair and the secretary take part by their role: an invitation would ask them to their own meeting."""
    invited = set(data.invitee_ids)
    if data.chair_id in invited:
        raise DomainError("chair_invited", _("The chair presides over the meeting and is not invited to it: untick "
                                             "the chair among the invited people."), "invitee_ids")
    if data.secretary_id is not None and data.secretary_id in invited:
        raise DomainError("secretary_invited", _("The secretary serves the meeting and is not invited to it: untick "
                                                 "the secretary among the invited people."), "invitee_ids")


def _check_all_active(model: type, ids: Iterable[int], field_name: str, message: str) -> None:
    wanted = set(ids)
    if not wanted:
        return
    found = set(db.session.scalars(sa.select(model.id).where(model.id.in_(wanted), model.active.is_(True))))
    if missing := sorted(wanted - found):
        raise DomainError(f"inactive_{field_name.removesuffix('_ids')}", message % {"ids": missing}, field_name)


def _slot(data: MeetingData, starts_at: datetime | None = None) -> conflicts.Slot:
    starts = starts_at or data.starts_at
    people = {data.chair_id} | conflicts.leaders_among(data.invitee_ids)
    return conflicts.Slot(starts, starts + (data.ends_at - data.starts_at), data.room_id, frozenset(people))


# --- creating ------------------------------------------------------------------------------

def create_meeting(data: MeetingData, actor: User, clash: ClashPolicy, rule: str | None = None) -> list[Meeting]:
    """One meeting, or every occurrence of a series when ``rule`` (RFC 5545) is given."""
    _validate(data)
    starts = recurrence.occurrences(rule, data.starts_at, local_zone()) if rule else [data.starts_at]
    found = [c for start in starts for c in conflicts.find_conflicts(_slot(data, start))]
    conflicts.enforce(found, may_override_room=clash.may_override_room, override_room=clash.override_room,
                      confirm_people=clash.confirm_people)
    series = MeetingSeries(rrule=rule, created_by_id=actor.id) if rule else None
    duration = data.ends_at - data.starts_at
    meetings = [_new_meeting(data, actor, start, start + duration, series) for start in starts]
    db.session.flush()
    return meetings


def _new_meeting(data: MeetingData, actor: User, starts_at: datetime, ends_at: datetime,
                 series: MeetingSeries | None) -> Meeting:
    values = {name: getattr(data, name) for name in (*VENUE_FIELDS, *OTHER_FIELDS)}
    meeting = Meeting(**values, starts_at=starts_at, ends_at=ends_at, series=series, created_by_id=actor.id,
                      status=MeetingStatus.DRAFT)
    meeting.invitations = [Invitation(user_id=i) for i in dict.fromkeys(data.invitee_ids)] + [
        Invitation(unit_id=u) for u in dict.fromkeys(data.unit_ids)]
    db.session.add(meeting)
    _record(meeting, ChangeKind.CREATED, actor, None, None)
    return meeting


def _record(meeting: Meeting, kind: ChangeKind, actor: User | None, reason: str | None,
            details: dict | None) -> MeetingChange:
    change = MeetingChange(kind=kind, changed_at=utcnow(), changed_by_id=actor.id if actor else None,
                           reason=reason, details=details)
    with db.session.no_autoflush:  # loading the history must not flush a half-made change
        meeting.changes.append(change)
    meeting.updated_at = change.changed_at  # touches the row, so its version moves on with every change
    return change


# --- editing -------------------------------------------------------------------------------

def _check_version(meeting: Meeting, version: int) -> None:
    if meeting.version != version:
        raise DomainError("version_conflict",
                          _("Someone else changed this meeting meanwhile (version %(now)d, yours %(yours)d). "
                            "Reload it and apply your change again.", now=meeting.version, yours=version),
                          "version", 409)


def _check_editable(meeting: Meeting) -> None:
    if meeting.status in (MeetingStatus.ENDED, MeetingStatus.CLOSED, MeetingStatus.CANCELLED):
        raise DomainError("not_editable", _("An ended, closed or cancelled meeting cannot be changed."), "status")


def data_of(meeting: Meeting) -> MeetingData:
    values = {name: getattr(meeting, name) for name in (*SCHEDULE_FIELDS, *VENUE_FIELDS, *OTHER_FIELDS)}
    return MeetingData(**values, invitee_ids=[i.user_id for i in meeting.invitations if i.user_id],
                       unit_ids=[i.unit_id for i in meeting.invitations if i.unit_id])


def update_meeting(meeting: Meeting, version: int, changes: dict[str, Any], actor: User, clash: ClashPolicy,
                   reason: str | None = None) -> list[MeetingChange]:
    """Apply ``changes`` (fields of MeetingData); a new time is a reschedule, a new place a venue change.

    Everything is flushed once, so the meeting's version moves on by exactly one.
    """
    _check_version(meeting, version)
    _check_editable(meeting)
    with db.session.no_autoflush:
        recorded = _apply_update(meeting, changes, actor, clash, reason)
    db.session.flush()
    return recorded


def _apply_update(meeting: Meeting, changes: dict[str, Any], actor: User, clash: ClashPolicy,
                  reason: str | None) -> list[MeetingChange]:
    before = data_of(meeting)
    after = MeetingData(**{**before.__dict__, **changes})
    _validate(after)
    conflicts.enforce(conflicts.find_conflicts(_slot(after), exclude_ids=[meeting.id]),
                      may_override_room=clash.may_override_room, override_room=clash.override_room,
                      confirm_people=clash.confirm_people)
    recorded = []
    for kind, names in ((ChangeKind.RESCHEDULED, SCHEDULE_FIELDS), (ChangeKind.VENUE_CHANGED, VENUE_FIELDS),
                        (ChangeKind.UPDATED, OTHER_FIELDS)):
        diff = {n: [_plain(getattr(before, n)), _plain(getattr(after, n))] for n in names
                if getattr(before, n) != getattr(after, n)}
        for name in diff:
            setattr(meeting, name, getattr(after, name))
        if diff:
            recorded.append(_record(meeting, kind, actor, reason, diff))
    if invited := _sync_invitations(meeting, after):
        recorded.append(_record(meeting, ChangeKind.UPDATED, actor, reason, invited))
    if meeting.status == MeetingStatus.POSTPONED and any(c.kind == ChangeKind.RESCHEDULED for c in recorded):
        meeting.status, meeting.status_reason = MeetingStatus.PUBLISHED, None  # a new date ends the postponement
    return recorded


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else getattr(value, "value", value)


def _sync_invitations(meeting: Meeting, after: MeetingData) -> dict[str, Any] | None:
    users = set(after.invitee_ids)
    units = set(after.unit_ids)
    current_users = {i.user_id for i in meeting.invitations if i.user_id}
    current_units = {i.unit_id for i in meeting.invitations if i.unit_id}
    if users == current_users and units == current_units:
        return None
    meeting.invitations = [i for i in meeting.invitations if (i.user_id in users) or (i.unit_id in units)] + [
        Invitation(user_id=u) for u in sorted(users - current_users)] + [
        Invitation(unit_id=u) for u in sorted(units - current_units)]
    return {"invitees_added": sorted(users - current_users), "invitees_removed": sorted(current_users - users),
            "agencies_added": sorted(units - current_units), "agencies_removed": sorted(current_units - units)}


# --- status changes ----------------------------------------------------------------------

TRANSITIONS: dict[ChangeKind, tuple[tuple[MeetingStatus, ...], MeetingStatus]] = {
    ChangeKind.PUBLISHED: ((MeetingStatus.DRAFT,), MeetingStatus.PUBLISHED),
    ChangeKind.POSTPONED: ((MeetingStatus.PUBLISHED, MeetingStatus.DRAFT), MeetingStatus.POSTPONED),
    ChangeKind.CANCELLED: ((MeetingStatus.DRAFT, MeetingStatus.PUBLISHED, MeetingStatus.POSTPONED),
                           MeetingStatus.CANCELLED),
    ChangeKind.STARTED: ((MeetingStatus.PUBLISHED,), MeetingStatus.IN_PROGRESS),
    ChangeKind.START_UNDONE: ((MeetingStatus.IN_PROGRESS,), MeetingStatus.PUBLISHED),
    ChangeKind.ENDED: ((MeetingStatus.IN_PROGRESS,), MeetingStatus.ENDED),
    ChangeKind.CLOSED: ((MeetingStatus.ENDED,), MeetingStatus.CLOSED),
}
NEEDS_REASON = frozenset({ChangeKind.POSTPONED, ChangeKind.CANCELLED, ChangeKind.START_UNDONE})
KEEPS_REASON = frozenset({ChangeKind.POSTPONED, ChangeKind.CANCELLED})
"""The changes whose reason is the meeting's ``status_reason`` (shown with its status)."""
START_UNDOERS = "ecabinet.meetings.start_undoers"


def change_status(meeting: Meeting, version: int, kind: ChangeKind, actor: User,
                  reason: str | None = None) -> MeetingChange:
    """Publish, postpone (with a reason), cancel (with a reason), start, undo a start (with a reason), end or
    close a meeting."""
    _check_version(meeting, version)
    allowed_from, target = TRANSITIONS[kind]
    if meeting.status not in allowed_from:
        raise _invalid_transition(meeting, kind)
    reason = (reason or "").strip() or None
    if kind in NEEDS_REASON and not reason:
        raise DomainError("reason_required", _("Give the reason."), "reason")
    details: dict[str, Any] = {"status": [meeting.status.value, target.value]}
    if kind == ChangeKind.PUBLISHED and announced_late(meeting, utcnow()):
        if not reason:
            raise DomainError("late_notice", _("The meeting is announced less than %(hours)d hours ahead: give the "
                                               "reason for the late notice.", hours=notice_hours_required()), "reason")
        details["late_notice"] = True
    details |= _LIFECYCLE_STEPS.get(kind, _no_step)(meeting, reason)
    meeting.status = target
    meeting.status_reason = reason if kind in KEEPS_REASON else None
    if kind == ChangeKind.PUBLISHED:
        meeting.published_at = utcnow()
    change = _record(meeting, kind, actor, reason, details)
    db.session.flush()
    return change


def _invalid_transition(meeting: Meeting, kind: ChangeKind) -> DomainError:
    messages = {
        ChangeKind.STARTED: _("Only a published meeting that has not started yet can start."),
        ChangeKind.ENDED: _("The meeting has not started (or has already ended): it cannot end."),
        ChangeKind.START_UNDONE: _("The meeting is not in progress: there is no start to undo."),
    }
    message = messages.get(kind) or _("A meeting that is %(status)s cannot be %(action)s.",
                                      status=meeting.status.value, action=kind.value)
    return DomainError("invalid_transition", message, "status", 409)


def _no_step(meeting: Meeting, reason: str | None) -> dict[str, Any]:
    return {}


# --- holding the meeting: start, undo an accidental start, end ------------------------------

def start_needs_reason(meeting: Meeting, now: datetime) -> bool:
    """Started on another (local) day than scheduled, or further from its time than the configured hours (the
    rule is off when they are 0)."""
    hours = timedelta(hours=current_app.config["MEETING_START_REASON_HOURS"])
    return bool(hours) and (now.astimezone(local_zone()).date() != meeting.starts_at.astimezone(local_zone()).date()
            or abs(now - meeting.starts_at) > hours)


def _start(meeting: Meeting, reason: str | None) -> dict[str, Any]:
    now = utcnow()
    off_schedule = start_needs_reason(meeting, now)
    if off_schedule and not reason:
        scheduled = meeting.starts_at.astimezone(local_zone())
        raise DomainError("start_reason_required", _(
            "The meeting is scheduled for %(time)s on %(day)s: give the reason for starting it now.",
            time=f"{scheduled:%H:%M}", day=f"{scheduled:%d/%m/%Y}"), "reason")
    meeting.started_at, meeting.ended_at = now, None
    return {"started_at": now.isoformat(), "off_schedule": True} if off_schedule else {"started_at": now.isoformat()}


def undo_deadline(meeting: Meeting) -> datetime | None:
    """Until when the meeting's start may be undone (None when it has not started)."""
    if meeting.status != MeetingStatus.IN_PROGRESS or meeting.started_at is None:
        return None
    return meeting.started_at + timedelta(minutes=current_app.config["MEETING_UNDO_START_MINUTES"])


def _undo_start(meeting: Meeting, reason: str | None) -> dict[str, Any]:
    """Back to published, as if never started; refused once too late or once something was recorded in it:
    every domain that records things in a meeting installs an undoer (``install_start_undoer``) that refuses
    (a vote, a speech, a conclusion) or resets its own state (the live room's)."""
    deadline = undo_deadline(meeting)
    if deadline is None or utcnow() > deadline:
        raise DomainError("undo_too_late", _("A start can be undone only within %(minutes)d minutes of it.",
                                             minutes=current_app.config["MEETING_UNDO_START_MINUTES"]), "status", 409)
    for undo in current_app.extensions.get(START_UNDOERS, {}).values():
        undo(meeting)
    started = meeting.started_at
    meeting.started_at = None
    return {"started_at": [started.isoformat() if started else None, None]}


def _end(meeting: Meeting, reason: str | None) -> dict[str, Any]:
    meeting.ended_at = utcnow()
    return {"ended_at": meeting.ended_at.isoformat()}


_LIFECYCLE_STEPS = {ChangeKind.STARTED: _start, ChangeKind.START_UNDONE: _undo_start, ChangeKind.ENDED: _end}


def install_start_undoer(app: Flask, name: str, undoer: Callable[[Meeting], None]) -> None:
    """Called once per app by a domain that records things during a meeting (the live room, the conclusions):
    ``undoer`` raises a ``DomainError`` (409) when the meeting holds something of it that cannot be undone,
    else resets what it keeps of the started meeting."""
    app.extensions.setdefault(START_UNDOERS, {})[name] = undoer


def hold(meeting: Meeting, kind: ChangeKind, actor: User, reason: str | None = None) -> MeetingChange | None:
    """Start or end the meeting from the live room: its status follows when it may (a draft run in the live
    room keeps its status but gets its times, with the same rule on the reason)."""
    if meeting.status == TRANSITIONS[kind][1]:
        return None  # already there (started or ended from the meeting's page)
    if meeting.status in TRANSITIONS[kind][0]:
        return change_status(meeting, meeting.version, kind, actor, reason)
    _LIFECYCLE_STEPS[kind](meeting, (reason or "").strip() or None)
    return None


def notice_hours_required() -> int:
    return current_app.config["MEETING_NOTICE_HOURS"]


def announced_late(meeting: Meeting, published_at: datetime | None = None) -> bool:
    """Announced (or, with ``published_at``, to be announced) less than the required notice ahead.

    Late invitations are what the provinces' reports complain of first; each one carries the
    reason it was late, in the meeting's history, so that they can be counted and explained.
    """
    moment = published_at or meeting.published_at
    return moment is not None and meeting.starts_at - moment < timedelta(hours=notice_hours_required())


# --- invitations ---------------------------------------------------------------------------

def answer_invitation(invitation: Invitation, actor: User, response: Response, *, reason: str | None = None,
                      delegate_id: int | None = None, attendee_id: int | None = None) -> Invitation:
    """Attending, absent with a reason, or delegated to another person (who then acts for the principal); the
    secretariat sees the answer live after the commit."""
    if invitation.meeting.status not in (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED, MeetingStatus.POSTPONED,
                                         MeetingStatus.IN_PROGRESS):
        raise DomainError("not_answerable", _("This meeting no longer takes answers."), "response", 409)
    reason = (reason or "").strip() or None
    if response == Response.ABSENT and not reason:
        raise DomainError("reason_required", _("Give the reason for being absent."), "reason")
    if response == Response.DELEGATED:
        delegate = _require(User, delegate_id, "delegate_id", _("The delegate must be an active user."))
        if delegate is None or delegate.id in {invitation.user_id, invitation.attendee_id}:
            raise DomainError("invalid_delegate", _("Name another person as the delegate."), "delegate_id")
    if attendee_id is not None:
        if invitation.unit_id is None:
            raise DomainError("not_an_agency", _("Only an agency's invitation names its attendee."), "attendee_id")
        _require(User, attendee_id, "attendee_id", _("The attendee must be an active user."))
    invitation.response = response
    invitation.absence_reason = reason if response == Response.ABSENT else None
    invitation.delegate_id = delegate_id if response == Response.DELEGATED else None
    if attendee_id is not None:
        invitation.attendee_id = attendee_id
    invitation.responded_at = utcnow()
    invitation.responded_by_id = actor.id
    db.session.flush()
    after_commit(lambda: realtime.invitation_answered(invitation))
    return invitation


# --- reading -------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeetingFilter:
    starts_from: datetime | None = None
    starts_before: datetime | None = None
    leader_id: int | None = None
    unit_id: int | None = None
    kind_id: int | None = None
    involving_user_id: int | None = None
    statuses: tuple[MeetingStatus, ...] = ()


def _matching(filters: MeetingFilter, visible: sa.ColumnElement[bool] | None) -> sa.Select:
    query = sa.select(Meeting)
    if visible is not None:
        query = query.where(visible)
    if filters.starts_from:
        query = query.where(Meeting.ends_at > filters.starts_from)
    if filters.starts_before:
        query = query.where(Meeting.starts_at < filters.starts_before)
    if filters.kind_id:
        query = query.where(Meeting.kind_id == filters.kind_id)
    if filters.statuses:
        query = query.where(Meeting.status.in_(filters.statuses))
    if filters.unit_id:
        query = query.where(Meeting.id.in_(sa.select(Invitation.meeting_id)
                                           .where(Invitation.unit_id == filters.unit_id)))
    for person in (filters.leader_id, filters.involving_user_id):
        if person:
            invited = sa.select(Invitation.meeting_id).where(sa.or_(
                Invitation.user_id == person, Invitation.delegate_id == person, Invitation.attendee_id == person))
            query = query.where(sa.or_(Meeting.chair_id == person, Meeting.portfolio_leader_id == person,
                                       Meeting.secretary_id == person, Meeting.id.in_(invited)))
    return query


def list_meetings(filters: MeetingFilter, limit: int = 1000, *, visible: sa.ColumnElement[bool] | None = None,
                  with_changes: bool = False) -> list[Meeting]:
    """Meetings in a period, by leader (chair, portfolio or invited), agency, kind or person; only those
    matching ``visible`` (the policy's ``meeting_visibility``) when given; their history loaded in one more
    query ``with_changes``."""
    query = _matching(filters, visible).order_by(Meeting.starts_at, Meeting.id).limit(limit)
    if with_changes:
        query = query.options(selectinload(Meeting.changes))
    return list(db.session.scalars(query))


UPCOMING = timedelta(weeks=8)
"""How far ahead a person's coming meetings are listed (its home page, "my meetings")."""
UPCOMING_STATUSES = (MeetingStatus.PUBLISHED, MeetingStatus.IN_PROGRESS, MeetingStatus.POSTPONED)


def upcoming(now: datetime) -> MeetingFilter:
    """The announced meetings not over yet that start within ``UPCOMING``; narrow it with ``replace``."""
    return MeetingFilter(starts_from=now, starts_before=now + UPCOMING, statuses=UPCOMING_STATUSES)


def meetings_page(filters: MeetingFilter, visible: sa.ColumnElement[bool], page: int,
                  per_page: int) -> tuple[list[Meeting], int]:
    """One page of the meetings ``list_meetings`` finds, in the same order, and how many there are in all."""
    query = _matching(filters, visible)
    total = db.session.scalar(query.with_only_columns(sa.func.count(Meeting.id)))
    rows = db.session.scalars(query.order_by(Meeting.starts_at, Meeting.id).limit(per_page)
                              .offset((page - 1) * per_page))
    return list(rows), total or 0


def kinds(active_only: bool = True) -> list[MeetingKind]:
    query = sa.select(MeetingKind).order_by(MeetingKind.name)
    return list(db.session.scalars(query.where(MeetingKind.active.is_(True)) if active_only else query))


def rooms(active_only: bool = True) -> list[Room]:
    query = sa.select(Room).order_by(Room.name)
    return list(db.session.scalars(query.where(Room.active.is_(True)) if active_only else query))


def _save_coded(model: type, obj: Any, values: dict[str, Any]) -> Any:
    """Create or change a room or kind; its code stays unique."""
    existing = db.session.scalar(sa.select(model.id).where(model.code == values["code"]))
    if existing is not None and (obj is None or existing != obj.id):
        raise DomainError("code_taken", _("The code %(code)s is already used.", code=values["code"]), "code", 409)
    if obj is None:
        obj = model()
        db.session.add(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    db.session.flush()
    return obj


def save_room(room: Room | None, values: dict[str, Any]) -> Room:
    return _save_coded(Room, room, values)


def save_kind(kind: MeetingKind | None, values: dict[str, Any]) -> MeetingKind:
    return _save_coded(MeetingKind, kind, values)
