"""Shapes of conclusions and directives on the API, in the live payload and in the page's forms."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ecabinet.core.schemas import CodedRef, Id, Input, Strict, VnDate

CONCLUSION_MAX_CHARS = 20_000
DIRECTIVE_MAX_CHARS = 5_000
MAX_WORKING_DAYS = 365

ConclusionText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=CONCLUSION_MAX_CHARS)]
DirectiveText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=DIRECTIVE_MAX_CHARS)]


# --- deadlines -------------------------------------------------------------------------------

class NoDeadline(Strict):
    kind: Literal["none"]


class DateDeadline(Strict):
    kind: Literal["date"]
    on: date = Field(description="The last day (yyyy-mm-dd); not before the meeting's day")


class WorkingDaysDeadline(Strict):
    kind: Literal["working_days"]
    count: int = Field(ge=1, le=MAX_WORKING_DAYS, description="Working days counted from the notice's issue day")


Deadline = Annotated[NoDeadline | DateDeadline | WorkingDaysDeadline, Field(discriminator="kind")]


# --- input -----------------------------------------------------------------------------------

class ConclusionIn(Strict):
    agenda_item_id: Id | None = Field(default=None, description="An item of the meeting; none for the whole meeting")
    text: ConclusionText = ""


class ConclusionUpdate(Strict):
    version: int = Field(ge=1, description="The version the edit is based on; an older one is a 409 edit_conflict")
    text: ConclusionText
    agenda_item_id: Id | None = Field(default=None, description="Left as it is when absent")


class DirectiveIn(Strict):
    content: DirectiveText
    lead_unit_id: Id = Field(description="The agency in charge (cơ quan chủ trì): an active unit")
    coordinating_unit_ids: list[Id] = Field(default_factory=list, max_length=100,
                                            description="Coordinating agencies (phối hợp): active, distinct, "
                                                        "not the lead")
    deadline: Deadline = Field(default_factory=lambda: NoDeadline(kind="none"))
    report_required: bool = False


class OrderIn(Strict):
    conclusion_ids: list[Id] = Field(max_length=1000, description="Every conclusion of the meeting, in the new order")


# --- output ----------------------------------------------------------------------------------

class DirectiveOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    conclusion_id: int
    position: int
    content: str
    lead_unit: CodedRef
    coordinating_units: list[CodedRef]
    deadline: dict = Field(description='{"kind": "none"} | {"kind": "date", "on": …} | {"kind": "working_days", '
                                       '"count": …}')
    report_required: bool
    has_task: bool = Field(description="A task was made from it: it can no longer be deleted")


class ConclusionOut(BaseModel):
    id: int
    meeting_id: int
    agenda_item_id: int | None
    agenda_item_title: str | None
    position: int
    text: str
    version: int
    updated_at: datetime | None
    directives: list[DirectiveOut]


class ConclusionsOut(BaseModel):
    meeting_id: int
    writable: bool = Field(description="Conclusions may be written now (meeting in progress or ended, notice not "
                                       "submitted)")
    locked_reason: str | None
    notice_id: int | None = Field(description="The latest notice of the meeting, if any")
    notice_status: str | None
    conclusions: list[ConclusionOut]


# --- the page's forms ------------------------------------------------------------------------

class ConclusionForm(Input):
    text: ConclusionText = ""
    agenda_item_id: Id | None = None
    version: int | None = None


class DirectiveForm(Input):
    """The page's directive form: the deadline as a kind and the date or count typed beside it."""

    content: DirectiveText
    lead_unit_id: Id
    coordinating_unit_ids: list[Id] = Field(default_factory=list, max_length=100)
    deadline_kind: Literal["none", "date", "working_days"] = "none"
    deadline_on: VnDate | None = None
    deadline_count: int | None = Field(default=None, ge=1, le=MAX_WORKING_DAYS)
    report_required: bool = False


def deadline_out(kind: str, on: date | None, count: int | None) -> dict:
    if kind == "date":
        return {"kind": "date", "on": on.isoformat() if on else None}
    if kind == "working_days":
        return {"kind": "working_days", "count": count}
    return {"kind": "none"}
