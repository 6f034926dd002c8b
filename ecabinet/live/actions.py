"""An action of the console or of a tablet in the live room: checked, applied and described for the broadcast."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ecabinet.accounts.models import User
from ecabinet.core.aftercommit import after_commit
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.live import operations as ops
from ecabinet.live import realtime
from ecabinet.live.snapshot import parts
from ecabinet.meetings.models import Meeting
from ecabinet.policy import require


def perform(meeting: Meeting, actor: User, action: Any, args: Any) -> ops.Change:
    """Check ``actor`` may do ``action``, apply it and describe the change, which is broadcast after the caller's
    commit (the parts that changed, read now: a follower asks for the whole snapshot after)."""
    spec = ops.ACTIONS.get(action) if isinstance(action, str) else None
    if spec is None:
        raise ops.invalid("unknown_action", _("Unknown live action."), "action")
    require(actor, spec.action, meeting)
    parsed = ops.parse_args(spec, args)
    state = ops.lock_state(meeting)
    spec.apply(meeting, state, actor, parsed)
    db.session.flush()
    data = {"version": state.version, **parts(meeting, state, spec.keys)}
    vote = ops.open_vote_of(meeting.id) if action == "cast_vote" else None
    change = ops.Change(meeting.id, state.version, spec.kind, data, ops.tally(vote) if vote else None)
    after_commit(lambda: realtime.broadcast(change))
    return change



def undo_start(meeting: Meeting) -> None:
    """The live room's part in undoing an accidental start (``meetings.install_start_undoer``): refused once a
    vote was opened or someone was given the floor; else the room is back to not started, and every follower
    hears it."""
    if ops.recorded_in_session(meeting.id):
        raise DomainError("undo_refused", _("Votes or speeches are already recorded in this meeting: its start "
                                            "cannot be undone."), "status", 409)
    state = ops.lock_state(meeting)
    ops.reset(state)
    db.session.flush()
    change = ops.Change(meeting.id, state.version, "status", {"version": state.version,
                                                               **parts(meeting, state, ops.TIMER)})
    after_commit(lambda: realtime.broadcast(change))
