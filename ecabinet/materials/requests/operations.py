"""Material requests: the secretariat asks an agency for an item's materials by a deadline.

Deadlines are local calendar days counted in working days (``ecabinet.workdays``): by default
``MATERIAL_DEADLINE_WORKING_DAYS`` before the meeting's day. The agency's liaisons are told
when asked; the job ``remind_due`` reminds them ``MATERIAL_REMINDER_WORKING_DAYS`` before the
deadline and once more on (or after) it, recording each reminder on the request in the same
transaction as its notification, whose key (with the deadline in it) is a second guard.

Operations flush and never commit; their notifications are pushed after the caller's commit.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ecabinet import policy
from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import User
from ecabinet.core import clock
from ecabinet.core.clock import local_date, utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.i18n import format_date
from ecabinet.materials.models import AgendaItem, Material, MaterialRequest, RequestStatus
from ecabinet.materials.queries import agenda
from ecabinet.meetings.models import Meeting, MeetingStatus
from ecabinet.notify import operations as notify
from ecabinet.notify.models import Notification
from ecabinet.org.models import Unit
from ecabinet.workdays.operations import Calendar, add_working_days

KIND_REQUEST = "material.request"
KIND_REMINDER = "material.request_reminder"


class RowState(enum.StrEnum):
    """How a request stands on the checklist."""

    SUBMITTED = "submitted"  # Đã nộp
    MISSING = "missing"  # Chưa nộp
    OVERDUE = "overdue"  # Quá hạn
    LATE = "late"  # Nộp muộn
    CANCELLED = "cancelled"


# --- dates -----------------------------------------------------------------------------------

def meeting_day(meeting: Meeting) -> date:
    return local_date(meeting.starts_at)


def default_due_on(meeting: Meeting, today: date | None = None) -> date:
    """``MATERIAL_DEADLINE_WORKING_DAYS`` working days before the meeting's day; today when that is already
    past (a meeting called at short notice), so that the proposed deadline can always be accepted."""
    day = meeting_day(meeting)
    due = add_working_days(day, -current_app.config["MATERIAL_DEADLINE_WORKING_DAYS"])
    today = today or clock.today()
    return due if due >= today else min(today, day)


def _check_due(meeting: Meeting, due_on: date, today: date) -> None:
    day = meeting_day(meeting)
    if due_on > day:
        raise DomainError("due_after_meeting", _("The deadline cannot be after the day of the meeting (%(day)s).",
                                                 day=format_date(day)), "due_on")
    if due_on < today:
        raise DomainError("due_in_past", _("The deadline cannot be in the past."), "due_on")


def _check_meeting_open(meeting: Meeting, today: date) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError("meeting_cancelled", _("The meeting is cancelled."), None, 409)
    if meeting_day(meeting) < today:
        raise DomainError("meeting_past", _("The meeting has already taken place."), None, 409)


# --- asking ----------------------------------------------------------------------------------

def _units(unit_ids: Iterable[int], item: AgendaItem) -> list[Unit]:
    """The agencies asked, in the order given, without repeats; by default the item's presenting agency."""
    ids = list(dict.fromkeys(int(i) for i in unit_ids))
    if not ids:
        if item.presenting_unit_id is None:
            raise DomainError("no_unit", _("Choose at least one agency: this item has no presenting agency."),
                              "unit_ids")
        ids = [item.presenting_unit_id]
    found = {u.id: u for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids), Unit.active.is_(True)))}
    if len(found) != len(ids):
        raise DomainError("unknown_unit", _("Some agencies are unknown or no longer active."), "unit_ids")
    return [found[i] for i in ids]


def _refuse_duplicates(item: AgendaItem, units: list[Unit]) -> None:
    taken = set(db.session.scalars(sa.select(MaterialRequest.unit_id).where(
        MaterialRequest.agenda_item_id == item.id, MaterialRequest.unit_id.in_([u.id for u in units]))))
    if taken:
        names = ", ".join(u.name for u in units if u.id in taken)
        raise DomainError("duplicate_request", _("Already asked for the materials of this item: %(units)s. "
                                                 "Change or reopen that request instead.", units=names),
                          "unit_ids", 409)


def request_materials(item: AgendaItem, unit_ids: Iterable[int], actor: User, due_on: date | None = None,
                      note: str = "", today: date | None = None) -> list[MaterialRequest]:
    """Ask each agency for the materials of ``item`` by ``due_on`` (by default ``default_due_on``) and tell
    its liaisons. Returns the requests."""
    meeting = item.meeting
    today = today or clock.today()
    _check_meeting_open(meeting, today)
    units = _units(unit_ids, item)
    due = due_on or default_due_on(meeting, today)
    _check_due(meeting, due, today)
    _refuse_duplicates(item, units)
    created = [MaterialRequest(meeting_id=meeting.id, agenda_item_id=item.id, unit_id=unit.id, due_on=due,
                               note=note.strip(), status=RequestStatus.OPEN, created_by_id=actor.id)
               for unit in units]
    db.session.add_all(created)
    db.session.flush()
    for request in created:
        _announce(request)
    return created


def _link(request: MaterialRequest) -> str:
    return f"/meetings/{request.meeting_id}/material-requests"


def _liaison_ids(request: MaterialRequest) -> set[int]:
    return {u.id for u in accounts.liaisons_of([request.unit_id])}


def _facts(request: MaterialRequest) -> dict[str, str]:
    meeting = request.meeting
    return {"item": request.agenda_item.title, "meeting": meeting.title, "day": format_date(meeting.starts_at),
            "due": format_date(request.due_on), "unit": request.unit.name}


def _with_note(body: str, request: MaterialRequest) -> str:
    return body + ("\n" + _("Note: %(note)s", note=request.note) if request.note else "")


def _announce(request: MaterialRequest) -> list[Notification]:
    facts = _facts(request)
    body = _("%(unit)s is asked to submit the materials of the agenda item “%(item)s” for the meeting "
             "“%(meeting)s” on %(day)s, by %(due)s.", **facts)
    return notify.notify(f"material-request:{request.id}", _liaison_ids(request), notify.Message(
        kind=KIND_REQUEST, subject=_("Materials requested by %(due)s: %(item)s", **facts),
        body=_with_note(body, request), link=_link(request)))


# --- changing --------------------------------------------------------------------------------

def change_request(request: MaterialRequest, *, due_on: date | None = None, note: str | None = None,
                   today: date | None = None) -> list[Notification]:
    """Change the deadline or the note. A new deadline clears the reminders already sent, so that they go
    out again for it, and is announced to the liaisons of an open request."""
    created: list[Notification] = []
    if note is not None:
        request.note = note.strip()
    if due_on is not None and due_on != request.due_on:
        _check_due(request.meeting, due_on, today or clock.today())
        request.due_on = due_on
        request.reminded_before_at = request.reminded_due_at = None
        db.session.flush()
        if request.status == RequestStatus.OPEN:
            created = _announce_new_deadline(request)
    db.session.flush()
    return created


def _announce_new_deadline(request: MaterialRequest) -> list[Notification]:
    facts = _facts(request)
    body = _("The deadline for the materials of “%(item)s” (meeting “%(meeting)s” on %(day)s) is now %(due)s. "
             "Agency: %(unit)s.", **facts)
    return notify.notify(f"material-request:{request.id}:due-changed:{request.due_on.isoformat()}",
                         _liaison_ids(request), notify.Message(
                             kind=KIND_REQUEST, subject=_("New deadline %(due)s for the materials: %(item)s", **facts),
                             body=_with_note(body, request), link=_link(request)))


def fulfil(request: MaterialRequest, now: datetime | None = None) -> bool:
    """Mark the request fulfilled (materials uploaded, or a paper copy received); False if it already was."""
    if request.status == RequestStatus.CANCELLED:
        raise DomainError("request_cancelled", _("This request is cancelled; reopen it first."), "status", 409)
    if request.status == RequestStatus.FULFILLED:
        return False
    request.status, request.fulfilled_at = RequestStatus.FULFILLED, now or utcnow()
    db.session.flush()
    return True


def reopen(request: MaterialRequest) -> None:
    """Open a fulfilled or cancelled request again (the materials were incomplete, or it is needed after all)."""
    request.status, request.fulfilled_at = RequestStatus.OPEN, None
    db.session.flush()


def cancel_request(request: MaterialRequest) -> None:
    request.status, request.fulfilled_at = RequestStatus.CANCELLED, None
    db.session.flush()


def set_status(request: MaterialRequest, status: RequestStatus) -> None:
    """The secretary's buttons: received (fulfilled), reopen (open), cancel (cancelled)."""
    if status == RequestStatus.FULFILLED:
        fulfil(request)
    elif status == RequestStatus.OPEN:
        reopen(request)
    else:
        cancel_request(request)


def fulfil_on_upload(material: Material, actor: User) -> list[MaterialRequest]:
    """Called after ``material`` was uploaded by ``actor``: the open requests of its agenda item addressed to
    the actor's agency are fulfilled. Nothing happens for a material of the whole meeting or when the actor's
    agency was not asked. Returns the requests it fulfilled."""
    if material.agenda_item_id is None:
        return []
    requests = list(db.session.scalars(sa.select(MaterialRequest).where(
        MaterialRequest.agenda_item_id == material.agenda_item_id, MaterialRequest.unit_id == actor.unit_id,
        MaterialRequest.status == RequestStatus.OPEN)))
    now = utcnow()
    for request in requests:
        fulfil(request, now)
    return requests


# --- the checklist ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RequestRow:
    """One request as the checklist shows it."""

    request: MaterialRequest
    state: RowState
    late: bool
    """Fulfilled after the deadline, or still open after it."""
    material_count: int
    """Materials the agency's people uploaded to the item."""

    @property
    def overdue(self) -> bool:
        return self.state == RowState.OVERDUE

    @property
    def id(self) -> int:
        return self.request.id

    @property
    def agenda_item_id(self) -> int:
        return self.request.agenda_item_id

    @property
    def unit(self) -> Unit:
        return self.request.unit

    @property
    def due_on(self) -> date:
        return self.request.due_on

    @property
    def note(self) -> str:
        return self.request.note

    @property
    def status(self) -> RequestStatus:
        return self.request.status

    @property
    def fulfilled_at(self) -> datetime | None:
        return self.request.fulfilled_at

    @property
    def reminded_before_at(self) -> datetime | None:
        return self.request.reminded_before_at

    @property
    def reminded_due_at(self) -> datetime | None:
        return self.request.reminded_due_at


@dataclass(frozen=True)
class ItemRows:
    item: AgendaItem
    rows: list[RequestRow]


@dataclass(frozen=True)
class Counts:
    requested: int
    """Requests not cancelled."""
    fulfilled: int
    missing: int
    """Open requests, overdue or not."""
    overdue: int


@dataclass(frozen=True)
class Checklist:
    meeting: Meeting
    items: list[ItemRows]
    counts: Counts
    today: date

    @property
    def rows(self) -> list[RequestRow]:
        return [row for item in self.items for row in item.rows]


def state_of(request: MaterialRequest, today: date) -> RowState:
    if request.status == RequestStatus.CANCELLED:
        return RowState.CANCELLED
    if request.status == RequestStatus.FULFILLED:
        return RowState.LATE if local_date(request.fulfilled_at) > request.due_on else RowState.SUBMITTED
    return RowState.OVERDUE if today > request.due_on else RowState.MISSING


def _material_counts(meeting_id: int, viewer: User) -> dict[tuple[int, int], int]:
    """Materials per (agenda item, uploader's unit) of the meeting, without the confidential ones ``viewer`` is
    not a reader of: for others they do not exist, not even as a number."""
    rows = db.session.execute(
        sa.select(Material.agenda_item_id, User.unit_id, sa.func.count(Material.id))
        .join(User, User.id == Material.created_by_id)
        .where(Material.meeting_id == meeting_id, Material.agenda_item_id.is_not(None),
               policy.confidential_readable(viewer))
        .group_by(Material.agenda_item_id, User.unit_id))
    return {(item_id, unit_id): count for item_id, unit_id, count in rows}


def rows_of(requests: list[MaterialRequest], viewer: User, today: date | None = None) -> list[RequestRow]:
    today = today or clock.today()
    counts: dict[tuple[int, int], int] = {}
    for meeting_id in {r.meeting_id for r in requests}:
        counts |= _material_counts(meeting_id, viewer)
    return [_row(r, state_of(r, today), counts.get((r.agenda_item_id, r.unit_id), 0)) for r in requests]


def _row(request: MaterialRequest, state: RowState, material_count: int) -> RequestRow:
    return RequestRow(request, state, state in (RowState.LATE, RowState.OVERDUE), material_count)


def requests_of(meeting: Meeting, unit_ids: Collection[int] | None = None) -> list[MaterialRequest]:
    query = sa.select(MaterialRequest).where(MaterialRequest.meeting_id == meeting.id)
    if unit_ids is not None:
        query = query.where(MaterialRequest.unit_id.in_(list(unit_ids)))
    return list(db.session.scalars(query.order_by(MaterialRequest.agenda_item_id, MaterialRequest.id)))


def checklist(meeting: Meeting, viewer: User, unit_ids: Collection[int] | None = None,
              today: date | None = None) -> Checklist:
    """Per agenda item, per agency asked: status, deadline, lateness and materials uploaded, with the counts.

    ``unit_ids`` limits it to those agencies (a liaison's view: items without their requests are left out);
    ``None`` is the secretariat's view of every item of the agenda.
    """
    today = today or clock.today()
    rows = rows_of(requests_of(meeting, unit_ids), viewer, today)
    by_item: dict[int, list[RequestRow]] = {}
    for row in rows:
        by_item.setdefault(row.request.agenda_item_id, []).append(row)
    items = [ItemRows(item, by_item.get(item.id, [])) for item in agenda(meeting)
             if unit_ids is None or item.id in by_item]
    live = [r for r in rows if r.state != RowState.CANCELLED]
    counts = Counts(requested=len(live), fulfilled=sum(r.status == RequestStatus.FULFILLED for r in live),
                    missing=sum(r.status == RequestStatus.OPEN for r in live),
                    overdue=sum(r.state == RowState.OVERDUE for r in live))
    return Checklist(meeting, items, counts, today)


def requested_from(meeting: Meeting, unit_id: int | None) -> bool:
    """Was this agency asked for materials of the meeting (whatever the request's status)?"""
    if unit_id is None:
        return False
    return db.session.scalar(sa.select(MaterialRequest.id).where(
        MaterialRequest.meeting_id == meeting.id, MaterialRequest.unit_id == unit_id).limit(1)) is not None


# --- reminders (the job) -----------------------------------------------------------------------

def remind_due(today: date | None = None) -> list[Notification]:
    """Job: remind the agencies of open requests, once before the deadline and once on or after it.

    The "before" reminder goes out from ``MATERIAL_REMINDER_WORKING_DAYS`` working days before the deadline;
    the "due" one from the deadline day (saying "overdue" when the job first runs after it) and is copied to
    the request's creator. A request whose due reminder is due gets only that one. Each reminder is recorded
    on the request in the job's transaction; the notification key names the deadline, so a job run twice (or
    restarted) sends nothing again, while a changed deadline is reminded afresh. Requests of cancelled
    meetings are not reminded. Returns the notifications to push after the commit.
    """
    today = today or clock.today()
    ahead = current_app.config["MATERIAL_REMINDER_WORKING_DAYS"]
    calendar = Calendar.load()
    horizon = calendar.add(today, max(ahead, 1))  # no "before" window opens on or before today beyond this
    query = (sa.select(MaterialRequest).join(Meeting, Meeting.id == MaterialRequest.meeting_id)
             .where(MaterialRequest.status == RequestStatus.OPEN, MaterialRequest.reminded_due_at.is_(None),
                    MaterialRequest.due_on <= horizon, Meeting.status != MeetingStatus.CANCELLED)
             .order_by(MaterialRequest.id))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=MaterialRequest, skip_locked=True)
    now = utcnow()
    created: list[Notification] = []
    for request in db.session.scalars(query):
        if today >= request.due_on:
            created += _remind_due(request, today)
            request.reminded_due_at = now
        elif request.reminded_before_at is None and today >= calendar.add(request.due_on, -ahead):
            created += _remind_before(request)
            request.reminded_before_at = now
    db.session.flush()
    return created


def _remind_before(request: MaterialRequest) -> list[Notification]:
    facts = _facts(request)
    body = _("The materials of “%(item)s” for the meeting “%(meeting)s” on %(day)s are due on %(due)s and have "
             "not been submitted yet. Agency: %(unit)s.", **facts)
    return notify.notify(f"material-request:{request.id}:before:{request.due_on.isoformat()}", _liaison_ids(request),
                         notify.Message(kind=KIND_REMINDER, body=_with_note(body, request), link=_link(request),
                                        subject=_("Reminder: materials due on %(due)s: %(item)s", **facts)))


def _remind_due(request: MaterialRequest, today: date) -> list[Notification]:
    facts = _facts(request)
    if today > request.due_on:
        subject = _("Materials overdue since %(due)s: %(item)s", **facts)
        body = _("The materials of “%(item)s” for the meeting “%(meeting)s” on %(day)s were due on %(due)s and "
                 "are overdue. Agency: %(unit)s.", **facts)
    else:
        subject = _("Materials due today: %(item)s", **facts)
        body = _("The materials of “%(item)s” for the meeting “%(meeting)s” on %(day)s are due today (%(due)s) "
                 "and have not been submitted yet. Agency: %(unit)s.", **facts)
    recipients = _liaison_ids(request) | {request.created_by_id}
    return notify.notify(f"material-request:{request.id}:due:{request.due_on.isoformat()}", recipients,
                         notify.Message(kind=KIND_REMINDER, subject=subject, body=_with_note(body, request),
                                        link=_link(request)))
