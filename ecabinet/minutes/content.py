"""What the minutes are made of besides their text: the fixed opening and closing sections, and what the live room
recorded of the meeting (attendance, agencies, speeches, votes), as the page and the PDF report it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core.db import db
from ecabinet.live import operations as live
from ecabinet.live.models import Attendance, Ballot, Choice, LiveState, SpeakerRequest, SpeakerStatus, Vote, VoteStatus
from ecabinet.materials import operations as materials
from ecabinet.meetings.models import Meeting, Response
from ecabinet.minutes.models import MinutesSection

OPENING_POSITION = 0
CLOSING_POSITION = 1_000_000
"""The closing section's fixed place: item sections are numbered 1…n before it, whatever the agenda grows to."""


def is_opening(section: MinutesSection) -> bool:
    return section.agenda_item_id is None and section.position == OPENING_POSITION


def is_closing(section: MinutesSection) -> bool:
    return section.agenda_item_id is None and section.position == CLOSING_POSITION


@dataclass(frozen=True)
class Present:
    member: User
    attendee: User
    """The member, or the delegate who sat in its seat (ủy quyền)."""

    @property
    def delegated(self) -> bool:
        return self.attendee.id != self.member.id


@dataclass(frozen=True)
class Absent:
    name: str
    reason: str | None


@dataclass(frozen=True)
class Agency:
    unit: str
    attendee: str | None
    """Who represented the agency, when known."""


@dataclass(frozen=True)
class Speech:
    name: str
    started_at: datetime | None


@dataclass(frozen=True)
class VoteResult:
    question: str
    secret: bool
    closed: bool
    entitled: int
    agree: int | None
    disagree: int | None
    abstain: int | None
    names: dict[str, list[str]]
    """For a named vote: the members' names per choice (agree, disagree, abstain); empty for a secret one."""


@dataclass
class ItemFacts:
    item_id: int | None
    title: str
    presenting_unit: str | None
    speeches: list[Speech] = field(default_factory=list)
    votes: list[VoteResult] = field(default_factory=list)


@dataclass
class Facts:
    """What the live room recorded of a meeting, as the minutes report it."""

    started_at: datetime | None
    ended_at: datetime | None
    present: list[Present]
    absent: list[Absent]
    agencies: list[Agency]
    items: list[ItemFacts]
    general: ItemFacts
    """Speeches and votes not tied to an agenda item."""


def facts(meeting: Meeting) -> Facts:
    """Attendance (with delegates), absences with their reasons, the agenda with the presenting agencies, who
    spoke on each item and the results of its votes, and when the meeting started and ended."""
    state = db.session.get(LiveState, meeting.id)
    items = [ItemFacts(item.id, item.title, item.presenting_unit.name if item.presenting_unit else None)
             for item in materials.agenda(meeting)]
    general = ItemFacts(None, "", None)
    by_item = {entry.item_id: entry for entry in items}
    for request in _speeches(meeting):
        by_item.get(request.agenda_item_id, general).speeches.append(
            Speech(request.user.full_name, request.started_at))
    for vote in _votes(meeting):
        by_item.get(vote.agenda_item_id, general).votes.append(_vote_result(vote))
    present = _present(meeting)
    return Facts(started_at=meeting.started_at or (state.started_at if state else None),
                 ended_at=meeting.ended_at or (state.ended_at if state else None),
                 present=present, absent=_absent(meeting, state, {p.member.id for p in present}),
                 agencies=_agencies(meeting), items=items, general=general)


def _present(meeting: Meeting) -> list[Present]:
    rows = list(db.session.scalars(sa.select(Attendance).where(Attendance.meeting_id == meeting.id)))
    order = {member: n for n, member in enumerate(live.expected_members(meeting))}
    rows.sort(key=lambda row: (order.get(row.user_id, len(order)), row.id))
    return [Present(row.user, row.attendee) for row in rows]


def _absent(meeting: Meeting, state: LiveState | None, present: set[int]) -> list[Absent]:
    """Invitees who answered absent (with their reason), then, once the meeting started, the members
    expected who never checked in."""
    absent = []
    for inv in meeting.invitations:
        if inv.response == Response.ABSENT:
            name = inv.user.full_name if inv.user else (inv.unit.name if inv.unit else "")
            absent.append(Absent(name, inv.absence_reason))
    if state is not None and state.started_at is not None:
        missing = [member for member in live.expected_members(meeting) if member not in present]
        absent += [Absent(db.session.get(User, member).full_name, None) for member in missing]
    return absent


def _agencies(meeting: Meeting) -> list[Agency]:
    return [Agency(inv.unit.name, inv.attendee.full_name if inv.attendee else None)
            for inv in meeting.invitations if inv.unit is not None and inv.response != Response.ABSENT]


def _speeches(meeting: Meeting) -> list[SpeakerRequest]:
    return list(db.session.scalars(sa.select(SpeakerRequest).where(
        SpeakerRequest.meeting_id == meeting.id,
        SpeakerRequest.status.in_([SpeakerStatus.DONE, SpeakerStatus.SPEAKING]),
    ).order_by(SpeakerRequest.started_at, SpeakerRequest.id)))


def _votes(meeting: Meeting) -> list[Vote]:
    return list(db.session.scalars(sa.select(Vote).where(Vote.meeting_id == meeting.id)
                                   .order_by(Vote.opened_at, Vote.id)))


def _vote_result(vote: Vote) -> VoteResult:
    closed = vote.status == VoteStatus.CLOSED
    names: dict[str, list[str]] = {}
    if not vote.secret:
        rows = db.session.execute(sa.select(Ballot.choice, User.full_name).join(User, User.id == Ballot.voter_id)
                                  .where(Ballot.vote_id == vote.id).order_by(Ballot.cast_at, Ballot.id))
        names = {choice.value: [] for choice in Choice}
        for choice, name in rows:
            if choice is not None:
                names[choice.value].append(name)
    return VoteResult(question=vote.question, secret=vote.secret, closed=closed, entitled=vote.entitled_count,
                      agree=vote.agree if closed else None, disagree=vote.disagree if closed else None,
                      abstain=vote.abstain if closed else None, names=names)
