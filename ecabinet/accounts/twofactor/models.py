"""A user's authenticator secret and recovery codes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.accounts.models import User
from ecabinet.core.db import CreatedAtMixin, db


class TwoFactor(CreatedAtMixin, db.Model):
    """The TOTP secret of one user: enrolled once ``confirmed_at`` is set by a first valid code."""

    __tablename__ = "two_factor"
    __auditable__ = True
    __audit_exclude__ = frozenset({"secret", "recovery_salt", "last_used_step", "failures", "failures_since",
                                   "recovery_codes"})
    __table_args__ = (sa.CheckConstraint("failures >= 0", name="failures_not_negative"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(sa.String(64))
    """Base32, as the authenticator app is given it: a TOTP check needs the secret itself, not a hash."""
    recovery_salt: Mapped[str] = mapped_column(sa.String(32))
    confirmed_at: Mapped[datetime | None]
    last_used_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    """The 30-second step of the last code accepted: that code and earlier ones are refused (no replay)."""
    failures: Mapped[int] = mapped_column(default=0)
    """Wrong codes since ``failures_since``: the window of the per-account throttle."""
    failures_since: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(cascade="all, delete-orphan",
                                                              passive_deletes=True)


class RecoveryCode(db.Model):
    """A one-time code for when the authenticator is lost; only a salted SHA-256 of it is stored."""

    __tablename__ = "two_factor_recovery_codes"
    __table_args__ = (sa.UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("two_factor.user_id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None]
