"""Schemas of the live room: the actions' arguments and the snapshot every follower mirrors."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ecabinet.core.schemas import MAX_ID, Id


class Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoArgs(Args):
    pass


class Start(Args):
    reason: str | None = Field(default=None, max_length=500,
                               description="Why it starts on another day or far from its time (then required)")


class GotoItem(Args):
    item_id: Id


class CheckInFor(Args):
    user_id: Id
    attendee_id: Id | None = None
    """The member itself or its delegate; by default whoever holds the seat."""


class CheckOutFor(Args):
    user_id: Id


class OrderSpeakers(Args):
    request_ids: list[Id] = Field(max_length=500)


class GiveFloor(Args):
    request_id: Id


class OpenVote(Args):
    question: str = Field(min_length=1, max_length=1000, pattern=r"\S")
    secret: bool = False
    item_id: Id | None = None
    """The agenda item voted on; by default the current one."""


class CastVote(Args):
    choice: Literal["agree", "disagree", "abstain"]
    for_user_id: Id | None = None
    """Whose seat: needed when the voter holds several (a delegate for several members)."""


class Present(Args):
    material_id: Id
    page: int = Field(ge=1, le=MAX_ID)


class MeetingEvent(Args):
    """The payload of the socket events live:join, live:leave and live:snapshot."""

    meeting_id: Id


class ActionEvent(MeetingEvent):
    """The payload of the socket event live:action (its args are checked against the action's own schema)."""

    action: str = Field(max_length=64)
    args: dict[str, Any] | None = None


class ActionIn(BaseModel):
    action: str = Field(max_length=64, description="start, pause, resume, end, goto_item, next_item, previous_item, "
                        "check_in_for, check_out_for, order_speakers, give_floor, end_floor, open_vote, close_vote, "
                        "check_in, request_floor, withdraw_floor, cast_vote, present, stop_presenting")
    args: dict[str, Any] = Field(default_factory=dict)


class AgendaEntry(BaseModel):
    id: int
    position: int
    title: str
    planned_minutes: int
    presenting_unit: str | None


class ItemTimer(BaseModel):
    id: int
    started_at: str | None
    elapsed_seconds: int
    running: bool


class Member(BaseModel):
    user_id: int
    name: str
    present: bool
    attendee: str | None
    """The delegate's name when a delegate sits in the member's seat."""


class AttendanceOut(BaseModel):
    expected: int
    present: int
    quorum: int
    has_quorum: bool
    members: list[Member]


class Speech(BaseModel):
    request_id: int
    user_id: int
    name: str
    started_at: str | None


class Waiting(BaseModel):
    request_id: int
    user_id: int
    name: str
    position: int


class SpeakersOut(BaseModel):
    current: Speech | None
    queue: list[Waiting]


class VoteResult(BaseModel):
    agree: int
    disagree: int
    abstain: int


class VoteOut(BaseModel):
    id: int
    question: str
    secret: bool
    status: Literal["open", "closed"]
    item_id: int | None
    entitled: int
    cast: int
    result: VoteResult | None


class Presentation(BaseModel):
    material_id: int
    page: int
    title: str
    page_count: int
    presenter: str | None


class Snapshot(BaseModel):
    meeting_id: int
    version: int
    title: str
    status: Literal["not_started", "running", "paused", "ended"]
    started_at: str | None
    ended_at: str | None
    agenda: list[AgendaEntry]
    item: ItemTimer | None
    attendance: AttendanceOut
    speakers: SpeakersOut
    vote: VoteOut | None
    presentation: Presentation | None


class ActionOut(BaseModel):
    version: int
    snapshot: Snapshot


class Me(BaseModel):
    seats: list[int]
    voted_for: list[int]
    floor_request_id: int | None
    can_run: bool
    can_present: bool
