"""Sign-in: the credentials checked against failure budgets that make guessing slower and slower.

No request objects here: callers pass the client address.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ecabinet.accounts import passwords
from ecabinet.accounts.models import LoginThrottle, User
from ecabinet.core import signals
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db, upsert_insert, waiting_for_locks


class LoginThrottled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


class BadCredentials(Exception):
    pass


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
    user = checked_credentials(username, password, address, now)
    user.last_login_at = now
    signals.user_logged_in.send(user, user=user, channel=channel)
    return user


def checked_credentials(typed_username: str, password: str, address: str | None, now: datetime) -> User:
    """The active user with these credentials, counted against and cleared from the throttle's budgets."""
    username = canonical_username(typed_username)
    # Verified before the budgets are locked, so that a burst of sign-ins holds neither a connection nor a lock
    # while argon2 works; the answer is decided under the lock all the same: an attempt over budget is refused
    # as throttled even with the right password, so no more guesses are answered than the budgets allow.
    stored = passwords.stored_hash(username)
    matches = passwords.hash_matches(stored, password)
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


