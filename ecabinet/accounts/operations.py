"""Accounts: passwords, login with throttling, API tokens, user administration.

No request objects here: callers pass the client address and the acting user.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import secrets
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

from ecabinet.accounts.models import ApiToken, LoginThrottle, Role, User, UserRole, UserSession
from ecabinet.core import offload, signals
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db, upsert_insert, waiting_for_locks
from ecabinet.core.exceptions import DomainError
from ecabinet.org.models import Sector, Unit

STATUS_BY_CODE = {"username_taken": 409, "wrong_password": 403, "login_throttled": 429}


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
    return offload.in_thread(_hasher().hash, password)


@functools.cache
def _dummy_hash(time_cost: int, memory_cost: int) -> str:
    return offload.in_thread(PasswordHasher(time_cost=time_cost, memory_cost=memory_cost).hash,
                             secrets.token_urlsafe(16))


def _hash_matches(password_hash: str, password: str) -> bool:
    try:
        return offload.in_thread(_hasher().verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_matches(user: User | None, password: str) -> bool:
    """Whether ``password`` is the user's. With no user a throwaway hash of the same cost is verified, so that
    an unknown username takes as long to refuse as a known one (no enumeration by timing)."""
    return _matches(user.password_hash if user is not None else None, password)


def _matches(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        cfg = current_app.config
        _hash_matches(_dummy_hash(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_KIB"]), password)
        return False
    return _hash_matches(password_hash, password)


def _stored_hash(username: str) -> str | None:
    """The account's password hash. Read in a session of its own, its connection back in the pool at once,
    unless the request's session is already in a transaction: the slow verification then holds no connection."""
    query = sa.select(User.password_hash).where(User.username == username)
    if db.session().in_transaction():
        return db.session.scalar(query)
    with Session(db.session.get_bind()) as reading:
        return reading.scalar(query)


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()


# --- login and throttling ------------------------------------------------------------------

def canonical_username(typed: str) -> str:
    """The one form of a typed username used for the lookup, every throttle budget and the audit log.

    NFKC and case folding make " PCT", "pct\t", a decomposed or a full-width spelling one name. A control or
    format character left inside is shown escaped: no account has one (usernames are ``[a-z0-9_.]``) and the
    audit log cannot be forged with it.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", typed).strip().casefold())
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c).startswith("C") else c for c in folded)[:255]


@dataclass(frozen=True)
class _Budget:
    key: str
    free_failures: int
    cleared_by_success: bool


def _budgets(username: str, address: str | None) -> list[_Budget]:
    """The failure budgets one attempt is counted against: the strict one of this name from this address, and
    looser ones for the account from anywhere (guessing spread over addresses) and for the address whatever
    the name (one password tried on many accounts). A success clears the first two, never the address's."""
    cfg = current_app.config
    where = address or "-"
    return [_Budget(f"pair:{username}|{where}", cfg["LOGIN_FREE_FAILURES"], True),
            _Budget(f"account:{username}", cfg["LOGIN_ACCOUNT_FREE_FAILURES"], True),
            _Budget(f"address:{where}", cfg["LOGIN_ADDRESS_FREE_FAILURES"], False)]


def _delay_after(failures: int, free_failures: int) -> int:
    """Seconds to wait after ``failures`` consecutive failures: free at first, then doubling."""
    cfg = current_app.config
    excess = failures - free_failures
    if excess < 0:
        return 0
    return min(cfg["LOGIN_BASE_DELAY_SECONDS"] * 2 ** min(excess, 20), cfg["LOGIN_MAX_DELAY_SECONDS"])


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds() + 0.999))


def _throttles(budgets: list[_Budget]) -> dict[str, LoginThrottle]:
    """The budgets' rows, locked; made first when missing, so that a burst of parallel guesses cannot race to
    insert the same row (one would fail) or pass unlocked."""
    keys = sorted(b.key for b in budgets)  # one order for every request: no deadlock between two of them
    with waiting_for_locks():
        db.session.execute(upsert_insert(LoginThrottle.__table__)
                           .values([{"key": key, "failures": 0} for key in keys])
                           .on_conflict_do_nothing(index_elements=["key"]))
        rows = db.session.scalars(sa.select(LoginThrottle).where(LoginThrottle.key.in_(keys))
                                  .order_by(LoginThrottle.key).with_for_update())
        return {row.key: row for row in rows}


def _wait(throttles: dict[str, LoginThrottle], now: datetime) -> int:
    """Seconds until every budget lets an attempt through (0: now)."""
    ends = [t.locked_until for t in throttles.values() if t.locked_until and t.locked_until > now]
    return _seconds_until(max(ends), now) if ends else 0


def authenticate(username: str, password: str, address: str | None, *, channel: str,
                 now: datetime | None = None) -> User:
    """The active user with these credentials, or ``BadCredentials`` / ``LoginThrottled``.

    Every outcome is told by signal (and so audited); the caller commits.
    """
    now = now or utcnow()
    user = _checked_credentials(username, password, address, now)
    user.last_login_at = now
    signals.user_logged_in.send(user, user=user, channel=channel)
    return user


def _checked_credentials(typed_username: str, password: str, address: str | None, now: datetime) -> User:
    """The active user with these credentials, counted against and cleared from the throttle's budgets."""
    username = canonical_username(typed_username)
    # Verified before the budgets are locked, so that a burst of sign-ins holds neither a connection nor a lock
    # while argon2 works; the answer is decided under the lock all the same: an attempt over budget is refused
    # as throttled even with the right password, so no more guesses are answered than the budgets allow.
    stored = _stored_hash(username)
    matches = _matches(stored, password)
    budgets = _budgets(username, address)
    throttles = _throttles(budgets)
    retry_after = _wait(throttles, now)
    if retry_after:
        signals.login_failed.send(None, username=username, reason="throttled", retry_after=retry_after)
        raise LoginThrottled(retry_after)

    user = db.session.scalar(sa.select(User).where(User.username == username))
    valid = matches and user is not None and user.password_hash == stored
    if not valid or not user.active:
        reason = "inactive" if valid else "bad-credentials"
        retry_after = max(_register_failure(throttles[b.key], b, now) for b in budgets)
        signals.login_failed.send(None, username=username, reason=reason, retry_after=retry_after)
        raise BadCredentials()

    for budget in budgets:
        if budget.cleared_by_success:
            db.session.delete(throttles[budget.key])
    return user


def _register_failure(throttle: LoginThrottle, budget: _Budget, now: datetime) -> int:
    forgotten = throttle.last_failure_at is not None and \
        now - throttle.last_failure_at > timedelta(seconds=current_app.config["LOGIN_FORGET_SECONDS"])
    throttle.failures = 1 if forgotten else throttle.failures + 1
    throttle.last_failure_at = now
    delay = _delay_after(throttle.failures, budget.free_failures)
    throttle.locked_until = now + timedelta(seconds=delay) if delay else None
    return delay


# --- sign-in sessions and API tokens -------------------------------------------------------

SEEN_EVERY = timedelta(minutes=1)
"""``last_seen_at`` / ``last_used_at`` are written at most this often: a request costs one indexed read."""


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Device:
    """Where a credential is used from, as the request tells it."""

    user_agent: str | None = None
    address: str | None = None

    def columns(self) -> dict[str, str | None]:
        return {"user_agent": (self.user_agent or "")[:255] or None, "ip_address": (self.address or "")[:45] or None}


@dataclass(frozen=True)
class Credential:
    """What a request or a socket was authenticated with: a sign-in session or an API token, by row id."""

    kind: Literal["session", "token"]
    id: int
    user_id: int | None = field(default=None, compare=False)
    """Whose it is, when known (a socket's events need the user, not only whether the credential is live)."""


CREDENTIAL_MODELS: dict[str, type[UserSession] | type[ApiToken]] = {"session": UserSession, "token": ApiToken}


def open_session(user: User, device: Device, now: datetime | None = None) -> UserSession:
    """A new sign-in session of ``user``; its secret becomes ``user.get_id()``, what the cookie keeps."""
    now = now or utcnow()
    key = secrets.token_urlsafe(32)
    row = UserSession(user=user, key_hash=_secret_hash(key), created_at=now, last_seen_at=now, **device.columns())
    db.session.add(row)
    user.login_session_key = key
    return row


def _session_lifetime() -> timedelta:
    return timedelta(seconds=current_app.config["PERMANENT_SESSION_LIFETIME"])


def _live_session_filter(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(UserSession.revoked_at.is_(None), UserSession.created_at > now - _session_lifetime())


def session_for_key(key: str, now: datetime | None = None) -> UserSession | None:
    """The live session this cookie secret names, of an active user; marks it seen (at most once a minute)."""
    now = now or utcnow()
    row = db.session.scalar(sa.select(UserSession).where(UserSession.key_hash == _secret_hash(key),
                                                         _live_session_filter(now)))
    if row is None or not row.user.active:
        return None
    if now - row.last_seen_at >= SEEN_EVERY:
        row.last_seen_at = now
        db.session.commit()
    row.user.login_session_key = key
    return row


def logout(user: User, credential: Credential | None) -> None:
    """Sign out: the session ends on the server, whatever copy of its cookie is kept."""
    if credential is not None and credential.kind == "session":
        db.session.execute(sa.update(UserSession).where(UserSession.id == credential.id).values(revoked_at=utcnow()))
    signals.user_logged_out.send(user, user=user)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_in: int
    row: ApiToken


def issue_token(user: User, device: Device = Device(), now: datetime | None = None) -> IssuedToken:
    now = now or utcnow()
    ttl = current_app.config["API_TOKEN_TTL_SECONDS"]
    token = secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=_secret_hash(token), created_at=now,
                   expires_at=now + timedelta(seconds=ttl), **device.columns())
    db.session.add(row)
    return IssuedToken(token=token, expires_in=ttl, row=row)


def _live_token_filter(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)


def token_row(token: str, now: datetime | None = None) -> ApiToken | None:
    """The valid, unexpired, unrevoked token row of an active owner; marks it used (at most once a minute)."""
    now = now or utcnow()
    row = db.session.scalar(sa.select(ApiToken).options(sa.orm.joinedload(ApiToken.user))
                            .where(ApiToken.token_hash == _secret_hash(token), _live_token_filter(now)))
    if row is None or not row.user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= SEEN_EVERY:
        row.last_used_at = now
        db.session.commit()
    return row


def revoke_token(token: str) -> bool:
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _secret_hash(token),
                                                      ApiToken.revoked_at.is_(None)))
    if row is None:
        return False
    row.revoked_at = utcnow()
    return True


def live_credentials(credentials: Collection[Credential], now: datetime | None = None) -> set[Credential]:
    """Those of ``credentials`` that still grant access, in one query per kind: not ended (signed out, ended by
    the user or an administrator, password changed), not expired, their user still active."""
    now = now or utcnow()
    live: set[Credential] = set()
    for kind, model in CREDENTIAL_MODELS.items():
        ids = {c.id for c in credentials if c.kind == kind}
        if not ids:
            continue
        unexpired = _live_session_filter(now) if kind == "session" else _live_token_filter(now)
        found = sa.select(model.id, model.user_id).join(User, User.id == model.user_id).where(
            model.id.in_(ids), unexpired, User.active.is_(True))
        live.update(Credential(kind, row_id, user_id) for row_id, user_id in db.session.execute(found))
    return live


def credential_is_live(credential: Credential, now: datetime | None = None) -> bool:
    """Whether this session or token still grants access: not ended, not expired, its user still active."""
    return credential in live_credentials([credential], now)


def sessions_of(user: User, now: datetime | None = None) -> list[UserSession]:
    """The user's live sign-in sessions (devices), the most recently seen first."""
    now = now or utcnow()
    return list(db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id,
                                                                _live_session_filter(now))
                                   .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))


def tokens_of(user: User, now: datetime | None = None) -> list[ApiToken]:
    """The user's live API tokens, the newest first."""
    now = now or utcnow()
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id, _live_token_filter(now))
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def own_credential(user: User, credential: Credential) -> UserSession | ApiToken | None:
    """The user's own live session or token this names; another user's is none, like one that does not exist."""
    model = CREDENTIAL_MODELS[credential.kind]
    found = db.session.get(model, credential.id)
    return found if found is not None and found.user_id == user.id and credential_is_live(credential) else None


def end_credential(row: UserSession | ApiToken) -> None:
    row.revoked_at = utcnow()
    kind = next(kind for kind, model in CREDENTIAL_MODELS.items() if isinstance(row, model))
    signals.session_ended.send(row.user, user=row.user, what=f"{kind} #{row.id}")


def _end_sessions(user: User, keep: Credential | None = None) -> None:
    """End every session and token of the user but ``keep``."""
    now = utcnow()
    for kind, model in CREDENTIAL_MODELS.items():
        ending = sa.update(model).where(model.user_id == user.id, model.revoked_at.is_(None))
        if keep is not None and keep.kind == kind:
            ending = ending.where(model.id != keep.id)
        db.session.execute(ending.values(revoked_at=now))


def end_other_sessions(user: User, keep: Credential | None) -> None:
    """The user's own "sign out everywhere else": every session and token but the one in use ends."""
    _end_sessions(user, keep)
    signals.session_ended.send(user, user=user, what="all other sessions and tokens")


def end_all_sessions(user: User, *, by: User) -> None:
    """An administrator signs ``user`` out everywhere: every session and token ends."""
    if user.id == by.id:
        raise AccountError("self_end_sessions", _("Use your own sessions page to sign yourself out."), "user_id")
    _end_sessions(user)
    signals.session_ended.send(by, user=user, what="all sessions and tokens")


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
        _checked_credentials(user.username, current_password, address, utcnow())
    except LoginThrottled as exc:
        raise AccountError("login_throttled", _("Too many failed sign-ins. Try again in %(seconds)d seconds.",
                                                seconds=exc.retry_after), "current_password") from None
    except BadCredentials:
        raise AccountError("wrong_password", _("The current password is wrong."), "current_password") from None
    check_password_strength(new_password, user, user.username)
    _set_password(user, new_password)
    _end_sessions(user, keep)
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
        _end_sessions(user)


def reset_password(user: User, new_password: str) -> None:
    check_password_strength(new_password, user, user.username)
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
