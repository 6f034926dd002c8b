"""Editing the organisation: units as a tree, and sectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.org.models import Sector, Unit, UnitKind


class OrgError(DomainError):
    pass


@dataclass(frozen=True)
class TreeRow:
    unit: Unit
    depth: int


def _all_units() -> list[Unit]:
    return list(db.session.scalars(sa.select(Unit).order_by(Unit.sort_order, Unit.name)))


def unit_tree(include_inactive: bool = True) -> list[TreeRow]:
    """Every unit in depth-first order with its depth, for indented lists and selects."""
    units = [u for u in _all_units() if include_inactive or u.active]
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    known = {u.id for u in units}
    rows: list[TreeRow] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in children.get(parent_id, []):
            rows.append(TreeRow(unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    for orphan_parent in set(children) - known - {None}:  # children of hidden inactive parents
        walk(orphan_parent, 0)
    return rows


def unit_choices() -> list[tuple[int, str]]:
    return [(row.unit.id, "— " * row.depth + row.unit.name) for row in unit_tree(include_inactive=False)]


def sector_choices() -> list[Sector]:
    return list(db.session.scalars(sa.select(Sector).where(Sector.active.is_(True)).order_by(Sector.name)))


def list_units(kind: UnitKind | None = None, active: bool | None = None,
               parent_id: int | None = None) -> list[Unit]:
    query = sa.select(Unit).order_by(Unit.sort_order, Unit.name)
    if kind is not None:
        query = query.where(Unit.kind == kind)
    if active is not None:
        query = query.where(Unit.active.is_(active))
    if parent_id is not None:
        query = query.where(Unit.parent_id == parent_id)
    return list(db.session.scalars(query))


def list_sectors() -> list[Sector]:
    return list(db.session.scalars(sa.select(Sector).order_by(Sector.name)))


def _check_code_free(model: type, code: str, own_id: int | None = None) -> None:
    existing = db.session.scalar(sa.select(model.id).where(model.code == code))
    if existing is not None and existing != own_id:
        raise OrgError("code_taken", _("The code %(code)s is already used.", code=code), "code", 409)


def _check_parent(unit: Unit | None, parent_id: int | None) -> Unit | None:
    if parent_id is None:
        return None
    parent = db.session.get(Unit, parent_id)
    if parent is None:
        raise OrgError("unknown_parent", _("No such parent unit."), "parent_id")
    ancestor: Unit | None = parent
    while ancestor is not None:
        if unit is not None and ancestor.id == unit.id:
            raise OrgError("cycle", _("A unit cannot be placed under itself or its own sub-units."), "parent_id")
        ancestor = ancestor.parent
    return parent


def create_unit(*, code: str, name: str, kind: UnitKind, parent_id: int | None = None,
                short_name: str = "", active: bool = True, sort_order: int = 0) -> Unit:
    _check_code_free(Unit, code)
    unit = Unit(code=code, name=name, kind=kind, parent=_check_parent(None, parent_id), short_name=short_name,
                active=active, sort_order=sort_order)
    db.session.add(unit)
    db.session.flush()
    return unit


def update_unit(unit: Unit, changes: dict[str, Any]) -> Unit:
    """Apply the given fields; ``parent_id`` may be ``None`` to make a root."""
    if "code" in changes and changes["code"] is not None:
        _check_code_free(Unit, changes["code"], unit.id)
    if "parent_id" in changes:
        unit.parent = _check_parent(unit, changes.pop("parent_id"))
    for key, value in changes.items():
        if value is not None:
            setattr(unit, key, value)
    return unit


def create_sector(*, code: str, name: str, active: bool = True) -> Sector:
    _check_code_free(Sector, code)
    sector = Sector(code=code, name=name, active=active)
    db.session.add(sector)
    db.session.flush()
    return sector


def update_sector(sector: Sector, changes: dict[str, Any]) -> Sector:
    if changes.get("code") is not None:
        _check_code_free(Sector, changes["code"], sector.id)
    for key, value in changes.items():
        if value is not None:
            setattr(sector, key, value)
    return sector


def _assign(obj: Any, values: dict[str, Any]) -> None:
    """Set only the values that differ, so that re-applying the same data changes nothing."""
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)


def ensure_unit(code: str, *, parent_code: str | None, **values: Any) -> Unit:
    """Create the unit with this code, or bring the existing one to ``values`` (provisioning)."""
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == code))
    parent = db.session.scalar(sa.select(Unit).where(Unit.code == parent_code)) if parent_code else None
    if unit is None:
        unit = Unit(code=code)
        db.session.add(unit)
    _assign(unit, {**values, "parent": parent})
    return unit


def ensure_sector(code: str, name: str) -> Sector:
    sector = db.session.scalar(sa.select(Sector).where(Sector.code == code))
    if sector is None:
        sector = Sector(code=code)
        db.session.add(sector)
    _assign(sector, {"name": name})
    return sector


def units_by_code(codes: list[str] | tuple[str, ...]) -> list[Unit]:
    return list(db.session.scalars(sa.select(Unit).where(Unit.code.in_(codes)))) if codes else []


def sectors_by_code(codes: list[str] | tuple[str, ...]) -> list[Sector]:
    return list(db.session.scalars(sa.select(Sector).where(Sector.code.in_(codes)))) if codes else []
