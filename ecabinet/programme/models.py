"""The UBND's work programme (chương trình công tác năm): what is to be presented to its sessions, and when.

A programme per year lists items (đề án, báo cáo, quyết định…), each planned for a month or a quarter with a
lead agency and the leader in charge. Once entered, the programme changes only by adjustments (add, move, drop)
that the secretariat proposes with a reason and the programme's chair (Chủ tịch UBND tỉnh) approves or refuses;
every step is kept in the item's history.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.accounts.models import User
from ecabinet.core.db import CreatedAtMixin, TimestampMixin, db, enum_type
from ecabinet.materials.models import AgendaItem
from ecabinet.org.models import Unit
from ecabinet.org.reorganisation.references import UnitReference, moves_with_unit


class ItemKind(enum.StrEnum):
    SCHEME = "scheme"  # đề án
    REPORT = "report"  # báo cáo
    DECISION = "decision"  # quyết định
    RESOLUTION = "resolution"  # nghị quyết (trình HĐND)
    PLAN = "plan"  # kế hoạch
    OTHER = "other"


class PeriodKind(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


class ItemState(enum.StrEnum):
    PROPOSED = "proposed"
    """Added by an adjustment the chair has not decided yet."""
    PLANNED = "planned"
    ON_AGENDA = "on_agenda"
    DONE = "done"
    """Presented at a session that was held."""
    DROPPED = "dropped"
    """Taken out of the programme by an approved adjustment (or an addition refused)."""


OPEN_STATES = (ItemState.PLANNED, ItemState.ON_AGENDA)
"""Items still to be presented: those reminded and reported as behind once their period is over."""


class AdjustmentKind(enum.StrEnum):
    ADD = "add"
    MOVE = "move"
    DROP = "drop"


class AdjustmentStatus(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REFUSED = "refused"


class EventKind(enum.StrEnum):
    ENTERED = "entered"
    IMPORTED = "imported"
    PROPOSED = "proposed"
    APPROVED = "approved"
    REFUSED = "refused"
    PUT_ON_AGENDA = "put_on_agenda"
    PRESENTED = "presented"
    REMINDED = "reminded"


class Programme(TimestampMixin, db.Model):
    __tablename__ = "programmes"
    __auditable__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    chair_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    """The Chủ tịch UBND tỉnh, who approves or refuses the adjustments."""
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    chair: Mapped[User] = relationship(foreign_keys=[chair_id], lazy="joined")


class ProgrammeItem(TimestampMixin, db.Model):
    __tablename__ = "programme_items"
    __auditable__ = True
    __table_args__ = (
        sa.CheckConstraint("(period_kind = 'month' AND period BETWEEN 1 AND 12) OR "
                           "(period_kind = 'quarter' AND period BETWEEN 1 AND 4)", name="period_in_range"),
        sa.Index("ix_programme_items_programme_period", "programme_id", "period_kind", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(1000))
    kind: Mapped[ItemKind] = mapped_column(enum_type(ItemKind, "kind"))
    period_kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind, "period_kind"))
    period: Mapped[int]
    """The month (1–12) or the quarter (1–4) of the programme's year."""
    lead_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    """The agency that prepares and presents it (cơ quan chủ trì): a department or a commune."""
    leader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    """The leader in charge (lãnh đạo phụ trách)."""
    state: Mapped[ItemState] = mapped_column(enum_type(ItemState, "state"), default=ItemState.PLANNED, index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="SET NULL"),
                                                       index=True)
    """The agenda item it was put on (the latest, when a session put it off)."""
    presented_at: Mapped[datetime | None]
    reminded_for: Mapped[str | None] = mapped_column(sa.String(16))
    """The period (``2027-03``, ``2027-Q1``) whose lateness the lead agency was reminded of: once per period."""

    programme: Mapped[Programme] = relationship()
    lead_unit: Mapped[Unit] = relationship(lazy="joined")
    leader: Mapped[User | None] = relationship(lazy="joined")
    agenda_item: Mapped[AgendaItem | None] = relationship()
    adjustments: Mapped[list[Adjustment]] = relationship(back_populates="item", order_by="Adjustment.id")
    events: Mapped[list[ItemEvent]] = relationship(back_populates="item", order_by="ItemEvent.id",
                                                   cascade="all, delete-orphan")


class Adjustment(CreatedAtMixin, db.Model):
    """A change of the programme proposed by the secretariat, with its reason, and the chair's decision."""

    __tablename__ = "programme_adjustments"
    __auditable__ = True
    __table_args__ = (
        sa.CheckConstraint("kind <> 'move' OR (new_period_kind IS NOT NULL AND new_period IS NOT NULL)",
                           name="move_has_period"),
        sa.CheckConstraint("(status = 'proposed') = (decided_at IS NULL)", name="decided_when_not_proposed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("programme_items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AdjustmentKind] = mapped_column(enum_type(AdjustmentKind, "kind"))
    reason: Mapped[str] = mapped_column(sa.String(1000))
    new_period_kind: Mapped[PeriodKind | None] = mapped_column(enum_type(PeriodKind, "new_period_kind"))
    new_period: Mapped[int | None]
    status: Mapped[AdjustmentStatus] = mapped_column(enum_type(AdjustmentStatus, "status"),
                                                     default=AdjustmentStatus.PROPOSED, index=True)
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(sa.String(1000), default="")

    item: Mapped[ProgrammeItem] = relationship(back_populates="adjustments")
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class ItemEvent(db.Model):
    """One entry of an item's history, shown on its page."""

    __tablename__ = "programme_item_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("programme_items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, "kind"))
    at: Mapped[datetime]
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    details: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    item: Mapped[ProgrammeItem] = relationship(back_populates="events")
    by: Mapped[User | None] = relationship()


_items = ProgrammeItem.__table__.c
moves_with_unit(UnitReference("programme_item", _items.lead_unit_id, _items.id, _items.title,
                              _items.state.in_([s.value for s in (ItemState.PROPOSED, *OPEN_STATES)])))
