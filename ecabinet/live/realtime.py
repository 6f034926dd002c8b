"""Broadcasts of the live room, sent only after the commit of the change they announce."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecabinet.core.extensions import socketio

if TYPE_CHECKING:  # the operations register the broadcast: they import this module
    from ecabinet.live.operations import Change


def meeting_room(meeting_id: int) -> str:
    """Every follower of the meeting."""
    return f"meeting:{meeting_id}"


def console_room(meeting_id: int) -> str:
    """Those allowed to run the meeting: they alone see the running tally."""
    return f"meeting:{meeting_id}:console"


def joined_meetings(rooms: list[str]) -> set[int]:
    """The meetings whose live room is among a connection's ``rooms``."""
    return {int(room.removeprefix("meeting:")) for room in rooms
            if room.startswith("meeting:") and room.removeprefix("meeting:").isdigit()}


def broadcast(change: Change) -> None:
    socketio.emit("live:change", {"meeting_id": change.meeting_id, "version": change.version, "kind": change.kind,
                                  "data": change.data}, to=meeting_room(change.meeting_id))
    if change.tally is not None:
        socketio.emit("live:tally", change.tally, to=console_room(change.meeting_id))
    socketio.sleep(0)  # under gevent the emits only queue: let the sending run before the caller goes on


def resend_here(snapshot: dict[str, Any], tally: dict[str, Any] | None) -> None:
    """The whole state as one ``live:change`` of kind ``snapshot`` (and the open vote's tally), to this process's
    followers only: after missed messages each process resends to its own."""
    meeting_id = snapshot["meeting_id"]
    socketio.emit("live:change", {"meeting_id": meeting_id, "version": snapshot["version"], "kind": "snapshot",
                                  "data": snapshot}, to=meeting_room(meeting_id), ignore_queue=True)
    if tally is not None:
        socketio.emit("live:tally", tally, to=console_room(meeting_id), ignore_queue=True)
