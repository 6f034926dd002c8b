"""The conclusions as they are written, sent to the running meeting's live console after each commit."""

from __future__ import annotations

from ecabinet.conclusions.schemas import ConclusionsOut
from ecabinet.core.extensions import socketio
from ecabinet.live.realtime import console_room
from ecabinet.meetings.models import Meeting

CHANGED_EVENT = "conclusions:changed"


def announce(meeting: Meeting, snapshot: dict) -> None:
    """Only the console (chair and secretary) gets them: a draft conclusion is not for every tablet in the room."""
    payload = ConclusionsOut.model_validate(snapshot).model_dump(mode="json")
    socketio.emit(CHANGED_EVENT, payload, to=console_room(meeting.id))
    socketio.sleep(0)  # under gevent the emit only queues: let it go out before the request ends
