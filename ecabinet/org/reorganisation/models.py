"""A reorganisation (merge, split, rename) of units, the units it involved and every row it moved."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.db import db, enum_type
from ecabinet.org.models import Unit
from ecabinet.org.reorganisation.references import UnitReference, moves_with_unit


class ReorganisationKind(enum.StrEnum):
    MERGE = "merge"
    """The predecessors end; their open work goes to one successor (existing, or created by the merge)."""
    SPLIT = "split"
    """One predecessor ends; its open work goes to the successors, item by item or to the default one."""
    RENAME = "rename"
    """The unit stays itself with a new name: nothing moves."""


class UnitRole(enum.StrEnum):
    PREDECESSOR = "predecessor"
    SUCCESSOR = "successor"


class MoveOutcome(enum.StrEnum):
    MOVED = "moved"
    DROPPED = "dropped"
    """The successor already had the same row (the same meeting's invitation, the same portfolio): the
    predecessor's is removed instead of doubled."""


reorganisation_units = sa.Table(
    "reorganisation_units",
    db.metadata,
    sa.Column("reorganisation_id", sa.ForeignKey("reorganisations.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id", ondelete="RESTRICT"), primary_key=True),
    sa.Column("role", enum_type(UnitRole, "role"), nullable=False),
    sa.Index("ix_reorganisation_units_unit", "unit_id"),
)


class Reorganisation(db.Model):
    """One applied decision (quyết định) reorganising units; never changed afterwards."""

    __tablename__ = "reorganisations"
    __auditable__ = True
    __audit_page__ = ("reorganisation.record", "reorganisation_id", "id")

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReorganisationKind] = mapped_column(enum_type(ReorganisationKind, "kind"))
    effective_on: Mapped[date] = mapped_column(index=True)
    decision: Mapped[str] = mapped_column(sa.String(500))
    """The decision and reason as cited: "Quyết định số 123/QĐ-UBND ngày 20/6/2025 …"."""
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    """For a rename the names before and after; for a merge the successor it created, if any."""
    applied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    applied_by_name: Mapped[str] = mapped_column(sa.String(255), default="")
    """The full name of whoever applied it, as it was then."""
    applied_at: Mapped[datetime]

    moves: Mapped[list[UnitMove]] = relationship(back_populates="reorganisation", order_by="UnitMove.id",
                                                 cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Reorganisation {self.id} {self.kind}>"


class UnitMove(db.Model):
    """One row that a reorganisation moved from a predecessor to a successor (or dropped as a double)."""

    __tablename__ = "reorganisation_moves"
    __auditable__ = True
    __audit_page__ = ("reorganisation.record", "reorganisation_id", "reorganisation_id")
    __table_args__ = (sa.Index("ix_reorganisation_moves_subject", "subject", "row_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reorganisation_id: Mapped[int] = mapped_column(sa.ForeignKey("reorganisations.id", ondelete="CASCADE"),
                                                   index=True)
    subject: Mapped[str] = mapped_column(sa.String(32))
    """What moved: "task", "task_part", "task_coordinator", "material_request", "invitation"… (the
    ``UnitReference.subject`` that moved it)."""
    row_id: Mapped[int]
    """The row's id (for a link table, the id of its other side: the task, the user)."""
    label: Mapped[str] = mapped_column(sa.String(500), default="")
    """What the row was when it moved (a task's content, a meeting's title, a person's name), kept also for a
    row dropped as a double."""
    from_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="RESTRICT"))
    to_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="RESTRICT"))
    outcome: Mapped[MoveOutcome] = mapped_column(enum_type(MoveOutcome, "outcome"), default=MoveOutcome.MOVED)

    reorganisation: Mapped[Reorganisation] = relationship(back_populates="moves")


_units = Unit.__table__.c
moves_with_unit(UnitReference("sub_unit", _units.parent_id, _units.id, _units.name, _units.active.is_(True),
                              shows_work=False))
