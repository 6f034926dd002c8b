"""The snapshot of a live room: the same for every follower, nothing personal, no running tally.

Tablets joining at once (a reconnect storm) share one snapshot per version: ``shared_snapshot`` builds it once
and hands it out for ``SHARED_FOR_SECONDS``, its running item's clock brought up to date for each. A live
change makes a new version at once; the agenda or a name changed outside the live room shows within that time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core.db import db
from ecabinet.live import operations as ops
from ecabinet.live.models import LiveState, VoteStatus
from ecabinet.materials import operations as materials
from ecabinet.materials.models import Confidentiality, Material
from ecabinet.meetings.models import Meeting


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(user_ids)))
    return {user_id: name for user_id, name in rows}


def _agenda(meeting: Meeting) -> list[dict[str, Any]]:
    return [{"id": item.id, "position": item.position, "title": item.title, "planned_minutes": item.planned_minutes,
             "presenting_unit": item.presenting_unit.name if item.presenting_unit else None}
            for item in materials.agenda(meeting)]


def _item(state: LiveState | sa.Row) -> dict[str, Any] | None:
    if state.current_item_id is None:
        return None
    return {"id": state.current_item_id, "started_at": iso(state.item_started_at),
            "elapsed_seconds": ops.item_elapsed(state), "running": state.item_started_at is not None}


def _attendance(meeting: Meeting) -> dict[str, Any]:
    expected = ops.expected_members(meeting)
    present = ops.present_members(meeting)
    names = _names(set(expected) | {row.attendee_id for row in present.values()})
    quorum = ops.quorum(len(expected))
    members = [{"user_id": member, "name": names.get(member, ""), "present": member in present,
                "attendee": (names.get(present[member].attendee_id)
                             if member in present and present[member].attendee_id != member else None)}
               for member in expected]
    return {"expected": len(expected), "present": len(present), "quorum": quorum,
            "has_quorum": len(expected) > 0 and len(present) >= quorum, "members": members}


def _speakers(state: LiveState) -> dict[str, Any]:
    speech = ops.current_speech(state.meeting_id)
    queue = ops.waiting_requests(state)
    names = _names({r.user_id for r in queue} | ({speech.user_id} if speech else set()))
    current = None if speech is None else {"request_id": speech.id, "user_id": speech.user_id,
                                           "name": names.get(speech.user_id, ""), "started_at": iso(speech.started_at)}
    return {"current": current,
            "queue": [{"request_id": r.id, "user_id": r.user_id, "name": names.get(r.user_id, ""), "position": n}
                      for n, r in enumerate(queue, start=1)]}


def _vote(meeting: Meeting) -> dict[str, Any] | None:
    vote = ops.latest_vote(meeting.id)
    if vote is None:
        return None
    closed = vote.status == VoteStatus.CLOSED
    return {"id": vote.id, "question": vote.question, "secret": vote.secret, "status": vote.status.value,
            "item_id": vote.agenda_item_id, "entitled": vote.entitled_count, "cast": ops.ballots_cast(vote),
            "result": {"agree": vote.agree, "disagree": vote.disagree, "abstain": vote.abstain} if closed else None}


def _presentation(state: LiveState) -> dict[str, Any] | None:
    material = db.session.get(Material, state.presented_material_id) if state.presented_material_id else None
    if (material is None or material.current is None or state.presented_page is None
            or material.confidentiality == Confidentiality.CONFIDENTIAL):  # made confidential since
        return None
    presenter = db.session.get(User, state.presenter_id) if state.presenter_id else None
    return {"material_id": material.id, "page": state.presented_page, "title": material.title,
            "page_count": material.current.page_count, "presenter": presenter.full_name if presenter else None}


SNAPSHOT_KEYS = ("meeting_id", "version", "title", "status", "started_at", "ended_at", "agenda", "item",
                 "attendance", "speakers", "vote", "presentation")


def parts(meeting: Meeting, state: LiveState, keys: tuple[str, ...]) -> dict[str, Any]:
    """Only the snapshot's ``keys``: an action computes just what it changed before it commits."""
    builders: dict[str, Callable[[], Any]] = {
        "meeting_id": lambda: meeting.id, "version": lambda: state.version, "title": lambda: meeting.title,
        "status": lambda: state.status.value, "started_at": lambda: iso(state.started_at),
        "ended_at": lambda: iso(state.ended_at), "agenda": lambda: _agenda(meeting), "item": lambda: _item(state),
        "attendance": lambda: _attendance(meeting), "speakers": lambda: _speakers(state),
        "vote": lambda: _vote(meeting), "presentation": lambda: _presentation(state),
    }
    return {key: builders[key]() for key in keys}


def snapshot(meeting: Meeting, state: LiveState | None = None) -> dict[str, Any]:
    return parts(meeting, state if state is not None else ops.current_state(meeting), SNAPSHOT_KEYS)


SHARED_FOR_SECONDS = 1.0


@dataclass(frozen=True)
class _Shared:
    version: tuple[int, datetime]
    until: float
    snapshot: dict[str, Any]


_shared: dict[int, _Shared] = {}


def shared_snapshot(meeting_id: int) -> dict[str, Any]:
    """The snapshot of an existing meeting, built once per version and process for all who join within
    ``SHARED_FOR_SECONDS``: then one query, for the version."""
    now = time.monotonic()
    shared = _shared.get(meeting_id)
    if shared is not None and now < shared.until:
        state = db.session.execute(sa.select(  # the columns alone: a thousand joins load no object
            LiveState.version, LiveState.updated_at, LiveState.current_item_id, LiveState.item_started_at,
            LiveState.item_elapsed_seconds).where(LiveState.meeting_id == meeting_id)).first()
        if state is not None and shared.version == (state.version, state.updated_at):
            return {**shared.snapshot, "item": _item(state)}
    meeting = db.session.get(Meeting, meeting_id)
    state = ops.current_state(meeting)
    result = snapshot(meeting, state)
    for old in [key for key, entry in _shared.items() if entry.until <= now]:
        _shared.pop(old, None)  # another thread may have dropped it (the threading server of the tests)
    _shared[meeting_id] = _Shared((state.version, state.updated_at), now + SHARED_FOR_SECONDS, result)
    return result
