"""A browser that keeps a briefcase: whose it is, what it holds, and whether it was revoked."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.accounts.models import User
from ecabinet.core.db import CreatedAtMixin, db


class BriefcaseDevice(CreatedAtMixin, db.Model):
    __tablename__ = "briefcase_devices"
    __auditable__ = True
    __audit_exclude__ = frozenset({"public_id", "last_seen_at", "cached", "session_id"})
    """Written at every sync: the log keeps registering, renaming and revoking."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    """What the browser keeps to name itself (not a credential: every call also needs the user's session)."""
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_sessions.id", ondelete="SET NULL"))
    """The sign-in session it last synced with: revoking the device ends it."""
    name: Mapped[str] = mapped_column(sa.String(100))
    user_agent: Mapped[str | None] = mapped_column(sa.String(255))
    last_seen_at: Mapped[datetime]
    cached: Mapped[list] = mapped_column(sa.JSON, default=list)
    """What the browser reported holding: ``[{"meeting_id", "material_id", "key"}]`` (``material_id`` None for
    the meeting pack)."""
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
