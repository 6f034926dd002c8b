"""Shapes of the working-day calendar on the API and in the page's form."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from ecabinet.core.schemas import Input, Query, Strict, VnDate
from ecabinet.workdays.models import DayKind
from ecabinet.workdays.operations import FIRST_YEAR, LAST_YEAR, Source

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic alone would also take timestamps and date-times."""
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


def _supported_year(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"the year must be from {FIRST_YEAR} to {LAST_YEAR}")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date), AfterValidator(_supported_year),
                    Field(json_schema_extra={"pattern": r"^(20\d\d|2100)-"})]
"""A date of the API (``YYYY-MM-DD``) in the years the calendar supports."""

Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
"""A year the calendar supports."""

FormDate = Annotated[VnDate, AfterValidator(_supported_year)]
"""A date of the page's form (``dd/mm/yyyy``) in the years the calendar supports."""

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]


class DayIn(Strict):
    kind: DayKind
    reason: Reason


class DayForm(Input):
    day: FormDate
    kind: DayKind
    reason: Reason


class AddQuery(Query):
    start: IsoDate = Field(alias="from", description="The day counted from, YYYY-MM-DD (not counted itself).")
    days: int = Field(ge=-1000, le=1000, description="Working days to add; negative counts backwards.")


class AddOut(BaseModel):
    start: date
    days: int
    """The working-day count asked for."""
    date: date
    """The ``days``-th working day after ``start`` (before it when negative)."""
    calendar_days: int
    """Calendar days from ``start`` to ``date``."""


class EntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    day: date
    kind: DayKind
    name: str
    source: Source
    public_name: str | None


class YearOut(BaseModel):
    year: int
    working_days: int
    days: list[EntryOut]


class CorrectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    day: date
    kind: DayKind
    reason: str
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime
