"""Live updates of meetings over Socket.IO, sent only after the commit."""

from __future__ import annotations

from ecabinet.core.extensions import socketio, user_room
from ecabinet.meetings.models import Invitation


def invitation_answered(invitation: Invitation) -> None:
    """The secretariat sees answers as they come: the meeting's secretary and its creator are told."""
    meeting = invitation.meeting
    payload = {
        "meeting_id": meeting.id, "invitation_id": invitation.id, "response": invitation.response.value,
        "absence_reason": invitation.absence_reason,
        "delegate": invitation.delegate.full_name if invitation.delegate else None,
        "attendee": invitation.attendee.full_name if invitation.attendee else None,
    }
    for user_id in {meeting.secretary_id, meeting.created_by_id} - {None}:
        socketio.emit("invitation_answered", payload, to=user_room(user_id))
