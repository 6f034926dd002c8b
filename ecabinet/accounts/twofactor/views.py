"""What the sign-in pages, the token endpoint and the gate share: the half-signed-in session and code checks.

Between the password and the code, the session holds only ``two_factor_pending`` (the user's session id, a
deadline and where to go next); the user is signed in once the code is right.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import current_app, session
from flask_babel import gettext as _

from ecabinet.accounts.models import User
from ecabinet.accounts.twofactor import operations as ops
from ecabinet.core.api import ApiError
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db

PENDING_KEY = "two_factor_pending"
T = TypeVar("T")


def begin_second_factor(user: User, next_url: str | None) -> None:
    ttl = timedelta(seconds=current_app.config["TWO_FACTOR_PENDING_SECONDS"])
    session[PENDING_KEY] = {"user": user.id, "until": (utcnow() + ttl).timestamp(), "next": next_url}


def pending_user() -> User | None:
    """The user who gave the right password in this session and owes a code, until the deadline."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("until"), float) or \
            pending["until"] < utcnow().timestamp():
        return None
    user = db.session.get(User, pending["user"]) if isinstance(pending.get("user"), int) else None
    return user if user is not None and user.active else None


def end_pending() -> str | None:
    """Forget the pending sign-in; where the user wanted to go."""
    pending = session.pop(PENDING_KEY, None)
    return pending.get("next") if isinstance(pending, dict) else None


def committing_failures(operation: Callable[..., T], *args: Any) -> T:
    """Run a two-factor operation keeping the count of wrong codes: it is committed when a code is refused too."""
    try:
        return operation(*args)
    except (ops.TwoFactorError, ops.CodeThrottled):
        db.session.commit()
        raise


def api_call(operation: Callable[..., T], *args: Any) -> T:
    """``committing_failures`` for the API: too many wrong codes are a 429 with Retry-After."""
    try:
        return committing_failures(operation, *args)
    except ops.CodeThrottled as exc:
        raise throttled_error(exc) from None


def throttle_message(exc: ops.CodeThrottled) -> str:
    return _("Too many wrong codes. Try again in %(seconds)d seconds.", seconds=exc.retry_after)


def throttled_error(exc: ops.CodeThrottled) -> ApiError:
    return ApiError(429, "two_factor_throttled", throttle_message(exc), {"retry_after": exc.retry_after},
                    headers={"Retry-After": str(exc.retry_after)})


def enrolment_required_error() -> ApiError:
    return ApiError(403, "two_factor_enrolment_required",
                    _("Your role requires two-factor sign-in: set it up first (Account, Two-factor sign-in)."))


def check_token_request(user: User, code: str | None) -> None:
    """Refuse a bearer token to a user who owes a second factor: not enrolled though required, or no right code."""
    if ops.must_enrol(user):
        raise enrolment_required_error()
    if not ops.is_enrolled(user):
        return
    if not code:
        raise ApiError(401, "two_factor_code_required",
                       _('Give the code of your authenticator app, or a recovery code, as "code".'))
    api_call(ops.verify, user, code)
