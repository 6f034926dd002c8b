"""Shapes of written opinion forms (phiếu lấy ý kiến) and private notes, on the API and in the pages' forms."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from ecabinet.accounts.schemas import PersonRef
from ecabinet.core.schemas import HHMM, Id, Input, Query, Strict, VnDate
from ecabinet.live.models import Answer, PollStatus

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Opinion = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]


# --- written opinions ------------------------------------------------------------------------

class PollCreate(Strict):
    """Ask members for their written opinion by a deadline."""

    title: Title
    question: LongText
    deadline_at: AwareDatetime = Field(description="In the future")
    member_ids: list[Id] = Field(default_factory=list, max_length=500,
                                 description="Members asked, besides (for a meeting) the invited leaders and members "
                                             "who answered absent")
    meeting_id: Id | None = None
    agenda_item_id: Id | None = None


class AnswerIn(Strict):
    answer: Answer
    text: Opinion = Field(default="", description="Required for ``other``")
    for_user_id: Id | None = Field(default=None, description="The member whose paper answer the Office enters")


class PollQuery(Query):
    status: PollStatus | None = None
    meeting_id: Id | None = None


class AnswerOut(BaseModel):
    member: PersonRef
    answer: Answer
    text: str
    answered_at: datetime
    answered_by: PersonRef = Field(description="The member, or the secretary who entered a paper answer")


class CountsOut(BaseModel):
    agree: int
    disagree: int
    other: int
    missing: int = Field(description="Members who have not answered")
    asked: int


class ResultOut(BaseModel):
    counts: CountsOut
    answers: list[AnswerOut]
    not_answered: list[PersonRef]


class PollSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str
    meeting_id: int | None
    agenda_item_id: int | None
    deadline_at: datetime
    status: PollStatus
    created_at: datetime
    closed_at: datetime | None
    my_answer: Answer | None = Field(description="The caller's own answer, if it was asked and answered")


class PollOut(PollSummary):
    question: str
    created_by_id: int
    reminded_at: datetime | None
    members: list[PersonRef]
    result: ResultOut


class PollForm(Input):
    """The page's form: the deadline as people type it (30/11/2026, 17:00)."""

    title: Title
    question: LongText
    deadline_date: VnDate
    deadline_time: HHMM
    member_ids: list[Id] = Field(default_factory=list, max_length=500)
    meeting_id: Id | None = None


class AnswerForm(Input):
    answer: Answer
    text: Opinion = ""
    for_user_id: Id | None = None


# --- private notes ---------------------------------------------------------------------------

class NoteIn(Strict):
    page: int = Field(ge=1, le=100_000)
    text: LongText


class NoteUpdate(Strict):
    text: LongText


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    material_id: int
    page: int
    text: str
    written_on_version: int = Field(description="The version of the material the note was written on")
    current_version: int | None = Field(description="The material's current version: a later one may have moved "
                                                    "the text the note is about")
    created_at: datetime
    updated_at: datetime
