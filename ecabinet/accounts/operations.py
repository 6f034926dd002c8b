"""Accounts: passwords, login with throttling, API tokens, user administration.

No request objects here: callers pass the client address and the acting user.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

from ecabinet.accounts.models import ApiToken, LoginThrottle, Role, User, UserRole
from ecabinet.core import signals
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.org.models import Sector, Unit

MIN_PASSWORD_LENGTH = 8


STATUS_BY_CODE = {"username_taken": 409, "wrong_password": 403}


class AccountError(DomainError):
    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(code, message, field, STATUS_BY_CODE.get(code, 422))


class LoginThrottled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


class BadCredentials(Exception):
    pass


# --- passwords ----------------------------------------------------------------------------

def _hasher() -> PasswordHasher:
    """Argon2id with the configured cost; a stored hash carries its own cost, so it can change."""
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_KIB"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()


# --- login and throttling ------------------------------------------------------------------

def _throttle_key(username: str, address: str | None) -> str:
    return f"{username.lower()[:255]}|{address or '-'}"


def _delay_after(failures: int) -> int:
    """Seconds to wait after ``failures`` consecutive failures: free at first, then doubling."""
    cfg = current_app.config
    excess = failures - cfg["LOGIN_FREE_FAILURES"]
    if excess < 0:
        return 0
    return min(cfg["LOGIN_BASE_DELAY_SECONDS"] * 2 ** min(excess, 20), cfg["LOGIN_MAX_DELAY_SECONDS"])


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds() + 0.999))


def authenticate(username: str, password: str, address: str | None, *, channel: str,
                 now: datetime | None = None) -> User:
    """The active user with these credentials, or ``BadCredentials`` / ``LoginThrottled``.

    Every outcome is told by signal (and so audited); the caller commits.
    """
    now = now or utcnow()
    key = _throttle_key(username, address)
    throttle = db.session.get(LoginThrottle, key, with_for_update=True)
    if throttle and throttle.locked_until and throttle.locked_until > now:
        retry_after = _seconds_until(throttle.locked_until, now)
        signals.login_failed.send(None, username=username, reason="throttled", retry_after=retry_after)
        raise LoginThrottled(retry_after)

    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    valid = user is not None and password_matches(user, password)
    if not valid or not user.active:
        reason = "inactive" if valid else "bad-credentials"
        retry_after = _register_failure(throttle, key, now)
        signals.login_failed.send(None, username=username, reason=reason, retry_after=retry_after)
        raise BadCredentials()

    if throttle is not None:
        db.session.delete(throttle)
    user.last_login_at = now
    signals.user_logged_in.send(user, user=user, channel=channel)
    return user


def _register_failure(throttle: LoginThrottle | None, key: str, now: datetime) -> int:
    if throttle is None:
        throttle = LoginThrottle(key=key, failures=0)
        db.session.add(throttle)
    throttle.failures += 1
    throttle.last_failure_at = now
    delay = _delay_after(throttle.failures)
    throttle.locked_until = now + timedelta(seconds=delay) if delay else None
    return delay


def logout(user: User) -> None:
    signals.user_logged_out.send(user, user=user)


# --- API tokens ----------------------------------------------------------------------------

@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_in: int


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, now: datetime | None = None) -> IssuedToken:
    now = now or utcnow()
    ttl = current_app.config["API_TOKEN_TTL_SECONDS"]
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=_token_hash(token), created_at=now,
                            expires_at=now + timedelta(seconds=ttl)))
    return IssuedToken(token=token, expires_in=ttl)


def _valid_token(token: str, now: datetime | None = None) -> ApiToken | None:
    """The unexpired, unrevoked token of an active user."""
    now = now or utcnow()
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.active:
        return None
    return row


def user_for_token(token: str, now: datetime | None = None) -> User | None:
    """The active owner of a valid, unexpired, unrevoked token."""
    row = _valid_token(token, now)
    return row.user if row is not None else None


def revoke_token(token: str) -> bool:
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _token_hash(token),
                                                      ApiToken.revoked_at.is_(None)))
    if row is None:
        return False
    row.revoked_at = utcnow()
    return True


def _revoke_all_tokens(user: User) -> None:
    db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))


def _session_parts(session_id: str) -> tuple[int, int] | None:
    """The user id and session version of a login session id ``"<id>:<session_version>"``."""
    user_id, _, version = session_id.partition(":")
    return (int(user_id), int(version)) if user_id.isdigit() and version.isdigit() else None


def user_for_session_id(session_id: str) -> User | None:
    """The user of a login session id ``"<id>:<session_version>"``, if still valid."""
    parts = _session_parts(session_id)
    user = db.session.get(User, parts[0]) if parts is not None else None
    if user is None or user.session_version != parts[1] or not user.active:
        return None
    return user


# --- credentials of open connections ---------------------------------------------------------

@dataclass(frozen=True)
class Credential:
    """What a long-lived connection (a socket) was accepted with: a sign-in session, by its id as in
    ``User.get_id()``, or an API token, by its row id."""

    user_id: int
    session_id: str | None = None
    token_id: int | None = None


def session_credential(user: User) -> Credential:
    return Credential(user.id, session_id=user.get_id())


def token_credential(token: str) -> Credential | None:
    row = _valid_token(token)
    return Credential(row.user_id, token_id=row.id) if row is not None else None


def live_credentials(credentials: Collection[Credential], now: datetime | None = None) -> set[Credential]:
    """Those of ``credentials`` still live, in one query: the user is active and the session not ended (signed
    out, password changed, deactivated), or the token neither revoked nor expired."""
    if not credentials:
        return set()
    token_ids = {c.token_id for c in credentials if c.token_id is not None}
    rows = db.session.execute(
        sa.select(User.id, User.session_version, ApiToken.id)
        .outerjoin(ApiToken, sa.and_(ApiToken.user_id == User.id, ApiToken.id.in_(token_ids),
                                     ApiToken.revoked_at.is_(None), ApiToken.expires_at > (now or utcnow())))
        .where(User.id.in_({c.user_id for c in credentials}), User.active))
    sessions, tokens = set(), set()
    for user_id, session_version, token_id in rows:
        sessions.add((user_id, session_version))
        tokens.add((user_id, token_id))
    return {c for c in credentials
            if ((c.user_id, c.token_id) in tokens if c.token_id is not None
                else c.session_id is not None and _session_parts(c.session_id) in sessions)}


def credential_is_live(credential: Credential) -> bool:
    return credential in live_credentials([credential])


# --- self-service --------------------------------------------------------------------------

def check_password_strength(password: str, username: str, field: str = "new_password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("weak_password", _("The password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
                           field)
    if password.lower() == username.lower():
        raise AccountError("weak_password", _("The password must differ from the username."), field)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change one's own password; every other session and token of the user ends."""
    if not password_matches(user, current_password):
        raise AccountError("wrong_password", _("The current password is wrong."), "current_password")
    check_password_strength(new_password, user.username)
    _set_password(user, new_password)
    _end_sessions(user)
    signals.password_changed.send(user, user=user, by_admin=False)


def _end_sessions(user: User) -> None:
    user.session_version += 1
    _revoke_all_tokens(user)


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
    username = data.username.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise AccountError("username_taken", _("The username %(name)s is taken.", name=username), "username")
    if not data.password:
        raise AccountError("weak_password", _("A password is required."), "password")
    check_password_strength(data.password, username, "password")
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
        _end_sessions(user)


def reset_password(user: User, new_password: str) -> None:
    check_password_strength(new_password, user.username)
    _set_password(user, new_password)
    _end_sessions(user)
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
