"""Shapes of units and sectors on the API and in forms."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from ecabinet.core.schemas import Id, Name, Query, SortOrder, Strict
from ecabinet.org.models import UnitKind

Code = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=2, max_length=32,
                                        pattern=r"^[a-z0-9]+$")]
ShortName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]


class UnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    parent_id: int | None
    code: str
    name: str
    short_name: str
    kind: UnitKind
    active: bool
    sort_order: int


class UnitCreate(Strict):
    code: Code
    name: Name
    kind: UnitKind
    parent_id: Id | None = None
    short_name: ShortName = ""
    active: bool = True
    sort_order: SortOrder = 0


class UnitUpdate(Strict):
    code: Code | None = None
    name: Name | None = None
    kind: UnitKind | None = None
    parent_id: Id | None = None
    short_name: ShortName | None = None
    active: bool | None = None
    sort_order: SortOrder | None = None


class UnitQuery(Query):
    kind: UnitKind | None = None
    active: bool | None = None
    parent_id: Id | None = None


class SectorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    name: str
    active: bool


class SectorCreate(Strict):
    code: Code
    name: Name
    active: bool = True


class SectorUpdate(Strict):
    code: Code | None = None
    name: Name | None = None
    active: bool | None = None
