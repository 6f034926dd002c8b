"""The outgoing-document register (sổ đăng ký văn bản đi): numbers per year and document symbol."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.accounts.models import User
from ecabinet.core.db import db, enum_type


class NumberStatus(enum.StrEnum):
    ISSUED = "issued"
    CANCELLED = "cancelled"
    """Taken by a document that was then withdrawn: the number stays used, never given again."""


class DocumentRegister(db.Model):
    """The counter of one register: a year and a document symbol such as ``TB-UBND``.

    Numbers restart at 1 each year (Decree 30, art. 15). Taking a number raises ``last_number`` with an
    UPDATE, which locks the row until the issuing transaction ends: two clerks issuing at once get
    consecutive numbers, and a rolled-back issue gives its number back, so none is skipped.
    """

    __tablename__ = "document_registers"
    __table_args__ = (
        sa.UniqueConstraint("symbol", "year", name="uq_document_registers_symbol_year"),
        sa.CheckConstraint("last_number >= 0", name="last_number_not_negative"),
        sa.CheckConstraint("year BETWEEN 2000 AND 2200", name="year_plausible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    symbol: Mapped[str] = mapped_column(sa.String(32))
    year: Mapped[int]
    last_number: Mapped[int] = mapped_column(default=0)


class RegisterNumber(db.Model):
    """One number given out by a register, and what became of it."""

    __tablename__ = "register_numbers"
    __table_args__ = (
        sa.UniqueConstraint("register_id", "number", name="uq_register_numbers_register_number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint("status <> 'cancelled' OR (cancel_reason IS NOT NULL AND cancelled_at IS NOT NULL)",
                           name="cancellation_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(sa.ForeignKey("document_registers.id"), index=True)
    number: Mapped[int]
    number_symbol: Mapped[str] = mapped_column(sa.String(64))
    """As printed: "15/TB-UBND"."""
    summary: Mapped[str] = mapped_column(sa.String(500))
    """The document's trích yếu, as the register book lists it; the document points here
    (``Notice.register_number_id``)."""
    status: Mapped[NumberStatus] = mapped_column(enum_type(NumberStatus, "status"), default=NumberStatus.ISSUED)
    taken_at: Mapped[datetime]
    taken_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(1000))

    register: Mapped[DocumentRegister] = relationship(lazy="joined")
    taken_by: Mapped[User] = relationship(foreign_keys=[taken_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
