"""Passwords: argon2id hashing and verification, costing the same whether or not the account exists."""

from __future__ import annotations

import functools
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy.orm import Session

from ecabinet.accounts.models import User
from ecabinet.core import offload
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db


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


def _verify(password_hash: str, password: str) -> bool:
    try:
        return offload.in_thread(_hasher().verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_matches(user: User | None, password: str) -> bool:
    """Whether ``password`` is the user's. With no user a throwaway hash of the same cost is verified, so that
    an unknown username takes as long to refuse as a known one (no enumeration by timing)."""
    return hash_matches(user.password_hash if user is not None else None, password)


def hash_matches(password_hash: str | None, password: str) -> bool:
    """``password_matches`` for a hash read apart (``stored_hash``); ``None``, no such account, costs the same."""
    if password_hash is None:
        cfg = current_app.config
        _verify(_dummy_hash(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_KIB"]), password)
        return False
    return _verify(password_hash, password)


def stored_hash(username: str) -> str | None:
    """The account's password hash. Read in a session of its own, its connection back in the pool at once,
    unless the request's session is already in a transaction: the slow verification then holds no connection."""
    query = sa.select(User.password_hash).where(User.username == username)
    if db.session().in_transaction():
        return db.session.scalar(query)
    with Session(db.session.get_bind()) as reading:
        return reading.scalar(query)


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()


