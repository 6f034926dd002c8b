"""Units of the province and the sectors (lĩnh vực) that portfolios are made of."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.db import TimestampMixin, db, enum_type


class UnitKind(enum.StrEnum):
    PROVINCE = "province"
    OFFICE = "office"
    OFFICE_DIVISION = "office_division"
    DEPARTMENT = "department"
    DISTRICT = "district"  # none since 1 July 2025 (two tiers): kept for the units of earlier history
    COMMUNE = "commune"  # xã, phường or đặc khu
    OTHER = "other"


class Unit(TimestampMixin, db.Model):
    """A body of the province: the UBND itself, its Office and divisions, an agency or a locality.

    Units are data, not code: the Offices were reorganised twice in six years, so admins
    rename, move and deactivate units instead of deleting them (history keeps pointing here).
    """

    __tablename__ = "units"
    __auditable__ = True
    __table_args__ = (
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        sa.CheckConstraint("length(code) BETWEEN 2 AND 32", name="code_length"),
        sa.CheckConstraint("successor_id IS NULL OR successor_id <> id", name="not_own_successor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    """Short stable identifier, lowercase ASCII; also the username of the demo liaison."""
    name: Mapped[str] = mapped_column(sa.String(255))
    short_name: Mapped[str] = mapped_column(sa.String(64), default="")
    kind: Mapped[UnitKind] = mapped_column(enum_type(UnitKind, "kind"))
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    successor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id", ondelete="RESTRICT"))
    """The unit that took over this one's work when a reorganisation ended it (merged, or split: the unit
    taking the rest); statistics by today's unit count its history there, following chains."""

    parent: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[parent_id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", foreign_keys=[parent_id],
                                                order_by="(Unit.sort_order, Unit.name)")

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Sector(TimestampMixin, db.Model):
    """A field of work (lĩnh vực): economy, health, land… Portfolios and tasks are grouped by it."""

    __tablename__ = "sectors"
    __auditable__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Sector {self.code}>"
