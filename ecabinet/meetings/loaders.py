"""The meeting a page or an API call names, loaded the same way by every domain."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ecabinet.core.db import db
from ecabinet.meetings.models import Meeting
from ecabinet.policy import Action, allowed


def load_meeting(meeting_id: int) -> Meeting:
    """A meeting the user may see; one they may not is a 404, exactly like a missing one (a page, or the
    API's JSON ``not_found`` error under /api)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not allowed(current_user, Action.VIEW_MEETING, meeting):
        abort(404)
    return meeting
