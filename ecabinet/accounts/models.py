"""Users, their roles and portfolios, sign-in sessions, API tokens and the login throttle."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.db import CreatedAtMixin, TimestampMixin, db, enum_type
from ecabinet.org.models import Sector, Unit
from ecabinet.org.reorganisation.references import UnitReference, moves_with_unit


class Role(enum.StrEnum):
    ADMIN = "admin"
    SECRETARIAT = "secretariat"
    """Chuyên viên of the Office: prepares meetings, collects materials, urges agencies."""
    OFFICE_LEADER = "office_leader"
    """Chánh / Phó Chánh Văn phòng: reviews notices, overrides room clashes."""
    CLERK = "clerk"
    """Văn thư: keeps the document registers and issues numbers."""
    LEADER = "leader"
    """Chủ tịch, Phó Chủ tịch: chairs meetings, approves notices, assigns tasks."""
    MEMBER = "member"
    """A member of the UBND, for example a Giám đốc sở: attends and votes."""
    AGENCY_LIAISON = "agency_liaison"
    """Acts for its own unit: uploads materials, reports on the unit's tasks."""
    VIEWER = "viewer"


class Locale(enum.StrEnum):
    VI = "vi"
    EN = "en"


portfolio_sectors = sa.Table(
    "portfolio_sectors",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("sector_id", sa.ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True),
)

portfolio_units = sa.Table(
    "portfolio_units",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __auditable__ = True
    __audit_exclude__ = frozenset({"password_hash", "last_login_at"})
    __table_args__ = (
        sa.CheckConstraint("username = lower(username)", name="username_lowercase"),
        sa.CheckConstraint("length(username) BETWEEN 2 AND 64", name="username_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(255))
    email: Mapped[str | None] = mapped_column(sa.String(255))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    position_title: Mapped[str] = mapped_column(sa.String(255), default="")
    """Chức vụ as printed on documents, e.g. "Phó Chủ tịch UBND tỉnh"."""
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    """Created by seed-demo; production refuses to start while such an account exists."""
    locale: Mapped[Locale] = mapped_column(enum_type(Locale, "locale"), default=Locale.VI)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship(lazy="joined")
    role_links: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    portfolio_sectors: Mapped[list[Sector]] = relationship(secondary=portfolio_sectors, order_by=Sector.name)
    portfolio_units: Mapped[list[Unit]] = relationship(secondary=portfolio_units, order_by=Unit.name)

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(link.role for link in self.role_links)

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    login_session_key = None
    """The secret of the sign-in session (``UserSession``) this object was loaded by or signed in with: what
    Flask-Login keeps in the signed cookie. Not a column; set by ``accounts.sessions``."""

    def get_id(self) -> str | None:
        return self.login_session_key

    def __eq__(self, other: object) -> bool:  # UserMixin's compares get_id(), the session secret, not the user
        return other is self or (isinstance(other, User) and self.id is not None and other.id == self.id)

    __hash__ = UserMixin.__hash__


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_links")

    def __repr__(self) -> str:
        return f"<UserRole {self.role}>"


class UserSession(CreatedAtMixin, db.Model):
    """One signed-in browser (a device): the cookie names it by a secret whose SHA-256 alone is stored here, and
    every request checks it, so signing out, an admin or a password change ends it on the server."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    last_seen_at: Mapped[datetime]
    user_agent: Mapped[str | None] = mapped_column(sa.String(255))
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ApiToken(CreatedAtMixin, db.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored, never the token."""

    __tablename__ = "api_tokens"
    __table_args__ = (sa.CheckConstraint("expires_at > created_at", name="expires_after_creation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    user_agent: Mapped[str | None] = mapped_column(sa.String(255))
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Consecutive failed sign-ins counted against one budget, and how long that budget must wait."""

    __tablename__ = "login_throttles"
    __table_args__ = (sa.CheckConstraint("failures >= 0", name="failures_not_negative"),)

    key: Mapped[str] = mapped_column(sa.String(320), primary_key=True)
    """The budget: ``pair:<username>|<address>`` (strict), ``account:<username>`` and ``address:<address>``
    (looser: locking by name alone quickly would let anyone lock a leader out). See ``accounts.throttling``."""
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]


_users = User.__table__.c
moves_with_unit(UnitReference("user", _users.unit_id, _users.id, _users.full_name, _users.active.is_(True),
                              shows_work=False))
moves_with_unit(UnitReference(
    "portfolio", portfolio_units.c.unit_id, portfolio_units.c.user_id,
    sa.select(_users.full_name).where(_users.id == portfolio_units.c.user_id).scalar_subquery(), sa.true(),
    unique_with=(portfolio_units.c.user_id,), shows_work=False))
