"""The live room's state machine: status, agenda timer, attendance, speakers, votes and the presented page.

Every change locks the meeting's ``LiveState`` row first (an UPDATE that moves its ``version`` on: a row lock
on PostgreSQL, the write lock on SQLite), so concurrent actions on one meeting apply one after the other and
each gets its own version. Operations flush, never commit; the caller commits, then broadcasts the returned
``Change`` (``ecabinet.live.realtime``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError

from ecabinet.accounts.models import User
from ecabinet.core.api import validation_details
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db, upsert_insert
from ecabinet.core.exceptions import DomainError
from ecabinet.live import schemas
from ecabinet.live.models import (Attendance, Ballot, Choice, LiveState, LiveStatus, SpeakerRequest,
                                  SpeakerStatus, Vote, VoteStatus)
from ecabinet.materials import operations as materials
from ecabinet.materials.models import Confidentiality, Material
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import ChangeKind, Meeting, MeetingStatus, Response
from ecabinet.policy import VOTING_ROLES, Action, allowed, voting_seats

IN_SESSION = (LiveStatus.RUNNING, LiveStatus.PAUSED)


@dataclass
class Change:
    """What an action changed: broadcast after the commit by ``realtime.broadcast``."""

    meeting_id: int
    version: int
    kind: str
    data: dict[str, Any]
    tally: dict[str, Any] | None = None


def conflict(code: str, message: str, field_name: str | None = None) -> DomainError:
    return DomainError(code, message, field_name, 409)


def invalid(code: str, message: str, field_name: str | None = None) -> DomainError:
    return DomainError(code, message, field_name, 422)


# --- the state row -------------------------------------------------------------------------

def current_state(meeting: Meeting) -> LiveState:
    """The meeting's live state, created (not started) on first use."""
    state = db.session.get(LiveState, meeting.id)
    if state is None:
        _insert_state(meeting)
        state = db.session.get(LiveState, meeting.id)
    return state


def _insert_state(meeting: Meeting) -> None:
    insert = upsert_insert(LiveState.__table__).values(
        meeting_id=meeting.id, version=0, status=LiveStatus.NOT_STARTED, item_elapsed_seconds=0, updated_at=utcnow())
    db.session.execute(insert.on_conflict_do_nothing(index_elements=["meeting_id"]))


def lock_state(meeting: Meeting) -> LiveState:
    """The state row, locked for this transaction, its version already one higher."""
    _insert_state(meeting)
    table = LiveState.__table__
    db.session.execute(sa.update(table).where(table.c.meeting_id == meeting.id)
                       .values(version=table.c.version + 1, updated_at=utcnow()))
    query = sa.select(LiveState).where(LiveState.meeting_id == meeting.id)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return db.session.scalars(query.execution_options(populate_existing=True)).one()


# --- members and seats ---------------------------------------------------------------------

def expected_members(meeting: Meeting) -> list[int]:
    """The chair and the invited leaders and members who have not answered absent, in invitation order."""
    members = [meeting.chair_id]
    for inv in meeting.invitations:
        if (inv.user is not None and inv.user.has_role(*VOTING_ROLES) and inv.response != Response.ABSENT
                and inv.user_id not in members):
            members.append(inv.user_id)
    return members


def seat_holder(meeting: Meeting, member_id: int) -> int:
    """Who sits in a member's seat: its delegate when it delegated, else the member."""
    for inv in meeting.invitations:
        if inv.user_id == member_id and inv.response == Response.DELEGATED and inv.delegate_id is not None:
            return inv.delegate_id
    return member_id


def quorum(expected: int) -> int:
    ratio = Fraction(str(current_app.config.get("LIVE_QUORUM_RATIO") or "2/3"))
    return math.ceil(expected * ratio)


def present_members(meeting: Meeting) -> dict[int, Attendance]:
    expected = set(expected_members(meeting))
    rows = db.session.scalars(sa.select(Attendance).where(Attendance.meeting_id == meeting.id,
                                                          Attendance.left_at.is_(None)))
    return {row.user_id: row for row in rows if row.user_id in expected}


# --- reading -------------------------------------------------------------------------------

def item_elapsed(state: LiveState) -> int:
    running = (utcnow() - state.item_started_at).total_seconds() if state.item_started_at else 0
    return state.item_elapsed_seconds + max(int(running), 0)


def waiting_requests(state: LiveState) -> list[SpeakerRequest]:
    """The queue: requests waiting on the current item, in the chair's order."""
    item_clause = (SpeakerRequest.agenda_item_id.is_(None) if state.current_item_id is None
                   else SpeakerRequest.agenda_item_id == state.current_item_id)
    return list(db.session.scalars(sa.select(SpeakerRequest).where(
        SpeakerRequest.meeting_id == state.meeting_id, SpeakerRequest.status == SpeakerStatus.WAITING, item_clause,
    ).order_by(SpeakerRequest.position, SpeakerRequest.id)))


def current_speech(meeting_id: int) -> SpeakerRequest | None:
    return db.session.scalars(sa.select(SpeakerRequest).where(
        SpeakerRequest.meeting_id == meeting_id, SpeakerRequest.status == SpeakerStatus.SPEAKING)).first()


def latest_vote(meeting_id: int) -> Vote | None:
    return db.session.scalars(sa.select(Vote).where(Vote.meeting_id == meeting_id).order_by(Vote.id.desc())).first()


def open_vote_of(meeting_id: int) -> Vote | None:
    return db.session.scalars(sa.select(Vote).where(Vote.meeting_id == meeting_id,
                                                    Vote.status == VoteStatus.OPEN)).first()


def ballots_cast(vote: Vote) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Ballot).where(Ballot.vote_id == vote.id)) or 0


def counts(vote: Vote) -> dict[str, int]:
    """Agree/disagree/abstain: from the ballots of a named vote, from the vote's own counters for a secret one."""
    if vote.secret:
        db.session.refresh(vote, ["agree", "disagree", "abstain"])
        return {"agree": vote.agree or 0, "disagree": vote.disagree or 0, "abstain": vote.abstain or 0}
    rows = db.session.execute(sa.select(Ballot.choice, sa.func.count()).where(Ballot.vote_id == vote.id)
                              .group_by(Ballot.choice)).all()
    found = {choice: number for choice, number in rows if choice is not None}
    return {choice.value: found.get(choice, 0) for choice in Choice}


def tally(vote: Vote) -> dict[str, Any]:
    """The console's running count. A secret vote shows only how many voted: a count that moves as one known
    person presses the button would tell the room what that person chose."""
    numbers: dict[str, Any] = counts(vote) if not vote.secret else {choice.value: None for choice in Choice}
    return {"meeting_id": vote.meeting_id, "vote_id": vote.id, **numbers, "cast": ballots_cast(vote),
            "entitled": vote.entitled_count}


def personal(meeting: Meeting, user: User) -> dict[str, Any]:
    """What the live room looks like for ``user`` (``GET …/live/me``)."""
    state = current_state(meeting)
    seats = sorted(voting_seats(user, meeting))
    vote = open_vote_of(meeting.id)
    voted: list[int] = []
    if vote is not None and seats:
        voted = sorted(db.session.scalars(sa.select(Ballot.voter_id).where(Ballot.vote_id == vote.id,
                                                                            Ballot.voter_id.in_(seats))))
    own = next((r.id for r in waiting_requests(state) if r.user_id == user.id), None)
    speech = current_speech(meeting.id)
    if own is None and speech is not None and speech.user_id == user.id:
        own = speech.id
    return {"seats": seats, "voted_for": voted, "floor_request_id": own,
            "can_run": allowed(user, Action.RUN_LIVE, meeting), "can_present": allowed(user, Action.PRESENT_LIVE,
                                                                                        meeting)}


# --- status and agenda ---------------------------------------------------------------------

def _stop_timer(state: LiveState) -> None:
    state.item_elapsed_seconds = item_elapsed(state)
    state.item_started_at = None


def _require_session(state: LiveState) -> None:
    if state.status not in IN_SESSION:
        raise conflict("not_running", _("The meeting is not in session."), "status")


def start(meeting: Meeting, state: LiveState, actor: User, args: schemas.Start) -> None:
    if state.status != LiveStatus.NOT_STARTED:
        raise conflict("already_started" if state.status != LiveStatus.ENDED else "ended",
                       _("The meeting has already started or ended."), "status")
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED, MeetingStatus.CLOSED):
        raise conflict("not_startable", _("A cancelled, postponed or closed meeting cannot start."), "status")
    meetings.hold(meeting, ChangeKind.STARTED, actor, args.reason)
    state.status = LiveStatus.RUNNING
    state.started_at = meeting.started_at
    items = materials.agenda(meeting)
    if items:
        _go_to(state, items[0].id)


def recorded_in_session(meeting_id: int) -> bool:
    """A vote was opened or someone was given the floor: the meeting's record has begun."""
    votes = sa.select(Vote.id).where(Vote.meeting_id == meeting_id)
    speeches = sa.select(SpeakerRequest.id).where(SpeakerRequest.meeting_id == meeting_id,
                                                   SpeakerRequest.started_at.is_not(None))
    return db.session.scalar(sa.select(sa.or_(sa.exists(votes), sa.exists(speeches))))


def reset(state: LiveState) -> None:
    """Back to not started (an undone start): the timer, the item and the presentation cleared."""
    state.status = LiveStatus.NOT_STARTED
    state.started_at = state.ended_at = state.paused_at = None
    state.current_item_id = state.item_started_at = None
    state.item_elapsed_seconds = 0
    state.presented_material_id = state.presented_page = state.presenter_id = None


def pause(meeting: Meeting, state: LiveState, actor: User, args: schemas.NoArgs) -> None:
    if state.status != LiveStatus.RUNNING:
        raise conflict("not_running", _("The meeting is not running."), "status")
    state.status = LiveStatus.PAUSED
    state.paused_at = utcnow()
    _stop_timer(state)


def resume(meeting: Meeting, state: LiveState, actor: User, args: schemas.NoArgs) -> None:
    if state.status != LiveStatus.PAUSED:
        raise conflict("not_paused", _("The meeting is not paused."), "status")
    state.status = LiveStatus.RUNNING
    state.paused_at = None
    if state.current_item_id is not None:
        state.item_started_at = utcnow()


def end(meeting: Meeting, state: LiveState, actor: User, args: schemas.NoArgs) -> None:
    _require_session(state)
    if open_vote_of(meeting.id) is not None:
        raise conflict("vote_open", _("Close the open vote first."), "vote")
    _stop_timer(state)
    _finish_speech(meeting.id)
    meetings.hold(meeting, ChangeKind.ENDED, actor)
    state.status = LiveStatus.ENDED
    state.ended_at = meeting.ended_at
    state.paused_at = None
    state.presented_material_id = state.presented_page = state.presenter_id = None


def _go_to(state: LiveState, item_id: int) -> None:
    state.current_item_id = item_id
    state.item_elapsed_seconds = 0
    state.item_started_at = utcnow() if state.status == LiveStatus.RUNNING else None


def goto_item(meeting: Meeting, state: LiveState, actor: User, args: schemas.GotoItem) -> None:
    _require_session(state)
    if args.item_id not in [item.id for item in materials.agenda(meeting)]:
        raise invalid("unknown_item", _("This item is not on the meeting's agenda."), "item_id")
    _go_to(state, args.item_id)


def _step(meeting: Meeting, state: LiveState, offset: int) -> None:
    _require_session(state)
    ids = [item.id for item in materials.agenda(meeting)]
    if state.current_item_id in ids:
        index = ids.index(state.current_item_id) + offset
    else:
        index = 0
    if not 0 <= index < len(ids):
        raise conflict("no_such_item", _("There is no item in that direction."), "item_id")
    _go_to(state, ids[index])


def next_item(meeting: Meeting, state: LiveState, actor: User, args: schemas.NoArgs) -> None:
    _step(meeting, state, 1)


def previous_item(meeting: Meeting, state: LiveState, actor: User, args: schemas.NoArgs) -> None:
    _step(meeting, state, -1)


# --- attendance ----------------------------------------------------------------------------

def _require_not_ended(state: LiveState) -> None:
    if state.status == LiveStatus.ENDED:
        raise conflict("not_running", _("The meeting has ended."), "status")


def _seat(meeting: Meeting, member_id: int, attendee_id: int, by: User) -> None:
    row = db.session.scalars(sa.select(Attendance).where(Attendance.meeting_id == meeting.id,
                                                         Attendance.user_id == member_id)).first()
    if row is None:
        row = Attendance(meeting_id=meeting.id, user_id=member_id)
        db.session.add(row)
    row.attendee_id = attendee_id
    row.checked_in_at = utcnow()
    row.checked_in_by_id = by.id
    row.left_at = None


def check_in(meeting: Meeting, state: LiveState, actor: User, args: schemas.NoArgs) -> None:
    _require_not_ended(state)
    for member_id in sorted(voting_seats(actor, meeting)):
        _seat(meeting, member_id, actor.id, actor)


def check_in_for(meeting: Meeting, state: LiveState, actor: User, args: schemas.CheckInFor) -> None:
    _require_not_ended(state)
    if args.user_id not in expected_members(meeting):
        raise invalid("not_a_member", _("This person holds no seat in the meeting."), "user_id")
    holder = seat_holder(meeting, args.user_id)
    attendee = args.attendee_id if args.attendee_id is not None else holder
    if attendee not in {args.user_id, holder}:
        raise invalid("invalid_attendee", _("Only the member or its delegate can sit in its seat."), "attendee_id")
    _seat(meeting, args.user_id, attendee, actor)


def check_out_for(meeting: Meeting, state: LiveState, actor: User, args: schemas.CheckOutFor) -> None:
    _require_not_ended(state)
    row = present_members(meeting).get(args.user_id)
    if row is None:
        raise conflict("not_present", _("This person is not checked in."), "user_id")
    row.left_at = utcnow()


# --- speakers ------------------------------------------------------------------------------

def _flush_or(error: DomainError) -> None:
    """Flush; a unique index refusing the row (a concurrent twin) becomes ``error``."""
    try:
        db.session.flush()
    except IntegrityError:
        raise error from None


def request_floor(meeting: Meeting, state: LiveState, actor: User, args: schemas.NoArgs) -> None:
    _require_session(state)
    queue = waiting_requests(state)
    already = conflict("already_waiting", _("You are already waiting for the floor on this item."))
    if any(r.user_id == actor.id for r in queue):
        raise already
    db.session.add(SpeakerRequest(meeting_id=meeting.id, agenda_item_id=state.current_item_id, user_id=actor.id,
                                  position=max((r.position for r in queue), default=0) + 1,
                                  status=SpeakerStatus.WAITING, requested_at=utcnow()))
    _flush_or(already)


def withdraw_floor(meeting: Meeting, state: LiveState, actor: User, args: schemas.NoArgs) -> None:
    _require_session(state)
    own = [r for r in waiting_requests(state) if r.user_id == actor.id]
    if not own:
        raise conflict("not_waiting", _("You are not waiting for the floor."))
    for request in own:
        request.status = SpeakerStatus.WITHDRAWN
        request.ended_at = utcnow()


def order_speakers(meeting: Meeting, state: LiveState, actor: User, args: schemas.OrderSpeakers) -> None:
    _require_session(state)
    queue = {r.id: r for r in waiting_requests(state)}
    if sorted(args.request_ids) != sorted(queue) or len(set(args.request_ids)) != len(args.request_ids):
        raise invalid("invalid_order", _("Give every waiting request exactly once."), "request_ids")
    for position, request_id in enumerate(args.request_ids, start=1):
        queue[request_id].position = position


def _finish_speech(meeting_id: int) -> None:
    speech = current_speech(meeting_id)
    if speech is not None:
        speech.status = SpeakerStatus.DONE
        speech.ended_at = utcnow()
        db.session.flush()  # the one-speaking index must see it done before another starts


def give_floor(meeting: Meeting, state: LiveState, actor: User, args: schemas.GiveFloor) -> None:
    _require_session(state)
    request = db.session.get(SpeakerRequest, args.request_id)
    if request is None or request.meeting_id != meeting.id:
        raise invalid("unknown_request", _("There is no such request to speak."), "request_id")
    if request.status != SpeakerStatus.WAITING:
        raise conflict("not_waiting", _("This request is not waiting for the floor."), "request_id")
    _finish_speech(meeting.id)
    request.status = SpeakerStatus.SPEAKING
    request.started_at = utcnow()


def end_floor(meeting: Meeting, state: LiveState, actor: User, args: schemas.NoArgs) -> None:
    _require_session(state)
    if current_speech(meeting.id) is None:
        raise conflict("no_speaker", _("Nobody has the floor."))
    _finish_speech(meeting.id)


# --- votes ---------------------------------------------------------------------------------

def open_vote(meeting: Meeting, state: LiveState, actor: User, args: schemas.OpenVote) -> None:
    _require_session(state)
    already = conflict("vote_open", _("A vote is already open in this meeting."), "vote")
    if open_vote_of(meeting.id) is not None:
        raise already
    item_id = args.item_id if args.item_id is not None else state.current_item_id
    if item_id is not None and item_id not in [item.id for item in materials.agenda(meeting)]:
        raise invalid("unknown_item", _("This item is not on the meeting's agenda."), "item_id")
    db.session.add(Vote(meeting_id=meeting.id, agenda_item_id=item_id, question=args.question.strip(),
                        secret=args.secret, status=VoteStatus.OPEN, opened_at=utcnow(), opened_by_id=actor.id,
                        entitled_count=len(expected_members(meeting)),
                        **({"agree": 0, "disagree": 0, "abstain": 0} if args.secret else {})))
    _flush_or(already)


def _vote_to_change(meeting: Meeting) -> Vote:
    vote = open_vote_of(meeting.id)
    if vote is not None:
        return vote
    if latest_vote(meeting.id) is not None:
        raise conflict("vote_closed", _("The vote is closed."), "vote")
    raise conflict("no_open_vote", _("No vote is open."), "vote")


def _seat_for(meeting: Meeting, actor: User, for_user_id: int | None) -> int:
    seats = voting_seats(actor, meeting) & set(expected_members(meeting))
    if for_user_id is not None:
        if for_user_id not in seats:
            raise invalid("not_your_seat", _("You do not hold this member's seat."), "for_user_id")
        return for_user_id
    if len(seats) != 1:
        raise invalid("seat_required", _("Say for which member you vote."), "for_user_id")
    return next(iter(seats))


def cast_vote(meeting: Meeting, state: LiveState, actor: User, args: schemas.CastVote) -> None:
    _require_session(state)
    vote = _vote_to_change(meeting)
    seat = _seat_for(meeting, actor, args.for_user_id)
    voted = conflict("already_voted", _("This seat has already voted."), "for_user_id")
    if db.session.scalar(sa.select(Ballot.id).where(Ballot.vote_id == vote.id, Ballot.voter_id == seat)):
        raise voted
    choice = Choice(args.choice)
    db.session.add(Ballot(vote_id=vote.id, voter_id=seat, cast_by_id=actor.id,
                          choice=None if vote.secret else choice, cast_at=utcnow()))
    _flush_or(voted)
    if vote.secret:  # only a count moves: nothing stored says who chose what
        column = getattr(Vote, choice.value)
        db.session.execute(sa.update(Vote).where(Vote.id == vote.id).values({column: column + 1}))


def close_vote(meeting: Meeting, state: LiveState, actor: User, args: schemas.NoArgs) -> None:
    vote = _vote_to_change(meeting)
    result = counts(vote)
    vote.agree, vote.disagree, vote.abstain = result["agree"], result["disagree"], result["abstain"]
    vote.status = VoteStatus.CLOSED
    vote.closed_at = utcnow()


# --- presenting ----------------------------------------------------------------------------

def present(meeting: Meeting, state: LiveState, actor: User, args: schemas.Present) -> None:
    _require_session(state)
    material = db.session.get(Material, args.material_id)
    if material is None or material.meeting_id != meeting.id or not allowed(actor, Action.VIEW_MATERIAL, material):
        raise invalid("unknown_material", _("There is no such material in this meeting."), "material_id")
    if material.confidentiality == Confidentiality.CONFIDENTIAL:
        raise conflict("confidential", _("A confidential material cannot be shown on every tablet."), "material_id")
    if material.current is None:
        raise invalid("no_file", _("This material exists on paper only."), "material_id")
    if not 1 <= args.page <= material.current.page_count:
        raise invalid("invalid_page", _("The material has %(count)d pages.", count=material.current.page_count),
                      "page")
    state.presented_material_id = material.id
    state.presented_page = args.page
    state.presenter_id = actor.id


def stop_presenting(meeting: Meeting, state: LiveState, actor: User, args: schemas.NoArgs) -> None:
    _require_session(state)
    state.presented_material_id = state.presented_page = state.presenter_id = None


# --- dispatch ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    action: Action
    args: type[BaseModel]
    apply: Callable[[Meeting, LiveState, User, Any], None]
    kind: str
    keys: tuple[str, ...]


TIMER = ("status", "started_at", "ended_at", "item")
ACTIONS: dict[str, Spec] = {
    "start": Spec(Action.RUN_LIVE, schemas.Start, start, "status", TIMER),
    "pause": Spec(Action.RUN_LIVE, schemas.NoArgs, pause, "status", TIMER),
    "resume": Spec(Action.RUN_LIVE, schemas.NoArgs, resume, "status", TIMER),
    "end": Spec(Action.RUN_LIVE, schemas.NoArgs, end, "status", (*TIMER, "speakers", "presentation")),
    "goto_item": Spec(Action.RUN_LIVE, schemas.GotoItem, goto_item, "item", ("item", "speakers")),
    "next_item": Spec(Action.RUN_LIVE, schemas.NoArgs, next_item, "item", ("item", "speakers")),
    "previous_item": Spec(Action.RUN_LIVE, schemas.NoArgs, previous_item, "item", ("item", "speakers")),
    "check_in_for": Spec(Action.RUN_LIVE, schemas.CheckInFor, check_in_for, "attendance", ("attendance",)),
    "check_out_for": Spec(Action.RUN_LIVE, schemas.CheckOutFor, check_out_for, "attendance", ("attendance",)),
    "order_speakers": Spec(Action.RUN_LIVE, schemas.OrderSpeakers, order_speakers, "speakers", ("speakers",)),
    "give_floor": Spec(Action.RUN_LIVE, schemas.GiveFloor, give_floor, "speakers", ("speakers",)),
    "end_floor": Spec(Action.RUN_LIVE, schemas.NoArgs, end_floor, "speakers", ("speakers",)),
    "open_vote": Spec(Action.RUN_LIVE, schemas.OpenVote, open_vote, "vote", ("vote",)),
    "close_vote": Spec(Action.RUN_LIVE, schemas.NoArgs, close_vote, "vote", ("vote",)),
    "check_in": Spec(Action.TAKE_PART_LIVE, schemas.NoArgs, check_in, "attendance", ("attendance",)),
    "request_floor": Spec(Action.TAKE_PART_LIVE, schemas.NoArgs, request_floor, "speakers", ("speakers",)),
    "withdraw_floor": Spec(Action.TAKE_PART_LIVE, schemas.NoArgs, withdraw_floor, "speakers", ("speakers",)),
    "cast_vote": Spec(Action.TAKE_PART_LIVE, schemas.CastVote, cast_vote, "vote", ("vote",)),
    "present": Spec(Action.PRESENT_LIVE, schemas.Present, present, "presentation", ("presentation",)),
    "stop_presenting": Spec(Action.PRESENT_LIVE, schemas.NoArgs, stop_presenting, "presentation",
                            ("presentation",)),
}


def parse_args(spec: Spec, args: Any) -> BaseModel:
    try:
        return spec.args.model_validate(args if args is not None else {}, strict=True)
    except ValidationError as exc:
        raise DomainError("validation_error", _("Some fields are missing or invalid."), "args", 422,
                          validation_details(exc)) from None
