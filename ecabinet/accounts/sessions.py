"""Sign-in sessions (one a device) and API tokens: opened, checked on every request, listed and ended.

Only a secret's SHA-256 is stored; no request objects here: callers pass the ``Device``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

import sqlalchemy as sa
from flask import current_app

from ecabinet.accounts.models import ApiToken, User, UserSession
from ecabinet.core import signals
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db

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
    # The owner and its roles in the token's one statement (every API request asks this): no second round trip.
    row = db.session.scalars(sa.select(ApiToken).options(sa.orm.joinedload(ApiToken.user).joinedload(User.role_links))
                             .where(ApiToken.token_hash == _secret_hash(token), _live_token_filter(now))
                             ).unique().one_or_none()
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


def end_sessions(user: User, keep: Credential | None = None) -> None:
    """End every session and token of the user but ``keep``."""
    now = utcnow()
    for kind, model in CREDENTIAL_MODELS.items():
        ending = sa.update(model).where(model.user_id == user.id, model.revoked_at.is_(None))
        if keep is not None and keep.kind == kind:
            ending = ending.where(model.id != keep.id)
        db.session.execute(ending.values(revoked_at=now))


def end_other_sessions(user: User, keep: Credential | None) -> None:
    """The user's own "sign out everywhere else": every session and token but the one in use ends."""
    end_sessions(user, keep)
    signals.session_ended.send(user, user=user, what="all other sessions and tokens")


