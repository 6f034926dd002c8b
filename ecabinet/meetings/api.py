"""JSON API of meetings: scheduling, changes, invitations, rooms and kinds."""

from __future__ import annotations


from flask import Blueprint
from flask_login import current_user

from ecabinet.core.api import load_or_404, route
from ecabinet.core.clock import day_bounds
from ecabinet.core.db import db
from ecabinet.meetings import notices
from ecabinet.meetings import operations as ops
from ecabinet.meetings.loaders import load_meeting
from ecabinet.meetings.models import ChangeKind, Invitation, MeetingKind, Room
from ecabinet.meetings.schemas import (InvitationAnswer, InvitationOut, KindIn, KindOut, MeetingCreate, MeetingOut,
                                       MeetingPage, MeetingQuery, MeetingUpdate, RoomIn, RoomOut, StatusChange)
from ecabinet.policy import Action, allowed, meeting_visibility, require
from ecabinet.meetings import letters

bp = Blueprint("meetings_api", __name__)

ACTIONS = {"publish": ChangeKind.PUBLISHED, "postpone": ChangeKind.POSTPONED, "cancel": ChangeKind.CANCELLED,
           "start": ChangeKind.STARTED, "undo_start": ChangeKind.START_UNDONE, "end": ChangeKind.ENDED,
           "close": ChangeKind.CLOSED}


def clash_policy(body) -> ops.ClashPolicy:
    return ops.ClashPolicy(override_room=body.override_room_conflict, confirm_people=body.confirm_person_conflicts,
                           may_override_room=allowed(current_user, Action.OVERRIDE_ROOM_CONFLICT))


@route(bp, "/meetings", summary="List meetings", query=MeetingQuery, response=MeetingPage)
def list_meetings(query: MeetingQuery):
    """Meetings the user may see, in a period of local days, by leader, agency or kind; ``mine`` for one's own.
    In order of start, ``per_page`` a page (at most 500); ``total`` counts every match, so read the following
    pages until ``page * per_page >= total``."""
    starts_from, starts_before = day_bounds(query.start, query.end)
    meetings, total = ops.meetings_page(ops.MeetingFilter(
        starts_from=starts_from, starts_before=starts_before, leader_id=query.leader_id, unit_id=query.unit_id,
        kind_id=query.kind_id, involving_user_id=current_user.id if query.mine else None),
        meeting_visibility(current_user), query.page, query.per_page)
    return {"items": meetings, "total": total, "page": query.page, "per_page": query.per_page}


@route(bp, "/meetings", method="POST", summary="Schedule a meeting (or a recurring series)", body=MeetingCreate,
       response=list[MeetingOut], status=201)
def create_meeting(body: MeetingCreate):
    """Returns every occurrence created. A room clash is a 409 ``room_conflict`` (office leaders may set
    ``override_room_conflict``); a leader's clash is a 409 ``person_conflict`` until ``confirm_person_conflicts``."""
    require(current_user, Action.MANAGE_MEETINGS)
    data = ops.MeetingData(**body.model_dump(exclude={"recurrence", "confirm_person_conflicts",
                                                      "override_room_conflict"}))
    meetings = ops.create_meeting(data, current_user, clash_policy(body), body.recurrence)
    db.session.commit()
    return meetings


@route(bp, "/meetings/<int:meeting_id>", summary="One meeting with invitations and history", response=MeetingOut)
def get_meeting(meeting_id: int):
    return load_meeting(meeting_id)


@route(bp, "/meetings/<int:meeting_id>", method="PATCH", summary="Change, reschedule or move a meeting",
       body=MeetingUpdate, response=MeetingOut)
def update_meeting(meeting_id: int, body: MeetingUpdate):
    """Send the ``version`` you edited; a newer one on the server is a 409 ``version_conflict``. A new time is
    recorded as a reschedule, a new room/link/place as a venue change, and every invitee is told once."""
    meeting = load_meeting(meeting_id)
    require(current_user, Action.MANAGE_MEETINGS)
    changes = body.model_dump(exclude_unset=True,
                              exclude={"version", "reason", "confirm_person_conflicts", "override_room_conflict"})
    recorded = ops.update_meeting(meeting, body.version, changes, current_user, clash_policy(body), body.reason)
    notices.announce(meeting, recorded)
    db.session.commit()
    return meeting


@route(bp, "/meetings/<int:meeting_id>/status", method="POST", summary="Publish, postpone, cancel, start, end, close",
       body=StatusChange, response=MeetingOut)
def change_status(meeting_id: int, body: StatusChange):
    """Publishing sends the invitation letter (giấy mời) to everyone invited; postponing and cancelling need
    a ``reason`` and are announced to every invitee. Starting on another day than scheduled, or further than
    ``MEETING_START_REASON_HOURS`` from its time, needs a ``reason`` (422 ``start_reason_required``);
    ``undo_start`` (with a ``reason``) puts an accidental start back within ``MEETING_UNDO_START_MINUTES``
    while nothing was voted, said or concluded in it (409 ``undo_too_late``, ``undo_refused``)."""
    meeting = load_meeting(meeting_id)
    require(current_user, Action.MANAGE_MEETINGS)
    change = ops.change_status(meeting, body.version, ACTIONS[body.action], current_user, body.reason)
    notices.announce(meeting, [change])
    db.session.commit()
    return meeting


@route(bp, "/meetings/<int:meeting_id>/letter.pdf", summary="The invitation letter (giấy mời) as PDF")
def invitation_letter(meeting_id: int):

    return letters.pdf_response(load_meeting(meeting_id))


@route(bp, "/invitations/<int:invitation_id>", method="POST", summary="Answer an invitation",
       body=InvitationAnswer, response=InvitationOut)
def answer_invitation(invitation_id: int, body: InvitationAnswer):
    """Attending; absent with a ``reason``; or delegated to ``delegate_id``. An agency names its ``attendee_id``."""
    invitation = load_or_404(Invitation, invitation_id,
                             lambda i: allowed(current_user, Action.VIEW_MEETING, i.meeting))
    require(current_user, Action.ANSWER_INVITATION, invitation)
    ops.answer_invitation(invitation, current_user, body.response, reason=body.reason,
                          delegate_id=body.delegate_id, attendee_id=body.attendee_id)
    db.session.commit()
    return invitation


# --- rooms and kinds -------------------------------------------------------------------------

@route(bp, "/rooms", summary="Rooms", response=list[RoomOut])
def list_rooms():
    return ops.rooms(active_only=False)


@route(bp, "/rooms", method="POST", summary="Add a room", body=RoomIn, response=RoomOut, status=201)
def create_room(body: RoomIn):
    require(current_user, Action.MANAGE_ROOMS)
    room = ops.save_room(None, body.model_dump())
    db.session.commit()
    return room


@route(bp, "/rooms/<int:room_id>", method="PUT", summary="Change a room", body=RoomIn, response=RoomOut)
def update_room(room_id: int, body: RoomIn):
    room = load_or_404(Room, room_id)
    require(current_user, Action.MANAGE_ROOMS)
    ops.save_room(room, body.model_dump())
    db.session.commit()
    return room


@route(bp, "/meeting-kinds", summary="Kinds of meeting", response=list[KindOut])
def list_kinds():
    return ops.kinds(active_only=False)


@route(bp, "/meeting-kinds", method="POST", summary="Add a kind of meeting", body=KindIn, response=KindOut,
       status=201)
def create_kind(body: KindIn):
    require(current_user, Action.MANAGE_ROOMS)
    kind = ops.save_kind(None, body.model_dump())
    db.session.commit()
    return kind


@route(bp, "/meeting-kinds/<int:kind_id>", method="PUT", summary="Change a kind of meeting", body=KindIn,
       response=KindOut)
def update_kind(kind_id: int, body: KindIn):
    kind = load_or_404(MeetingKind, kind_id)
    require(current_user, Action.MANAGE_ROOMS)
    ops.save_kind(kind, body.model_dump())
    db.session.commit()
    return kind
