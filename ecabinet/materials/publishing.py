"""Publishing materials to a meeting's participants, and read receipts.

Until the secretariat publishes them, materials are seen only by the secretariat and the agency
that submitted them (``policy._view_material``). Publishing makes every pending material of the
meeting readable at once and tells the participants; a new version of a published material is
announced to those who may read it. Each notice goes only to people who may read at least one of
the materials concerned, so a confidential material's existence leaks to nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ecabinet.accounts.models import User
from ecabinet.core.aftercommit import after_commit
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db, upsert_insert
from ecabinet.core.exceptions import DomainError
from ecabinet.materials import packs, realtime
from ecabinet.materials.models import Material, MaterialPublication, MaterialRead, MaterialVersion
from ecabinet.materials.operations import materials_of
from ecabinet.meetings.models import Meeting, MeetingStatus
from ecabinet.meetings.notices import recipients
from ecabinet.notify import operations as notify
from ecabinet.policy import Action, allowed


def participants(meeting: Meeting) -> list[User]:
    """Everyone the meeting concerns, plus the named readers of its confidential materials."""
    ids = recipients(meeting)
    for material in materials_of(meeting):
        ids.update(reader.id for reader in material.readers)
    return list(db.session.scalars(sa.select(User).where(User.id.in_(ids), User.active.is_(True))
                                   .order_by(User.id)))


def _who_may_read(people: Iterable[User], materials: list[Material]) -> list[User]:
    return [u for u in people if any(allowed(u, Action.VIEW_MATERIAL, m) for m in materials)]


def unpublished(meeting: Meeting) -> list[Material]:
    return [m for m in materials_of(meeting) if m.publication_id is None]


def publish(meeting: Meeting, actor: User, note: str = "") -> MaterialPublication:
    """Publish every pending material of the meeting to its participants, who are told (also live, after the
    commit); the caller commits."""
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED):
        raise DomainError("meeting_not_running", _("The meeting is cancelled or postponed: nothing to publish."),
                          status=409)
    pending = unpublished(meeting)
    if not pending:
        raise DomainError("nothing_to_publish", _("Every material of this meeting is already published."),
                          status=409)
    publication = MaterialPublication(meeting_id=meeting.id, published_by_id=actor.id, note=note)
    db.session.add(publication)
    for material in pending:
        material.publication = publication
    db.session.flush()
    readers = [u for u in _who_may_read(participants(meeting), pending) if u.id != actor.id]
    body = "\n".join(filter(None, [meeting.title, note]))
    reader_ids = [u.id for u in readers]
    notify.notify(f"material-publication:{publication.id}", reader_ids, notify.Message(
        kind="material.published", subject=_("Materials published: %(title)s", title=meeting.title), body=body,
        link=f"/meetings/{meeting.id}/agenda"))
    packs.queue_for(meeting, readers)
    after_commit(lambda: realtime.materials_published(meeting.id, reader_ids))
    return publication


def announce_version(material: Material, version: MaterialVersion, actor: User) -> None:
    """Tell the readers of a published material that it has a new version (also live, after the commit); the
    caller commits."""
    if not material.published:
        return
    readers = [u for u in _who_may_read(participants(material.meeting), [material]) if u.id != actor.id]
    reader_ids = [u.id for u in readers]
    notify.notify(f"material-version:{version.id}", reader_ids, notify.Message(
        kind="material.updated", subject=_("Material updated: %(title)s", title=material.title),
        body=_("Version %(number)d of “%(title)s” for the meeting “%(meeting)s”.", number=version.number,
               title=material.title, meeting=material.meeting.title),
        link=f"/materials/{material.id}/read"))
    packs.queue_for(material.meeting, readers)
    after_commit(lambda: realtime.material_updated(material, reader_ids))


# --- read receipts ---------------------------------------------------------------------------------

def record_reads(materials: Iterable[Material], reader: User, now: datetime | None = None) -> None:
    """``reader`` opened these materials (their current versions); the caller commits."""
    now = now or utcnow()
    rows = [{"material_id": m.id, "user_id": reader.id, "first_read_at": now, "last_read_at": now,
             "version_number": m.current.number} for m in materials if m.current is not None]
    if not rows:
        return
    statement = upsert_insert(MaterialRead.__table__).values(rows)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["material_id", "user_id"],
        set_={"last_read_at": statement.excluded.last_read_at, "version_number": statement.excluded.version_number}))


OPENING = timedelta(minutes=5)
"""How long after a reader received a material's current version the pieces it fetches (HTTP ranges: pdf.js
loads a file in pieces beside the whole) belong to that same reading."""


def reading_in_progress(material: Material, reader: User, now: datetime | None = None) -> bool:
    """Did ``reader`` receive the current version of ``material`` less than ``OPENING`` ago?"""
    read = db.session.get(MaterialRead, (material.id, reader.id))
    return (read is not None and material.current is not None and read.version_number == material.current.number
            and read.last_read_at >= (now or utcnow()) - OPENING)


@dataclass(frozen=True)
class ReadState:
    user: User
    material: Material
    read: MaterialRead | None

    @property
    def state(self) -> str:
        """``read``, ``old_version`` (opened before the last update) or ``unread``."""
        if self.read is None:
            return "unread"
        return "read" if self.read.version_number >= self.material.current.number else "old_version"


@dataclass(frozen=True)
class ReadReport:
    materials: list[Material]
    people: list[User]
    cells: dict[tuple[int, int], ReadState]
    """(user id, material id) → state, for the materials each person may read."""

    def not_read_by(self, user: User) -> list[Material]:
        return [m for m in self.materials
                if (cell := self.cells.get((user.id, m.id))) is not None and cell.state != "read"]

    def not_read(self, material: Material) -> list[User]:
        return [u for u in self.people
                if (cell := self.cells.get((u.id, material.id))) is not None and cell.state != "read"]


def read_report(meeting: Meeting, viewer: User) -> ReadReport:
    """Who has opened which published material, for the secretariat ("chưa đọc"): only the materials ``viewer``
    may read, so a confidential one stays unknown to those who are not its readers."""
    materials = [m for m in materials_of(meeting, visible_to=viewer) if m.published and m.current is not None]
    people = [u for u in participants(meeting)
              if u.id != meeting.secretary_id and any(allowed(u, Action.VIEW_MATERIAL, m) for m in materials)]
    reads = {(r.user_id, r.material_id): r for r in db.session.scalars(
        sa.select(MaterialRead).where(MaterialRead.material_id.in_([m.id for m in materials])))}
    cells = {(u.id, m.id): ReadState(u, m, reads.get((u.id, m.id)))
             for u in people for m in materials if allowed(u, Action.VIEW_MATERIAL, m)}
    return ReadReport(materials, people, cells)
