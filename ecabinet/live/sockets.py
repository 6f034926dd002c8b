"""Socket.IO handlers of the live room (imported before socketio.init_app).

Every event answers through its ack: ``{"ok": true, …}`` or ``{"ok": false, "error": {code, message}}``; a bad
payload or a refused right is an error ack, never an exception. The user is the one whose ``user:<id>`` room
the connection joined when it was accepted; its rights are checked again at every event.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_socketio import emit, join_room, leave_room, rooms
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from ecabinet.accounts.models import User
from ecabinet.accounts.sessions import credential_is_live
from ecabinet.core import broker, connections
from ecabinet.core.context import set_actor
from ecabinet.core.db import db
from ecabinet.core.errors import DATABASE_UNAVAILABLE, database_unavailable_message
from ecabinet.core.exceptions import DomainError
from ecabinet.core.extensions import socketio
from ecabinet.live import actions
from ecabinet.live import operations as ops
from ecabinet.live import realtime
from ecabinet.live.schemas import ActionEvent, MeetingEvent
from ecabinet.live.snapshot import shared_snapshot, snapshot
from ecabinet.materials.models import MaterialRequest
from ecabinet.meetings.models import Invitation, Meeting
from ecabinet.policy import Action, PermissionDenied, allowed

log = logging.getLogger(__name__)
P = TypeVar("P", bound=BaseModel)


class Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _user() -> User:
    """The connection's user, while the session or token it connected with is live."""
    credential = connections.credential_of(request.sid)
    live = credential is not None and credential_is_live(credential)
    user = db.session.get(User, credential.user_id) if live else None
    if user is None:
        raise Refused("unauthenticated", _("Sign in first."))
    set_actor(user)
    return user


def _parsed(schema: type[P], payload: Any) -> P:
    """Every event's payload checked against its schema, as the API checks a body: types, ids in range, texts
    bounded, no unknown keys."""
    try:
        return schema.model_validate(payload, strict=True)
    except ValidationError:
        raise Refused("validation_error", _("The event's data are missing or invalid: send the meeting_id as a "
                                            "number.")) from None


def _meeting(meeting_id: int, user: User) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    _check_follows(user, meeting)
    return meeting


def _check_follows(user: User | None, meeting: Meeting | None) -> None:
    if meeting is None or not allowed(user, Action.VIEW_MEETING, meeting):
        raise Refused("not_found", _("Not found."))
    if not allowed(user, Action.FOLLOW_LIVE, meeting):
        raise Refused("forbidden", _("You may not follow this meeting."))


def _failure(code: str, message: str) -> dict[str, Any]:
    return {"ok": False, "error": {"code": code, "message": message}}


def _answer(work) -> dict[str, Any]:
    """Run ``work`` and turn every refusal into an error ack; the transaction is rolled back on any error."""
    try:
        return work()
    except Refused as exc:
        db.session.rollback()
        return _failure(exc.code, exc.message)
    except DomainError as exc:
        db.session.rollback()
        return _failure(exc.code, exc.message)
    except PermissionDenied:
        db.session.rollback()
        return _failure("forbidden", _("You are not allowed to do this."))
    except DATABASE_UNAVAILABLE as exc:
        db.session.rollback()
        log.error("database unavailable on live event %s: %s", request.event["message"], exc)
        return _failure("database_unavailable", database_unavailable_message())
    except Exception:
        db.session.rollback()
        log.exception("live event failed")
        return _failure("internal_error", _("Something went wrong on the server."))


def _follows(payload: Any) -> tuple[int, bool]:
    """The meeting the connection's user may follow (else ``Refused``), and whether it may run it; decided once
    per credential and meeting while access stays as it was (``connections.remembered``)."""
    credential = connections.credential_of(request.sid)
    if credential is None:
        raise Refused("unauthenticated", _("Sign in first."))
    meeting_id = _parsed(MeetingEvent, payload).meeting_id

    def runs() -> bool:
        user = _user()
        return allowed(user, Action.RUN_LIVE, _meeting(meeting_id, user))

    return meeting_id, connections.remembered(("live:follows", credential, meeting_id), runs)


@socketio.on("live:join")
def live_join(payload: Any = None) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        meeting_id, runs = _follows(payload)
        result = shared_snapshot(meeting_id)
        db.session.commit()
        join_room(realtime.meeting_room(meeting_id))
        if not runs:
            return {"ok": True, "snapshot": result}
        join_room(realtime.console_room(meeting_id))
        vote = ops.open_vote_of(meeting_id)  # a console joining mid-vote gets the running tally at once
        return {"ok": True, "snapshot": result, "tally": ops.tally(vote) if vote is not None else None}

    answer = _answer(work)
    if not answer["ok"]:
        meeting_id = payload.get("meeting_id") if isinstance(payload, dict) else None
        emit("live:error", {"meeting_id": meeting_id, **answer["error"]})
    return answer


def _leave(meeting_id: int) -> None:
    leave_room(realtime.meeting_room(meeting_id))
    leave_room(realtime.console_room(meeting_id))


@socketio.on("live:leave")
def live_leave(payload: Any = None) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        _leave(_parsed(MeetingEvent, payload).meeting_id)
        return {"ok": True}

    return _answer(work)


def _joined(meeting: Meeting) -> None:
    if realtime.meeting_room(meeting.id) not in rooms():
        raise Refused("not_joined", _("Join the meeting's live room first."))


@socketio.on("live:snapshot")
def live_snapshot(payload: Any = None) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        user = _user()
        meeting_id = _parsed(MeetingEvent, payload).meeting_id
        try:
            meeting = _meeting(meeting_id, user)
        except Refused:
            _leave(meeting_id)
            raise
        _joined(meeting)
        result = snapshot(meeting)
        db.session.commit()
        return {"ok": True, "snapshot": result}

    return _answer(work)


@socketio.on("live:action")
def live_action(payload: Any = None) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        user = _user()
        event = _parsed(ActionEvent, payload)
        change = actions.perform(_meeting(event.meeting_id, user), user, event.action, event.args)
        db.session.commit()
        return {"ok": True, "version": change.version}

    return _answer(work)


# --- access that ends while joined ---------------------------------------------------------------

@connections.connection_check
def leave_meetings_no_longer_followed(sids: list[str]) -> None:
    """Makes the connections leave the live rooms their users may no longer follow (told by ``live:error``),
    and the console rooms of the meetings they may no longer run."""
    joined = {sid: realtime.joined_meetings(socketio.server.rooms(sid, namespace=connections.NAMESPACE))
              for sid in sids}
    joined = {sid: meeting_ids for sid, meeting_ids in joined.items() if meeting_ids}
    owners = {sid: connections.credential_of(sid) for sid in joined}
    users = _by_id(User, {credential.user_id for credential in owners.values() if credential is not None})
    meetings = _by_id(Meeting, set().union(*joined.values()))
    verdicts: dict[tuple[int | None, int], Refused | bool] = {}  # thousands of sockets, a few users
    for sid, meeting_ids in joined.items():
        user = users.get(owners[sid].user_id) if owners[sid] is not None else None
        for meeting_id in meeting_ids:
            key = (user.id if user is not None else None, meeting_id)
            if key not in verdicts:
                verdicts[key] = _verdict(user, meetings.get(meeting_id))
            _apply(sid, meeting_id, verdicts[key])


def _by_id(model: type, ids: set[int]) -> dict[int, Any]:
    return {row.id: row for row in db.session.scalars(sa.select(model).where(model.id.in_(ids)))} if ids else {}


def _verdict(user: User | None, meeting: Meeting | None) -> Refused | bool:
    """Why the user may no longer follow the meeting, else whether it may still run it."""
    locale = user.locale.value if user is not None else current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):  # the user's language, not that of whoever changed its rights
        try:
            _check_follows(user, meeting)
        except Refused as refused:
            return refused
    return allowed(user, Action.RUN_LIVE, meeting)


def _apply(sid: str, meeting_id: int, verdict: Refused | bool) -> None:
    if isinstance(verdict, Refused):
        for room in (realtime.meeting_room(meeting_id), realtime.console_room(meeting_id)):
            socketio.server.leave_room(sid, room, namespace=connections.NAMESPACE)
        socketio.emit("live:error", {"meeting_id": meeting_id, "code": verdict.code, "message": verdict.message},
                      to=sid)
    elif not verdict:
        socketio.server.leave_room(sid, realtime.console_room(meeting_id), namespace=connections.NAMESPACE)


@broker.when_messages_missed
def resend_snapshots(rooms: list[str]) -> None:
    """Changes may not have reached this process (Redis was away): every meeting followed here is sent again."""
    for meeting_id in realtime.joined_meetings(rooms):
        meeting = db.session.get(Meeting, meeting_id)
        if meeting is None:
            continue
        vote = ops.open_vote_of(meeting.id)
        realtime.resend_here(snapshot(meeting), ops.tally(vote) if vote is not None else None)
        db.session.commit()


ACCESS_MODELS = (Meeting, Invitation, MaterialRequest)
"""Rows whose change may change who follows or runs a meeting: the connections in its rooms are checked again."""


@sa.event.listens_for(Session, "after_flush")
def _recheck_changed_meetings(session: Session, flush_context: Any) -> None:
    meetings = {row.id if isinstance(row, Meeting) else row.meeting_id
                for row in connections.flushed_changes(session, ACCESS_MODELS)}
    connections.recheck_after_commit(room for meeting_id in meetings if meeting_id is not None
                                     for room in (realtime.meeting_room(meeting_id), realtime.console_room(meeting_id)))
