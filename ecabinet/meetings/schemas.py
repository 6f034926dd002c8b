"""Shapes of meetings, rooms, kinds and invitations on the API and in forms."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from ecabinet.accounts.schemas import PersonRef
from ecabinet.core.schemas import CodedRef, Id, Name, Query, Ref, Strict, Text255, VnDate
from ecabinet.meetings.models import ChangeKind, Confidentiality, MeetingStatus, Response

Code = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=2, max_length=32,
                                        pattern=r"^[a-z0-9_]+$")]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Link = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^(https?://\S+)?$")]
Rule = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=255)]


class RoomOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    name: str
    location: str
    capacity: int
    equipment: list[str]
    active: bool


class RoomIn(Strict):
    code: Code
    name: Name
    capacity: int = Field(ge=1, le=10_000)
    location: Text255 = ""
    equipment: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]] = \
        Field(default_factory=list, max_length=50)
    active: bool = True


class KindOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    name: str
    default_minutes: int
    active: bool


class KindIn(Strict):
    code: Code
    name: Name
    default_minutes: int = Field(default=120, ge=5, le=24 * 60)
    active: bool = True


class InvitationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    user: PersonRef | None
    unit: CodedRef | None
    attendee: PersonRef | None
    response: Response
    absence_reason: str | None
    delegate: PersonRef | None
    responded_at: datetime | None


class ChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: ChangeKind
    changed_at: datetime
    reason: str | None
    details: dict | None


class MeetingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str
    kind: Ref
    chair: PersonRef
    secretary: PersonRef | None
    portfolio_leader: PersonRef | None
    starts_at: datetime
    ends_at: datetime
    room: Ref | None
    online_link: str | None
    location: str
    format: str
    status: MeetingStatus
    status_reason: str | None
    started_at: datetime | None = Field(description="When it actually started (the notice is dated by it)")
    ended_at: datetime | None = Field(description="When it actually ended")
    confidentiality: Confidentiality
    description: str
    series_id: int | None
    version: int
    invitations: list[InvitationOut]
    changes: list[ChangeOut]


class MeetingSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str
    kind: Ref
    chair: PersonRef
    starts_at: datetime
    ends_at: datetime
    room: Ref | None
    location: str
    status: MeetingStatus
    confidentiality: Confidentiality
    version: int


class MeetingPage(BaseModel):
    items: list[MeetingSummary]
    total: int
    page: int
    per_page: int


class ClashChoices(Strict):
    confirm_person_conflicts: bool = False
    """Save although some leaders are booked elsewhere at that time."""
    override_room_conflict: bool = False
    """Office leaders only: keep the room although it is booked."""


class MeetingCreate(ClashChoices):
    title: Title
    kind_id: Id
    chair_id: Id
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    secretary_id: Id | None = None
    portfolio_leader_id: Id | None = None
    room_id: Id | None = None
    online_link: Link | None = None
    location: Text255 = ""
    confidentiality: Confidentiality = Confidentiality.NORMAL
    description: Annotated[str, StringConstraints(max_length=20_000)] = ""
    invitee_ids: list[Id] = Field(default_factory=list, max_length=500)
    unit_ids: list[Id] = Field(default_factory=list, max_length=500)
    recurrence: Rule | None = None
    """RFC 5545 rule with COUNT or UNTIL, e.g. ``FREQ=WEEKLY;BYDAY=MO;COUNT=10``: one meeting per occurrence."""


class MeetingUpdate(ClashChoices):
    version: int = Field(ge=1)
    """The version you edited: an older one is refused with 409."""
    reason: Reason | None = None
    title: Title | None = None
    kind_id: Id | None = None
    chair_id: Id | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    secretary_id: Id | None = None
    portfolio_leader_id: Id | None = None
    room_id: Id | None = None
    online_link: Link | None = None
    location: Text255 | None = None
    confidentiality: Confidentiality | None = None
    description: Annotated[str, StringConstraints(max_length=20_000)] | None = None
    invitee_ids: list[Id] | None = Field(default=None, max_length=500)
    unit_ids: list[Id] | None = Field(default=None, max_length=500)


class StatusChange(Strict):
    version: int = Field(ge=1)
    action: Annotated[str, StringConstraints(pattern=r"^(publish|postpone|cancel|start|undo_start|end|close)$")]
    reason: Reason | None = None


class InvitationAnswer(Strict):
    response: Response
    reason: Reason | None = None
    delegate_id: Id | None = None
    attendee_id: Id | None = None


class MeetingQuery(Query):
    start: VnDate | None = None
    end: VnDate | None = None
    leader_id: Id | None = None
    unit_id: Id | None = None
    kind_id: Id | None = None
    mine: bool = False
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=100, ge=1, le=500)
