"""Previewing and applying a reorganisation: what would move, then exactly that, in one transaction."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.org.models import Unit
from ecabinet.org.operations import OrgError, create_unit
from ecabinet.org.reorganisation.models import (
    MoveOutcome,
    Reorganisation,
    ReorganisationKind,
    UnitMove,
    UnitRole,
    reorganisation_units,
)
from ecabinet.org.reorganisation.references import UnitReference, unit_references
from ecabinet.org.reorganisation.schemas import ReorganisationIn


@dataclass(frozen=True)
class PlannedMove:
    subject: str
    row_id: int
    label: str
    from_unit_id: int
    to_unit_id: int | None
    """None: the unit the merge creates."""
    outcome: MoveOutcome


@dataclass(frozen=True)
class Preview:
    moves: list[PlannedMove]

    @property
    def fingerprint(self) -> str:
        rows = sorted((m.subject, m.row_id, m.from_unit_id, m.to_unit_id or 0, m.outcome.value) for m in self.moves)
        return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:32]

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for move in self.moves:
            counts[move.subject] += 1
        return dict(counts)


def _error(code: str, message: str, field: str | None = None, status: int = 422) -> OrgError:
    return OrgError(code, message, field, status)


# --- checks --------------------------------------------------------------------------------------

def _units(ids: list[int], field: str) -> list[Unit]:
    units = [db.session.get(Unit, unit_id) for unit_id in ids]
    if any(unit is None for unit in units):
        raise _error("unknown_unit", _("No such unit."), field)
    inactive = [unit.name for unit in units if not unit.active]
    if inactive:
        raise _error("inactive_unit", _("%(name)s is no longer active: it was reorganised or closed.",
                                        name=", ".join(inactive)), field, 409)
    return units


def _check_shape(data: ReorganisationIn) -> None:
    predecessors, successors = data.predecessor_ids, data.successor_ids
    if not predecessors:
        raise _error("no_predecessor", _("Choose the unit being reorganised."), "predecessor_ids")
    if len(set(predecessors)) != len(predecessors) or len(set(successors)) != len(successors):
        raise _error("unit_twice", _("A unit is named twice."), "predecessor_ids")
    if set(predecessors) & set(successors):
        raise _error("into_itself", _("A unit cannot be merged or split into itself."), "successor_ids")
    if data.kind == ReorganisationKind.MERGE and len(successors) + (data.new_unit is not None) != 1:
        raise _error("one_successor", _("A merge needs exactly one successor: an existing unit or a new one."),
                     "successor_ids")
    if data.kind != ReorganisationKind.MERGE and len(predecessors) != 1:
        raise _error("one_predecessor", _("Only one unit can be split or renamed at a time."), "predecessor_ids")
    if data.kind == ReorganisationKind.SPLIT:
        if len(successors) < 2:
            raise _error("split_needs_successors", _("A split needs at least two successor units."),
                         "successor_ids")
        targets = [data.default_successor_id, *(a.to_unit_id for a in data.assignments)]
        if any(target is not None and target not in successors for target in targets):
            raise _error("not_a_successor", _("Work can only be assigned to one of the successors."),
                         "assignments")
    if data.kind == ReorganisationKind.RENAME and (successors or not data.name):
        raise _error("rename_needs_name", _("A rename needs the new name, and no successor."), "name")


def _last_reorganisation(unit_ids: list[int]):
    return db.session.scalar(
        sa.select(sa.func.max(Reorganisation.effective_on))
        .join(reorganisation_units, reorganisation_units.c.reorganisation_id == Reorganisation.id)
        .where(reorganisation_units.c.unit_id.in_(unit_ids)))


def _check_tree(predecessors: list[Unit], successors: list[Unit]) -> None:
    """A predecessor's sub-units move under its successor: a successor among them would be its own parent."""
    ending = {unit.id for unit in predecessors}
    for successor in successors:
        parent = successor.parent
        while parent is not None and parent.id not in ending:
            parent = parent.parent
        if parent is not None:
            raise _error("successor_inside", _("%(name)s is a sub-unit of a unit being reorganised: move it out "
                                               "first.", name=successor.name), "successor_ids")


def check(data: ReorganisationIn) -> None:
    """Refuse what cannot be applied, with a reason in the user's language."""
    _check_shape(data)
    predecessors = _units(data.predecessor_ids, "predecessor_ids")
    _check_tree(predecessors, _units(data.successor_ids, "successor_ids"))
    first = predecessors[0]
    if data.kind == ReorganisationKind.RENAME and (first.name, first.short_name) == (
            data.name, first.short_name if data.short_name is None else data.short_name):
        raise _error("same_name", _("The unit already has this name."), "name", 409)
    last = _last_reorganisation([*data.predecessor_ids, *data.successor_ids])
    if last is not None and data.effective_on < last:
        raise _error("before_last_reorganisation",
                     _("The effective date is before the last reorganisation of these units (%(day)s).",
                       day=last.strftime("%d/%m/%Y")), "effective_on")


# --- the preview ---------------------------------------------------------------------------------

def _target(data: ReorganisationIn, subject: str, row_id: int) -> int | None:
    if data.kind == ReorganisationKind.MERGE:
        return data.successor_ids[0] if data.successor_ids else None
    assigned = {(a.subject, a.row_id): a.to_unit_id for a in data.assignments}
    return assigned.get((subject, row_id), data.default_successor_id or data.successor_ids[0])


def _lead_after(data: ReorganisationIn, reference: UnitReference, row_id: int, lead: int) -> int | None:
    """The unit leading the coordinated work once the reorganisation is applied."""
    if lead not in data.predecessor_ids:
        return lead
    assigned = {(a.subject, a.row_id): a.to_unit_id for a in data.assignments}
    moved = [assigned[(subject, row_id)] for subject in reference.lead_subjects if (subject, row_id) in assigned]
    return moved[0] if moved else _target(data, "", row_id)


def _taken(reference: UnitReference, unit_ids: list[int]) -> set[tuple]:
    """The unique keys the successors already hold, as (key..., unit)."""
    if not reference.unique_with or not unit_ids:
        return set()
    rows = db.session.execute(sa.select(*reference.unique_with, reference.column)
                              .where(reference.column.in_(unit_ids)))
    return {tuple(row) for row in rows}


def _reference_moves(data: ReorganisationIn, reference: UnitReference) -> list[PlannedMove]:
    taken = _taken(reference, data.successor_ids)
    moves = []
    for predecessor in data.predecessor_ids:
        lead = reference.lead if reference.lead is not None else sa.null()
        rows = db.session.execute(
            sa.select(reference.row_id, reference.label, lead, *reference.unique_with)
            .where(reference.column == predecessor, reference.still_open).order_by(reference.row_id))
        for row_id, label, lead_unit, *key in rows:
            target = _target(data, reference.subject, row_id)
            doubled = (bool(reference.unique_with) and (*key, target) in taken) or (
                lead_unit is not None and _lead_after(data, reference, row_id, lead_unit) == target)
            taken.add((*key, target))
            moves.append(PlannedMove(reference.subject, row_id, label or "", predecessor, target,
                                     MoveOutcome.DROPPED if doubled else MoveOutcome.MOVED))
    return moves


def preview(data: ReorganisationIn) -> Preview:
    """Every row that applying ``data`` now would move (or drop as a double), per kind of open work."""
    check(data)
    if data.kind == ReorganisationKind.RENAME:
        return Preview([])
    moves = [move for reference in unit_references() for move in _reference_moves(data, reference)]
    known = {(m.subject, m.row_id) for m in moves}
    unknown = [a for a in data.assignments if (a.subject, a.row_id) not in known]
    if unknown:
        raise _error("unknown_assignment", _("An assigned item is not among the work that moves."), "assignments")
    return Preview(moves)


# --- applying ------------------------------------------------------------------------------------

def _lock(unit_ids: list[int]) -> None:
    """Two admins applying at once: the second waits, then finds the units inactive (PostgreSQL)."""
    db.session.execute(sa.select(Unit.id).where(Unit.id.in_(unit_ids)).with_for_update())


def _name_of(unit_id: int) -> sa.ScalarSelect:
    return sa.select(Unit.name).where(Unit.id == unit_id).scalar_subquery()


def _renamed(printed: sa.Column, from_unit: int, to_unit: int) -> sa.Case:
    """The printed name, the successor's where it was the predecessor's (a label written by hand stays)."""
    return sa.case((printed == _name_of(from_unit), _name_of(to_unit)), else_=printed)


def _execute(moves: list[PlannedMove], successor_of_new: int | None) -> None:
    references = {reference.subject: reference for reference in unit_references()}
    batches: dict[tuple, list[int]] = defaultdict(list)
    for move in moves:
        batches[(move.subject, move.from_unit_id, move.to_unit_id or successor_of_new, move.outcome)].append(
            move.row_id)
    for (subject, from_unit, to_unit, outcome), row_ids in batches.items():
        reference = references[subject]
        rows = sa.and_(reference.column == from_unit, reference.row_id.in_(row_ids))
        if outcome == MoveOutcome.DROPPED:
            db.session.execute(sa.delete(reference.table).where(rows))
            continue
        values = {reference.column.name: to_unit}
        if reference.version is not None:
            values[reference.version.name] = reference.version + 1
        if reference.printed_name is not None:
            values[reference.printed_name.name] = _renamed(reference.printed_name, from_unit, to_unit)
        db.session.execute(sa.update(reference.table).where(rows).values(values))


def _record(data: ReorganisationIn, moves: list[PlannedMove], successor_ids: list[int], applied_by: Any,
            details: dict) -> Reorganisation:
    record = Reorganisation(kind=data.kind, effective_on=data.effective_on, decision=data.decision,
                            details=details, applied_by_id=getattr(applied_by, "id", None),
                            applied_by_name=getattr(applied_by, "full_name", ""), applied_at=utcnow())
    record.moves = [UnitMove(subject=m.subject, row_id=m.row_id, label=m.label[:500], from_unit_id=m.from_unit_id,
                             to_unit_id=m.to_unit_id or successor_ids[0], outcome=m.outcome) for m in moves]
    db.session.add(record)
    db.session.flush()
    roles = [*((unit_id, UnitRole.PREDECESSOR) for unit_id in data.predecessor_ids),
             *((unit_id, UnitRole.SUCCESSOR) for unit_id in successor_ids)]
    db.session.execute(sa.insert(reorganisation_units), [
        {"reorganisation_id": record.id, "unit_id": unit_id, "role": role.value} for unit_id, role in roles])
    return record


def _rename(unit: Unit, data: ReorganisationIn) -> dict:
    """The new name, also where open work prints the old one (a draft notice's recipients)."""
    before = {"name": unit.name, "short_name": unit.short_name}
    for reference in unit_references():
        if reference.printed_name is not None and data.name:
            db.session.execute(sa.update(reference.table).where(
                reference.column == unit.id, reference.still_open, reference.printed_name == unit.name)
                .values({reference.printed_name.name: data.name}))
    unit.name = data.name or unit.name
    if data.short_name is not None:
        unit.short_name = data.short_name
    return {"name": [before["name"], unit.name], "short_name": [before["short_name"], unit.short_name]}


def apply(data: ReorganisationIn, fingerprint: str, applied_by: Any) -> Reorganisation:
    """Do exactly what the preview of ``fingerprint`` showed, or nothing: refused (409) when it has changed. The
    caller commits once; any error leaves nothing half-done. ``applied_by``: the user (None for a command)."""
    _lock([*data.predecessor_ids, *data.successor_ids])
    planned = preview(data)
    if planned.fingerprint != fingerprint:
        raise OrgError("preview_changed", _("What would move has changed since the preview: check it again."),
                       "fingerprint", 409, details=[{"field": "fingerprint", "type": "preview_changed",
                                                     "message": planned.fingerprint}])
    if data.kind == ReorganisationKind.RENAME:
        details = _rename(db.session.get(Unit, data.predecessor_ids[0]), data)
        return _record(data, [], [], applied_by, details)
    details: dict = {}
    successor_ids = list(data.successor_ids)
    if data.new_unit is not None:
        in_place_of = db.session.get(Unit, data.predecessor_ids[0])
        created = create_unit(**{**data.new_unit.model_dump(),
                                 "parent_id": data.new_unit.parent_id or in_place_of.parent_id})
        successor_ids, details = [created.id], {"created_unit_id": created.id}
    _execute(planned.moves, successor_ids[0])
    main_successor = data.default_successor_id or successor_ids[0]
    for unit in _units(data.predecessor_ids, "predecessor_ids"):
        unit.active, unit.successor_id = False, main_successor
    return _record(data, planned.moves, successor_ids, applied_by, details)


def reorganisations() -> list[Reorganisation]:
    return list(db.session.scalars(sa.select(Reorganisation).order_by(Reorganisation.effective_on.desc(),
                                                                      Reorganisation.id.desc())))


def units_of(record: Reorganisation, role: UnitRole) -> list[int]:
    return list(db.session.scalars(sa.select(reorganisation_units.c.unit_id).where(
        reorganisation_units.c.reorganisation_id == record.id, reorganisation_units.c.role == role.value)
        .order_by(reorganisation_units.c.unit_id)))


# --- today's unit --------------------------------------------------------------------------------

def today_units() -> dict[int, int]:
    """{reorganised unit: the unit that carries its work today}, following chains (A → C → D gives A → D)."""
    successors = dict(db.session.execute(sa.select(Unit.id, Unit.successor_id)
                                         .where(Unit.successor_id.isnot(None))).all())

    def last(unit_id: int) -> int:
        seen = set()
        while unit_id in successors and unit_id not in seen:
            seen.add(unit_id)
            unit_id = successors[unit_id]
        return unit_id

    return {unit_id: last(unit_id) for unit_id in successors}


def counted_as(unit_id: int, today: dict[int, int]) -> list[int]:
    """The units whose rows count as ``unit_id``'s by today's unit: itself (unless reorganised) and its
    predecessors, however far back."""
    own = [] if unit_id in today else [unit_id]
    return own + sorted(p for p, successor in today.items() if successor == unit_id)


def with_predecessors(unit_ids: sa.Select) -> sa.Select:
    """The units ``unit_ids`` selects and their predecessors, however far back, as one SQL select: a leader's
    portfolio of today's units also holds the history of the units they took over."""
    units = unit_ids.cte("carrying", recursive=True)
    taken_over = sa.select(Unit.id).where(Unit.successor_id == units.c[0])
    return sa.select(units.union(taken_over).c[0])
