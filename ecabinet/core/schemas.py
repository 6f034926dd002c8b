"""Building blocks of every domain's schemas: bounded ids and texts, and the strict input base."""

from __future__ import annotations

from typing import Annotated

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from ecabinet.core.clock import FIRST_DAY, LAST_DAY, supported
from ecabinet.core.exceptions import DomainError

MAX_ID = 2**31 - 1
"""Largest id the database columns hold; larger numbers are a 422, not a database error."""

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
SortOrder = Annotated[int, Field(ge=-10_000, le=10_000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Text255 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)]
HHMM = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^([01]?\d|2[0-3])[:hH.]([0-5]\d)$")]
"""A time of day as people type it: 08:00, 8h00, 8.00 (read by ``core.clock.local_moment``)."""



def _vietnamese_date(value: Any) -> Any:
    """Accept ``dd/mm/yyyy`` as people type it; ISO dates and date objects pass through."""
    if isinstance(value, str) and "/" in value:
        try:
            return datetime.strptime(value.strip(), "%d/%m/%Y").date()
        except ValueError:
            raise ValueError("expected a date as dd/mm/yyyy") from None
    return value


VnDate = Annotated[date, BeforeValidator(_vietnamese_date)]
"""A calendar date written dd/mm/yyyy (Vietnamese usage) or yyyy-mm-dd."""


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, (list, tuple, set)):
        return any(_has_nul(v) for v in value)
    return False


def _unsupported_day(value: Any) -> bool:
    if isinstance(value, date):
        return not supported(value)
    if isinstance(value, (list, tuple, set)):
        return any(_unsupported_day(v) for v in value)
    return False


class Input(BaseModel):
    """Anything a client sends. NUL characters are refused: PostgreSQL cannot store them in text. A date or
    date-time outside the supported days is a domain error (its own code, as the document allows any date)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError("NUL characters are not allowed")
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _supported_days(cls, value: Any, info: ValidationInfo) -> Any:
        if _unsupported_day(value):
            raise DomainError("date_out_of_range", _("Dates must be between %(first)s and %(last)s.",
                                                     first=FIRST_DAY.strftime("%d/%m/%Y"),
                                                     last=LAST_DAY.strftime("%d/%m/%Y")), info.field_name)
        return value


class Strict(Input):
    """A request body: unknown fields are an error, so a misspelt field is never silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Query(Input):
    """Query-string parameters: unknown ones are ignored, as browsers and proxies add their own."""


class Ref(BaseModel):
    """Another record, named: a meeting kind, a room."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str


class CodedRef(Ref):
    """A record that also has a stable code: a unit, a sector."""

    code: str
