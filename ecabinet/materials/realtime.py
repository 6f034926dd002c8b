"""Live updates of materials over Socket.IO, sent only after the commit, to each reader's own room."""

from __future__ import annotations

import logging

from ecabinet.core.extensions import socketio, user_room
from ecabinet.materials.models import Material
from ecabinet.materials.publishing import Announcement
from ecabinet.notify import operations as notify

log = logging.getLogger(__name__)


def _emit(event: str, payload: dict, announcement: Announcement) -> None:
    notify.push(announcement.notifications)
    try:
        for user_id in announcement.user_ids:
            socketio.emit(event, payload, to=user_room(user_id))
    except Exception:  # the change is saved; readers see it on their next page load
        log.exception("could not emit %s", event)


def materials_published(meeting_id: int, announcement: Announcement) -> None:
    _emit("materials_published", {"meeting_id": meeting_id}, announcement)


def material_updated(material: Material, announcement: Announcement) -> None:
    """Readers' pages mark the material as updated without a reload."""
    _emit("material_updated", {"meeting_id": material.meeting_id, "material_id": material.id,
                               "version": material.current.number, "title": material.title}, announcement)
