"""Who sees which material requests, and the meeting their pages and API name.

The secretariat sees every request; an agency's liaison sees only its own agency's requests, and the meetings
its agency is asked for materials of (possibly not invited to them).
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ecabinet.core.db import db
from ecabinet.materials.models import MaterialRequest
from ecabinet.materials.requests import operations as ops
from ecabinet.meetings.models import Meeting
from ecabinet.policy import Action, allowed


def visible_units(user) -> list[int] | None:
    """The agencies whose requests ``user`` sees: ``None`` for all (the secretariat), else its own agency if it
    may act for it, else none."""
    if allowed(user, Action.SECRETARIAT_WORK):
        return None
    return [user.unit_id] if allowed(user, Action.ACT_FOR_UNIT, user.unit) else []


def may_see_meeting(user, meeting: Meeting | None) -> bool:
    """The meeting itself, or an agency asked for its materials (possibly not invited to it)."""
    if meeting is None:
        return False
    if allowed(user, Action.VIEW_MEETING, meeting):
        return True
    units = visible_units(user)
    return bool(units) and ops.requested_from(meeting, units[0])


def may_see_request(user, request: MaterialRequest) -> bool:
    units = visible_units(user)
    return (units is None or request.unit_id in units) and may_see_meeting(user, request.meeting)


def load_meeting(meeting_id: int) -> Meeting:
    """The meeting, if the user may see it or its requests; else a 404, exactly like a missing one."""
    meeting = db.session.get(Meeting, meeting_id)
    if not may_see_meeting(current_user, meeting):
        abort(404)
    return meeting
