"""What refers to a unit and moves with its open work when the unit is merged or split.

The domains above ``org`` declare their references here (at the end of their models), so that a
reorganisation moves every kind of open work without ``org`` knowing the domains.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa


@dataclass(frozen=True)
class UnitReference:
    subject: str
    """The name of what moves, in previews and in the record of moves ("task", "invitation"…)."""
    column: sa.Column
    """The unit column that is rewritten to the successor."""
    row_id: sa.Column
    """With ``column``, identifies one row: the id, or for a link table its other side."""
    label: sa.ColumnElement
    """What a preview shows of a row (a task's content, a meeting's title, a person's name)."""
    still_open: sa.ColumnElement[bool]
    """The rows that move; the others (closed work) keep their historic unit."""
    unique_with: tuple[sa.Column, ...] = ()
    """The columns unique together with ``column``: a row the successor already has is dropped, not doubled."""
    version: sa.Column | None = None
    """The row's optimistic-lock counter, raised by a move so that an edit begun before it is refused."""
    shows_work: bool = True
    """Whether the label tells of work (tasks, meetings) that only the Office may see in a preview."""
    lead: sa.ColumnElement | None = None
    """For a coordinating agency's link, the unit leading the work: a link that would have an agency coordinate
    the work it leads itself after the move is dropped."""
    lead_subjects: tuple[str, ...] = ()
    """The subjects whose rows (of the same id) are the work ``lead`` leads, to follow where they move."""
    printed_name: sa.Column | None = None
    """A copy of the unit's name printed with the row (a notice's "Nơi nhận" line): when it is the
    predecessor's name, it becomes the successor's."""

    @property
    def table(self) -> sa.Table:
        return self.column.table


_references: list[UnitReference] = []


def moves_with_unit(reference: UnitReference) -> None:
    """Declare a reference (once, when the declaring models are imported)."""
    if all(known.subject != reference.subject for known in _references):
        _references.append(reference)


def unit_references() -> tuple[UnitReference, ...]:
    return tuple(_references)
