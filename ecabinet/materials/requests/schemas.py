"""Shapes of material requests (đề nghị cung cấp tài liệu) on the API and in the page's form.

Dates are local calendar days: ISO ``yyyy-mm-dd`` on the API, ``dd/mm/yyyy`` accepted in the form.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ecabinet.core.schemas import CodedRef, Id, Input, Strict, VnDate
from ecabinet.materials.models import RequestStatus
from ecabinet.materials.requests.operations import RowState

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class RequestCreate(Strict):
    """Ask agencies for the materials of an agenda item."""

    unit_ids: list[Id] = Field(default_factory=list, max_length=100,
                               description="The agencies asked; empty: the item's presenting agency")
    due_on: date | None = Field(default=None, description="The last day; by default the configured number of "
                                                          "working days before the meeting's day")
    note: Note = ""


class RequestUpdate(Strict):
    """Change the deadline or the note, or mark the request fulfilled, open again or cancelled."""

    due_on: date | None = None
    note: Note | None = None
    status: RequestStatus | None = None


class RequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    agenda_item_id: int
    unit: CodedRef
    due_on: date
    note: str
    status: RequestStatus
    state: RowState = Field(description="submitted, missing, overdue, late (submitted after the deadline) or "
                                        "cancelled")
    late: bool = Field(description="Fulfilled after the deadline, or open past it")
    overdue: bool
    material_count: int = Field(description="Materials the agency uploaded to the item")
    fulfilled_at: datetime | None
    reminded_before_at: datetime | None
    reminded_due_at: datetime | None


class ChecklistItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    position: int
    title: str
    presenting_unit: CodedRef | None


class ChecklistEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    item: ChecklistItem
    rows: list[RequestOut]


class CountsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    requested: int = Field(description="Requests not cancelled")
    fulfilled: int
    missing: int = Field(description="Open requests, overdue or not")
    overdue: int


class ChecklistOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    today: date
    default_due_on: date | None = Field(default=None, description="The deadline a new request gets by default")
    counts: CountsOut
    items: list[ChecklistEntry]


class RequestForm(Input):
    """The page's form: one agenda item, the agencies (none: the presenting agency), deadline, note."""

    agenda_item_id: Id
    unit_ids: list[Id] = Field(default_factory=list, max_length=100)
    due_on: VnDate | None = None
    note: Note = ""
