"""Clash detection: a room or a leader booked twice at the same time.

A room clash is refused unless an office leader overrides it; a person's clash is a warning
that the user must confirm. Occurrences of a series are ordinary meetings, so they clash too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ecabinet.accounts.models import Role, User, UserRole
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.meetings.models import OCCUPYING_STATUSES, Invitation, Meeting, Response


@dataclass(frozen=True)
class Conflict:
    kind: str  # "room" or "person"
    meeting_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    user_id: int | None = None
    user_name: str | None = None

    def as_detail(self) -> dict:
        detail = asdict(self)
        detail["starts_at"] = self.starts_at.isoformat()
        detail["ends_at"] = self.ends_at.isoformat()
        return {"field": "room_id" if self.kind == "room" else "people", "type": f"{self.kind}_conflict",
                "message": self.title, "conflict": detail}


@dataclass(frozen=True)
class Slot:
    """What a meeting would occupy: a period, a room, and the leaders it needs."""

    starts_at: datetime
    ends_at: datetime
    room_id: int | None
    people: frozenset[int]


def leaders_among(user_ids: Iterable[int]) -> set[int]:
    ids = set(user_ids)
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(UserRole.user_id).where(UserRole.user_id.in_(ids),
                                                                    UserRole.role == Role.LEADER)))


def people_booked(meeting: Meeting) -> set[int]:
    """Who a meeting keeps busy: the chair and every invitee who comes or sends a delegate."""
    booked = {meeting.chair_id}
    for inv in meeting.invitations:
        if inv.response == Response.DELEGATED and inv.delegate_id:
            booked.add(inv.delegate_id)
        elif inv.response != Response.ABSENT:
            booked.update(i for i in (inv.user_id, inv.attendee_id) if i)
    return booked


def find_conflicts(slot: Slot, exclude_ids: Iterable[int] = ()) -> list[Conflict]:
    overlapping = db.session.scalars(
        sa.select(Meeting).options(selectinload(Meeting.invitations))
        .where(Meeting.status.in_(OCCUPYING_STATUSES), Meeting.starts_at < slot.ends_at,
               Meeting.ends_at > slot.starts_at, Meeting.id.not_in(list(exclude_ids) or [0]))
        .order_by(Meeting.starts_at)
    ).unique().all()
    conflicts: list[Conflict] = []
    names = _names(slot.people)
    for other in overlapping:
        base = {"meeting_id": other.id, "title": other.title, "starts_at": other.starts_at, "ends_at": other.ends_at}
        if slot.room_id is not None and other.room_id == slot.room_id:
            conflicts.append(Conflict("room", **base))
        for user_id in sorted(slot.people & people_booked(other)):
            conflicts.append(Conflict("person", **base, user_id=user_id, user_name=names.get(user_id)))
    return conflicts


def _names(user_ids: Iterable[int]) -> dict[int, str]:
    ids = list(user_ids)
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids))).tuples().all())


def enforce(conflicts: list[Conflict], *, may_override_room: bool, override_room: bool,
            confirm_people: bool) -> None:
    """Refuse the save as the rules say; the caller rolls back."""
    rooms = [c for c in conflicts if c.kind == "room"]
    people = [c for c in conflicts if c.kind == "person"]
    if rooms and not (override_room and may_override_room):
        message = (_("The room is already booked; only an office leader can override.") if not may_override_room
                   else _("The room is already booked; confirm the override to keep it."))
        raise DomainError("room_conflict", message, "room_id", 409, [c.as_detail() for c in rooms])
    if people and not confirm_people:
        raise DomainError("person_conflict",
                          _("Some leaders are already booked at that time; confirm to save anyway."),
                          "people", 409, [c.as_detail() for c in people])


def invited_user_ids(invitations: Iterable[Invitation]) -> set[int]:
    return {inv.user_id for inv in invitations if inv.user_id}
