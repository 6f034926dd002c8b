"""Shapes of conclusion notices on the API and in the page's forms."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ecabinet.accounts.schemas import PersonRef
from ecabinet.notices.models import NoticeEventKind, NoticeStatus
from ecabinet.core.schemas import CodedRef, Id, Input, Query, Strict
from ecabinet.registers.schemas import Symbol
from ecabinet.tasks.models import TaskStatus

Summary = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50_000)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Mark = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


_GIVEN = {"type": "integer"}
_ONE_KIND = {
    "oneOf": [
        {"required": ["unit_id"], "properties": {"unit_id": _GIVEN}, "not": {"required": ["user_id"],
                                                                           "properties": {"user_id": _GIVEN}}},
        {"required": ["user_id"], "properties": {"user_id": _GIVEN}, "not": {"required": ["unit_id"],
                                                                           "properties": {"unit_id": _GIVEN}}},
        {"required": ["label"], "properties": {"label": {"pattern": r"\S"}},
         "not": {"anyOf": [{"required": [key], "properties": {key: _GIVEN}} for key in ("unit_id", "user_id")]}},
    ],
}
"""``_one_kind`` in JSON Schema, so that the document states the rule."""


class RecipientIn(Strict):
    """A "Nơi nhận" line: an agency (``unit_id``), a person (``user_id``) or a label alone."""

    model_config = ConfigDict(json_schema_extra=_ONE_KIND)

    unit_id: Id | None = None
    user_id: Id | None = None
    label: Label = Field(default="", description="Printed line; by default the agency's or person's name")

    @model_validator(mode="after")
    def _one_kind(self) -> RecipientIn:
        if self.unit_id is not None and self.user_id is not None:
            raise ValueError("a line is an agency or a person, not both")
        if self.unit_id is None and self.user_id is None and not self.label:
            raise ValueError("a line without agency or person needs a label")
        return self


class NoticeUpdate(Strict):
    """Change a draft; ``version`` is the one read (an older one is refused with 409 ``edit_conflict``)."""

    version: int = Field(ge=1)
    summary: Summary | None = None
    opening: Body | None = None
    closing: Body | None = None
    symbol: Symbol | None = None
    signer_id: Id | None = None
    signature_authority: list[Line] | None = Field(default=None, max_length=4)
    archive_mark: Mark | None = None
    recipients: list[RecipientIn] | None = Field(default=None, max_length=300)


class ReasonIn(Strict):
    reason: Reason


class NoticeQuery(Query):
    status: NoticeStatus | None = None
    meeting_id: Id | None = None
    page: int = Field(default=1, ge=1, le=10_000)


class MeetingRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str
    starts_at: datetime


class RecipientOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    position: int
    unit_id: int | None
    user_id: int | None
    label: str


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: NoticeEventKind
    actor: PersonRef | None
    from_status: str | None
    reason: str | None
    at: datetime


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    directive_id: int | None
    content: str
    lead_unit: CodedRef
    coordinating_units: list[CodedRef]
    deadline_on: date | None
    report_required: bool
    status: TaskStatus
    source_reference: str


class NoticeSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    meeting: MeetingRef
    corrects_id: int | None
    status: NoticeStatus
    symbol: str
    summary: str
    number: int | None
    number_symbol: str | None
    issued_on: date | None
    superseded_at: datetime | None
    updated_at: datetime


class NoticePage(BaseModel):
    items: list[NoticeSummary]
    total: int
    page: int
    per_page: int


class NoticeOut(NoticeSummary):
    version: int
    opening: str
    closing: str
    signature_authority: list[str]
    signer: PersonRef | None
    archive_mark: str
    recipients: list[RecipientOut]
    events: list[EventOut]
    issued_at: datetime | None
    issued_by_id: int | None
    pdf_sha256: str | None
    digitally_signed: bool
    rejection_reason: str | None
    not_needed_reason: str | None
    submitted_at: datetime | None
    reminded_at: datetime | None
    escalated_at: datetime | None
    tasks: list[TaskOut] = Field(default_factory=list, description="Made from the directives once issued")


class MeetingNoticeOut(BaseModel):
    id: int
    status: NoticeStatus


# --- the page's forms ------------------------------------------------------------------------

class NoticeForm(Input):
    """The draft's edit form: recipients as agencies and persons ticked, and free label lines."""

    version: int = Field(ge=1)
    summary: Summary
    opening: Body = ""
    closing: Body = ""
    symbol: Symbol
    signer_id: Id | None = None
    signature_authority: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""
    archive_mark: Mark = ""
    unit_ids: list[Id] = Field(default_factory=list, max_length=300)
    user_ids: list[Id] = Field(default_factory=list, max_length=300)
    labels: Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)] = ""


class ReasonForm(Input):
    reason: Reason
