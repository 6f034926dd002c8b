"""Shapes of the minutes (biên bản) on the API and in the pages' forms."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ecabinet.accounts.schemas import PersonRef
from ecabinet.core.schemas import Strict
from ecabinet.minutes.models import MinutesStatus

Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
Revision = Annotated[int, Field(ge=0, le=2**31 - 1)]


class SectionSave(Strict):
    """The whole new text of a section, and the revision it was edited from."""

    text: str = Field(description="At most 100 000 characters (longer → 422 too_long)")
    base_revision: Revision = Field(description="The section's revision the client started from; another → 409 "
                                                "edit_conflict carrying the current text")


class RestoreIn(Strict):
    number: Annotated[int, Field(ge=1, le=2**31 - 1)] = Field(description="The revision to bring back")
    base_revision: Revision


class SignIn(Strict):
    as_: Literal["secretary", "chair"] = Field(alias="as")


class ReturnIn(Strict):
    reason: Reason = Field(description="Why the chair sends the minutes back; required")


class SignForm(BaseModel):
    role: Literal["secretary", "chair"]


class ReturnForm(BaseModel):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class SectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    agenda_item_id: int | None
    position: int
    title: str
    text: str
    revision: int
    updated_at: datetime | None
    updated_by: PersonRef | None


class RevisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    number: int
    text: str
    saved_at: datetime
    saved_by: PersonRef


class PresentOut(BaseModel):
    member: PersonRef
    attendee: PersonRef
    delegated: bool


class AbsentOut(BaseModel):
    name: str
    reason: str | None


class SpeechOut(BaseModel):
    name: str
    started_at: datetime | None


class VoteOut(BaseModel):
    question: str
    secret: bool
    closed: bool
    entitled: int
    agree: int | None
    disagree: int | None
    abstain: int | None
    names: dict[str, list[str]] = Field(description="Named votes: the members per choice")


class ItemFactsOut(BaseModel):
    item_id: int | None
    title: str
    presenting_unit: str | None
    speeches: list[SpeechOut]
    votes: list[VoteOut]


class AgencyOut(BaseModel):
    unit: str
    attendee: str | None


class FactsOut(BaseModel):
    started_at: datetime | None
    ended_at: datetime | None
    present: list[PresentOut]
    absent: list[AbsentOut]
    agencies: list[AgencyOut]
    items: list[ItemFactsOut]
    general: ItemFactsOut


class Permissions(BaseModel):
    edit: bool
    sign_as_secretary: bool
    sign_as_chair: bool


class MinutesOut(BaseModel):
    id: int
    meeting_id: int
    status: MinutesStatus
    secretary_signed_by: PersonRef | None
    secretary_signed_at: datetime | None
    chair_signed_by: PersonRef | None
    chair_signed_at: datetime | None
    returned_reason: str | None
    pdf_url: str
    sections: list[SectionOut]
    facts: FactsOut
    may: Permissions
