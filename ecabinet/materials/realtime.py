"""Live updates of materials over Socket.IO, sent only after the commit, to each reader's own room."""

from __future__ import annotations

import logging

from ecabinet.core.extensions import socketio, user_room
from ecabinet.materials.models import Material

log = logging.getLogger(__name__)


def _emit(event: str, payload: dict, user_ids: list[int]) -> None:
    try:
        for user_id in user_ids:
            socketio.emit(event, payload, to=user_room(user_id))
    except Exception:  # the change is saved; readers see it on their next page load
        log.exception("could not emit %s", event)


def materials_published(meeting_id: int, user_ids: list[int]) -> None:
    _emit("materials_published", {"meeting_id": meeting_id}, user_ids)


def material_updated(material: Material, user_ids: list[int]) -> None:
    """Readers' pages mark the material as updated without a reload."""
    _emit("material_updated", {"meeting_id": material.meeting_id, "material_id": material.id,
                               "version": material.current.number, "title": material.title}, user_ids)
