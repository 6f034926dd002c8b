"""Shapes of the outgoing-document register on the API and in the page's forms."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ecabinet.accounts.schemas import PersonRef
from ecabinet.core.schemas import Input, Query, Strict
from ecabinet.registers.models import NumberStatus

Symbol = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=1, max_length=32,
                                          pattern=r"^[A-Za-z0-9Đđ]+(-[A-Za-z0-9Đđ]+)*$")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class RegisterQuery(Query):
    year: int | None = Field(default=None, ge=2000, le=2200, description="By default the current year")
    symbol: Symbol | None = Field(default=None, description="By default the conclusion notices' register")


class CancelIn(Strict):
    reason: Reason


class CancelForm(Input):
    reason: Reason


class NumberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    number: int
    number_symbol: str
    summary: str
    status: NumberStatus
    taken_at: datetime
    taken_by: PersonRef
    cancelled_at: datetime | None
    cancelled_by: PersonRef | None
    cancel_reason: str | None
    notice_id: int | None = Field(default=None, description="The notice that took the number")


class RegisterOut(BaseModel):
    symbol: str
    year: int
    last_number: int
    numbers: list[NumberOut]
    gaps: list[int] = Field(description="Numbers up to the last one that no entry holds: always empty")
