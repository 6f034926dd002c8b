"""Accounts: the rules of a new password, changing one's own, user administration.

Passwords, sign-in and its throttle, sessions and tokens are in the sibling modules; no request objects here:
callers pass the client address and the acting user.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ecabinet.accounts.models import Role, User, UserRole
from ecabinet.accounts.passwords import hash_password, password_matches, set_password
from ecabinet.accounts.sessions import Credential, end_sessions
from ecabinet.accounts.throttling import BadCredentials, LoginThrottled, canonical_username, checked_credentials
from ecabinet.core import signals
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.org.models import Sector, Unit

STATUS_BY_CODE = {"username_taken": 409, "wrong_password": 403, "login_throttled": 429}


class AccountError(DomainError):
    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(code, message, field, STATUS_BY_CODE.get(code, 422))


# --- self-service --------------------------------------------------------------------------

@functools.cache
def _common_passwords() -> frozenset[str]:
    """zxcvbn's lists: some 12 MB, loaded by the first password change instead of by every server process at
    start (by name: a third-party module, no cycle to hide)."""
    return frozenset(importlib.import_module("zxcvbn.frequency_lists").FREQUENCY_LISTS["passwords"])


def check_password_strength(password: str, user: User | None, username: str, field: str = "new_password") -> None:
    """The rules of a new password: long enough, not a common one, not the username, not the current one."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise AccountError("weak_password", _("The password needs at least %(n)d characters.", n=minimum), field)
    folded = canonical_username(password)  # " PCT" is the username "pct" too
    if folded == canonical_username(username):
        raise AccountError("weak_password", _("The password must differ from the username."), field)
    if folded in _common_passwords():
        raise AccountError("weak_password", _("This password is among the most common ones; choose another."),
                           field)
    if user is not None and password_matches(user, password):
        raise AccountError("weak_password", _("The new password must differ from the current one."), field)


def change_password(user: User, current_password: str, new_password: str, *, address: str | None,
                    keep: Credential | None = None) -> None:
    """Change one's own password; every session and token of the user but ``keep`` (the one in use) ends.

    The current password is checked against the same budgets as a sign-in: a stolen session cannot guess it.
    """
    try:
        checked_credentials(user.username, current_password, address, utcnow())
    except LoginThrottled as exc:
        raise AccountError("login_throttled", _("Too many failed sign-ins. Try again in %(seconds)d seconds.",
                                                seconds=exc.retry_after), "current_password") from None
    except BadCredentials:
        raise AccountError("wrong_password", _("The current password is wrong."), "current_password") from None
    check_password_strength(new_password, user, user.username)
    set_password(user, new_password)
    end_sessions(user, keep)
    signals.password_changed.send(user, user=user, by_admin=False)


# --- administration -------------------------------------------------------------------------

@dataclass
class UserData:
    username: str
    full_name: str
    unit_id: int
    roles: list[Role]
    position_title: str = ""
    email: str | None = None
    phone: str | None = None
    password: str | None = None
    sector_ids: list[int] | None = None
    portfolio_unit_ids: list[int] | None = None


def _unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise AccountError("unknown_unit", _("No such unit."), "unit_id")
    return unit


def _set_roles(user: User, roles: list[Role]) -> None:
    wanted = set(roles)
    if not wanted:
        raise AccountError("no_role", _("A user needs at least one role."), "roles")
    user.role_links = [link for link in user.role_links if link.role in wanted] + [
        UserRole(role=r) for r in sorted(wanted - user.roles)
    ]


def _by_ids(model: type, ids: list[int], field: str) -> list:
    rows = list(db.session.scalars(sa.select(model).where(model.id.in_(ids)))) if ids else []
    if len(rows) != len(set(ids)):
        missing = set(ids) - {r.id for r in rows}
        raise AccountError("unknown_reference", _("Unknown ids: %(ids)s", ids=sorted(missing)), field)
    return rows


def set_portfolio(user: User, sector_ids: list[int] | None, unit_ids: list[int] | None) -> None:
    if sector_ids is not None:
        user.portfolio_sectors = _by_ids(Sector, sector_ids, "sector_ids")
    if unit_ids is not None:
        user.portfolio_units = _by_ids(Unit, unit_ids, "portfolio_unit_ids")


def create_user(data: UserData) -> User:
    username = canonical_username(data.username)
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise AccountError("username_taken", _("The username %(name)s is taken.", name=username), "username")
    if not data.password:
        raise AccountError("weak_password", _("A password is required."), "password")
    check_password_strength(data.password, None, username, "password")
    user = User(username=username, full_name=data.full_name.strip(), unit=_unit(data.unit_id),
                position_title=data.position_title.strip(), email=data.email, phone=data.phone,
                password_hash=hash_password(data.password), password_changed_at=utcnow())
    _set_roles(user, data.roles)
    set_portfolio(user, data.sector_ids, data.portfolio_unit_ids)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, *, full_name: str | None = None, unit_id: int | None = None,
                position_title: str | None = None, email: str | None = None, phone: str | None = None,
                roles: list[Role] | None = None, sector_ids: list[int] | None = None,
                portfolio_unit_ids: list[int] | None = None) -> User:
    """Change the given fields (``None`` leaves one as it is), recorded as one audit event."""
    with db.session.no_autoflush:
        _update_user(user, full_name, unit_id, position_title, email, phone, roles, sector_ids,
                     portfolio_unit_ids)
    return user


def _update_user(user: User, full_name: str | None, unit_id: int | None, position_title: str | None,
                 email: str | None, phone: str | None, roles: list[Role] | None, sector_ids: list[int] | None,
                 portfolio_unit_ids: list[int] | None) -> None:
    if full_name is not None:
        user.full_name = full_name.strip()
    if unit_id is not None:
        user.unit = _unit(unit_id)
    if position_title is not None:
        user.position_title = position_title.strip()
    if email is not None:
        user.email = email or None
    if phone is not None:
        user.phone = phone or None
    if roles is not None:
        _set_roles(user, roles)
    set_portfolio(user, sector_ids, portfolio_unit_ids)


def set_active(user: User, active: bool, *, by: User) -> None:
    """Activate or deactivate an account; deactivating ends its sessions and tokens at once."""
    if not active and user.id == by.id:
        raise AccountError("self_deactivation", _("You cannot deactivate your own account."), "active")
    user.active = active
    if not active:
        end_sessions(user)


def end_all_sessions(user: User, *, by: User) -> None:
    """An administrator signs ``user`` out everywhere: every session and token ends."""
    if user.id == by.id:
        raise AccountError("self_end_sessions", _("Use your own sessions page to sign yourself out."), "user_id")
    end_sessions(user)
    signals.session_ended.send(by, user=user, what="all sessions and tokens")


def reset_password(user: User, new_password: str) -> None:
    check_password_strength(new_password, user, user.username)
    set_password(user, new_password)
    end_sessions(user)
    signals.password_changed.send(user, user=user, by_admin=True)


def list_users(*, search: str | None = None, unit_id: int | None = None, role: Role | None = None,
               active: bool | None = None, page: int = 1, per_page: int = 50) -> tuple[list[User], int]:
    query = sa.select(User)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.full_name).like(pattern), User.username.like(pattern)))
    if unit_id is not None:
        query = query.where(User.unit_id == unit_id)
    if role is not None:
        query = query.where(User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)))
    if active is not None:
        query = query.where(User.active.is_(active))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    users = db.session.scalars(query.order_by(User.username).limit(per_page).offset((page - 1) * per_page))
    return list(users), total


def demo_accounts_exist() -> bool:
    return db.session.scalar(sa.select(sa.exists().where(User.is_demo.is_(True)))) or False


@dataclass
class Provisioned:
    """A user as an external source (demo data, a directory) says it should be."""

    username: str
    full_name: str
    unit: Unit
    roles: list[Role]
    position_title: str = ""
    email: str | None = None
    sectors: list[Sector] | None = None
    portfolio_units: list[Unit] | None = None


def ensure_user(spec: Provisioned, *, password_hash: str, is_demo: bool = False) -> tuple[User, bool]:
    """Create the user, or bring an existing one to ``spec`` without touching its password.

    Returns the user and whether it was created; applying the same spec again changes nothing.
    """
    user = db.session.scalar(sa.select(User).where(User.username == spec.username))
    created = user is None
    if user is None:
        user = User(username=spec.username, password_hash=password_hash, password_changed_at=utcnow(),
                    is_demo=is_demo)
        db.session.add(user)
    for key, value in (("full_name", spec.full_name), ("unit", spec.unit), ("position_title", spec.position_title),
                       ("email", spec.email)):
        if getattr(user, key) != value:
            setattr(user, key, value)
    if user.roles != set(spec.roles):
        _set_roles(user, spec.roles)
    if spec.sectors is not None and {s.id for s in user.portfolio_sectors} != {s.id for s in spec.sectors}:
        user.portfolio_sectors = spec.sectors
    if spec.portfolio_units is not None and \
            {u.id for u in user.portfolio_units} != {u.id for u in spec.portfolio_units}:
        user.portfolio_units = spec.portfolio_units
    return user, created


def users_with_role(role: Role, unit_ids: list[int] | None = None) -> list[User]:
    """Active users holding ``role``, optionally only in these units."""
    query = sa.select(User).where(User.active.is_(True),
                                  User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)))
    if unit_ids is not None:
        query = query.where(User.unit_id.in_(unit_ids))
    return list(db.session.scalars(query.order_by(User.id)))


def liaisons_of(unit_ids: list[int]) -> list[User]:
    """The active agency liaisons of these units: who receives what is sent to an agency."""
    return users_with_role(Role.AGENCY_LIAISON, unit_ids) if unit_ids else []
