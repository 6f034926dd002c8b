"""JSON API of the live room: the snapshot, one's own place in it, and the actions (same as over Socket.IO)."""

from __future__ import annotations

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from flask_login import current_user

from ecabinet.core.api import route
from ecabinet.core.db import db
from ecabinet.live import models  # noqa: F401  (the tables are known to the app and migrations)
from ecabinet.live import actions
from ecabinet.live import operations as ops
from ecabinet.live.schemas import ActionIn, ActionOut, Me, Snapshot
from ecabinet.live.snapshot import snapshot
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.loaders import load_meeting
from ecabinet.policy import Action, require

bp = Blueprint("live_api", __name__)


@bp.record_once
def _take_part_in_undoing_a_start(state: BlueprintSetupState) -> None:
    meetings.install_start_undoer(state.app, "live", actions.undo_start)


@route(bp, "/meetings/<int:meeting_id>/live", summary="The live room's snapshot", response=Snapshot)
def get_snapshot(meeting_id: int):
    """What every follower's tablet shows; its ``version`` is the one ``live:change`` events continue from."""
    meeting = load_meeting(meeting_id)
    require(current_user, Action.FOLLOW_LIVE, meeting)
    result = snapshot(meeting)
    db.session.commit()  # the state row is made on first use
    return result


@route(bp, "/meetings/<int:meeting_id>/live/me", summary="One's own place in the live room", response=Me)
def get_me(meeting_id: int):
    """The seats the user holds, which of them voted in the open vote, its request to speak, what it may run."""
    meeting = load_meeting(meeting_id)
    require(current_user, Action.FOLLOW_LIVE, meeting)
    result = ops.personal(meeting, current_user)
    db.session.commit()
    return result


@route(bp, "/meetings/<int:meeting_id>/live/actions", method="POST", summary="Act in the live room",
       body=ActionIn, response=ActionOut)
def act(meeting_id: int, body: ActionIn):
    """The actions of docs/realtime.md ("The live room"); every follower hears the change as ``live:change``.
    409 for the wrong state (``not_running``, ``vote_open``, ``vote_closed``, ``already_voted``…)."""
    meeting = load_meeting(meeting_id)
    change = actions.perform(meeting, current_user, body.action, body.args)
    db.session.commit()  # broadcasts the change to the tablets first; the full snapshot for the caller after
    return {"version": change.version, "snapshot": snapshot(meeting)}
