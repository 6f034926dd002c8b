"""Shapes of a reorganisation on the API and in the admin's form."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from ecabinet.core.schemas import Id, Name, Strict, VnDate
from ecabinet.org.reorganisation.models import MoveOutcome, ReorganisationKind
from ecabinet.org.models import UnitKind
from ecabinet.org.schemas import Code, UnitCreate

Decision = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
ShortName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
Fingerprint = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class Assignment(Strict):
    subject: Annotated[str, StringConstraints(max_length=32)]
    row_id: Id
    to_unit_id: Id


class ReorganisationIn(Strict):
    """Merge: ``predecessor_ids`` into ``successor_ids[0]`` or into ``new_unit``. Split: ``predecessor_ids[0]``
    into ``successor_ids``, each moved row to ``default_successor_id`` (the first successor when not given)
    unless ``assignments`` names another. Rename: ``predecessor_ids[0]`` gets ``name`` and ``short_name``.
    A ``new_unit`` without ``parent_id`` takes the place of the first predecessor in the tree."""

    kind: ReorganisationKind
    predecessor_ids: list[Id] = Field(default_factory=list, max_length=50)
    successor_ids: list[Id] = Field(default_factory=list, max_length=50)
    new_unit: UnitCreate | None = None
    default_successor_id: Id | None = None
    assignments: list[Assignment] = Field(default_factory=list, max_length=10_000)
    name: Name | None = None
    short_name: ShortName | None = None
    effective_on: date
    decision: Decision


def _chosen_successor(value: object) -> object:
    """A split's choice on the page, "subject:row:unit" (one select per item moved), as an assignment."""
    if isinstance(value, str) and value.count(":") == 2:
        subject, row_id, to_unit_id = value.split(":")
        return {"subject": subject, "row_id": row_id, "to_unit_id": to_unit_id}
    return value


class ReorganisationForm(ReorganisationIn):
    """The admin's form: the date as people type it (dd/mm/yyyy), the unit a merge creates as flat fields, and
    a split's assignments as "subject:row:unit" choices."""

    effective_on: VnDate
    assignments: list[Annotated[Assignment, BeforeValidator(_chosen_successor)]] = Field(default_factory=list,
                                                                                         max_length=10_000)
    new_code: Code | None = None
    new_name: Name | None = None
    new_kind: UnitKind = UnitKind.DEPARTMENT

    def reorganisation(self) -> ReorganisationIn:
        new_unit = UnitCreate(code=self.new_code, name=self.new_name or self.new_code, kind=self.new_kind) \
            if self.new_code else None
        return ReorganisationIn(**self.model_dump(include=set(ReorganisationIn.model_fields) - {"new_unit"}),
                                new_unit=new_unit)


class ReorganisationApply(ReorganisationIn):
    fingerprint: Fingerprint = Field(description="The preview's fingerprint: refused (409) when what would move "
                                                 "has changed since")


class PlannedMoveOut(BaseModel):
    subject: str
    row_id: int
    label: str
    from_unit_id: int
    to_unit_id: int | None = Field(description="None: the unit the merge creates")
    outcome: MoveOutcome


class PreviewOut(BaseModel):
    fingerprint: str
    counts: dict[str, int]
    moves: list[PlannedMoveOut]


class MoveOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    subject: str
    row_id: int
    label: str = Field(description="What the row was when it moved; empty for work the caller may not see")
    from_unit_id: int
    to_unit_id: int
    outcome: MoveOutcome


class ReorganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: ReorganisationKind
    effective_on: date
    decision: str
    details: dict
    applied_by_id: int | None
    applied_by_name: str
    applied_at: datetime
    predecessor_ids: list[int]
    successor_ids: list[int]
    moves: list[MoveOut]


class ReorganisationSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: ReorganisationKind
    effective_on: date
    decision: str
    applied_at: datetime
