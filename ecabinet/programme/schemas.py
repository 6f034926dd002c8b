"""Shapes of the work programme in its pages' forms and on the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ecabinet.core.schemas import Id, Input, Query, VnDate
from ecabinet.programme.models import ItemKind, ItemState, PeriodKind

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
Year = Annotated[int, Field(ge=2000, le=2200)]


class ProgrammeForm(Input):
    year: Year
    title: Title
    chair_id: Id


class PeriodForm(Input):
    period_kind: PeriodKind
    period: Annotated[int, Field(ge=1, le=12)]


class ItemForm(PeriodForm):
    title: Title
    kind: ItemKind
    lead_unit_id: Id
    leader_id: Id | None = None


class AdditionForm(ItemForm):
    reason: Reason


class MoveForm(PeriodForm):
    reason: Reason


class DropForm(Input):
    reason: Reason


class DecisionForm(Input):
    decision: Annotated[str, StringConstraints(pattern=r"^(approve|refuse)$")]
    note: Note = ""


class AgendaForm(Input):
    meeting_id: Id
    due_on: VnDate | None = None


class ItemQuery(Query):
    year: Year | None = Field(default=None, description="By default the current year")
    state: ItemState | None = None
    behind: bool = Field(default=False, description="Only the items whose period ended before they were presented")
    lead_unit_id: Id | None = None
    quarter: Annotated[int, Field(ge=1, le=4)] | None = None


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str
    kind: ItemKind
    period_kind: PeriodKind
    period: int
    lead_unit_id: int
    leader_id: int | None
    state: ItemState
    behind: bool = False
    agenda_item_id: int | None
    presented_at: datetime | None


class ProgrammeOut(BaseModel):
    year: int
    title: str
    today: date
    items: list[ItemOut]
