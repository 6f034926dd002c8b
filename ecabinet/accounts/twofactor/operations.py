"""Enrolment, checking a second factor, recovery codes, and who must have one.

No request objects here: callers pass the user and the time. Every wrong code counts against the account's
throttle, so a caller commits after a failure too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ecabinet.accounts import passwords, sessions
from ecabinet.accounts.models import Role, User
from ecabinet.accounts.twofactor.models import RecoveryCode, TwoFactor
from ecabinet.core import signals
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_CODE_LENGTH = 10  # about 49 bits each
TOTP_DIGITS = 6
VALID_WINDOW = 1  # the step before and after too: a phone's clock may be half a minute off


class TwoFactorError(DomainError):
    def __init__(self, code: str, message: str, field: str | None = None, status: int = 422) -> None:
        super().__init__(code, message, field, status)


class CodeThrottled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


def bad_code() -> TwoFactorError:
    return TwoFactorError("bad_two_factor_code", _("The code is wrong or was already used."), "code", 401)


# --- who needs it -----------------------------------------------------------------------------

def required_roles() -> frozenset[Role]:
    """``TWO_FACTOR_REQUIRED_ROLES``: role names separated by commas."""
    names = current_app.config["TWO_FACTOR_REQUIRED_ROLES"]
    return frozenset(Role(name.strip()) for name in names.split(",") if name.strip())


def enrolment_of(user: User, *, locked: bool = False) -> TwoFactor | None:
    """The user's secret; ``locked`` reads it afresh and holds it, so concurrent wrong codes all count."""
    return db.session.get(TwoFactor, user.id, with_for_update=locked, populate_existing=locked)


def is_enrolled(user: User) -> bool:
    enrolment = enrolment_of(user)
    return enrolment is not None and enrolment.confirmed_at is not None


def is_required(user: User) -> bool:
    return user.has_role(*required_roles())


def must_enrol(user: User) -> bool:
    """A role of the user requires a second factor it does not have yet: it may do nothing but enrol."""
    return is_required(user) and not is_enrolled(user)


# --- enrolment --------------------------------------------------------------------------------

def pending_enrolment(user: User) -> TwoFactor:
    """The user's unconfirmed secret, made on first call; an enrolled user must disable first."""
    enrolment = enrolment_of(user)
    if enrolment is not None and enrolment.confirmed_at is not None:
        raise TwoFactorError("already_enrolled", _("Two-factor sign-in is already set up."), None, 409)
    if enrolment is None:
        enrolment = TwoFactor(user_id=user.id, secret=pyotp.random_base32(32), recovery_salt=secrets.token_hex(16))
        db.session.add(enrolment)
        db.session.flush()
    return enrolment


def provisioning_uri(enrolment: TwoFactor) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    issuer = f"E-Cabinet {current_app.config['PROVINCE_NAME']}"
    return pyotp.TOTP(enrolment.secret).provisioning_uri(name=enrolment.user.username, issuer_name=issuer)


def qr_code_svg(enrolment: TwoFactor) -> str:
    """The QR code of the provisioning address as an inline ``<svg>`` (no script, no style attribute)."""
    return segno.make(provisioning_uri(enrolment), error="m").svg_inline(scale=5, border=2)


def confirm_enrolment(user: User, code: str, keep: sessions.Credential | None = None,
                      now: datetime | None = None) -> list[str]:
    """Activate the pending secret with a first code from the app; returns the recovery codes, shown once.

    Sessions and tokens the user had end, but ``keep`` (the one in use): they were had without the second factor.
    """
    now = now or utcnow()
    enrolment = enrolment_of(user, locked=True)
    if enrolment is None or enrolment.confirmed_at is not None:
        raise TwoFactorError("no_pending_enrolment", _("Start the set-up first."), None, 409)
    _check_throttle(enrolment, now)
    if not _totp_matches(enrolment, _normalised(code), now):
        _register_failure(enrolment, now)
        raise bad_code()
    enrolment.confirmed_at = now
    _clear_failures(enrolment)
    sessions.end_other_sessions(user, keep)
    return _new_recovery_codes(enrolment)


def regenerate_recovery_codes(user: User, code: str, now: datetime | None = None) -> list[str]:
    """Ten new recovery codes for a current code; the old ones stop working."""
    enrolment = _confirmed(user)
    _verify(enrolment, code, now or utcnow())
    return _new_recovery_codes(enrolment)


def disable(user: User, password: str, code: str, now: datetime | None = None) -> None:
    """Remove the second factor, with the password and a current code; a required role must enrol again."""
    now = now or utcnow()
    enrolment = _confirmed(user)
    _check_throttle(enrolment, now)
    if not passwords.password_matches(user, password):
        _register_failure(enrolment, now)
        raise TwoFactorError("wrong_password", _("The current password is wrong."), "password", 403)
    _verify(enrolment, code, now)
    db.session.delete(enrolment)


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(RecoveryCode.user_id == user.id,
                                                               RecoveryCode.used_at.is_(None))) or 0


def _confirmed(user: User) -> TwoFactor:
    enrolment = enrolment_of(user, locked=True)
    if enrolment is None or enrolment.confirmed_at is None:
        raise TwoFactorError("not_enrolled", _("Two-factor sign-in is not set up."), None, 409)
    return enrolment


def _new_recovery_codes(enrolment: TwoFactor) -> list[str]:
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(RECOVERY_CODE_LENGTH))
             for _n in range(RECOVERY_CODE_COUNT)]
    enrolment.recovery_codes = [RecoveryCode(code_hash=_recovery_hash(enrolment, code)) for code in codes]
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def _recovery_hash(enrolment: TwoFactor, code: str) -> str:
    # The codes are random and long, so one salted SHA-256 suffices (a slow hash guards guessable passwords)
    return hashlib.sha256(f"{enrolment.recovery_salt}:{code}".encode()).hexdigest()


# --- checking a code --------------------------------------------------------------------------

def verify(user: User, code: str, now: datetime | None = None) -> str:
    """Accept a current TOTP code or an unused recovery code of the enrolled ``user``, once.

    Returns ``"totp"`` or ``"recovery"``; raises ``CodeThrottled`` while too many wrong codes were given
    lately (even for a right one), else ``TwoFactorError``.
    """
    return _verify(_confirmed(user), code, now or utcnow())


def _verify(enrolment: TwoFactor, code: str, now: datetime) -> str:
    _check_throttle(enrolment, now)
    normalised = _normalised(code)
    if normalised.isdigit() and len(normalised) == TOTP_DIGITS:
        kind = "totp" if _totp_matches(enrolment, normalised, now) else None
    else:
        kind = "recovery" if _use_recovery_code(enrolment, normalised, now) else None
    if kind is None:
        _register_failure(enrolment, now)
        signals.login_failed.send(None, username=enrolment.user.username, reason="bad-second-factor")
        raise bad_code()
    _clear_failures(enrolment)
    return kind


def _normalised(code: str) -> str:
    """As typed: spaces and dashes are the user's grouping, letters may be capitals."""
    return "".join(code.split()).replace("-", "").lower()


def _totp_matches(enrolment: TwoFactor, code: str, now: datetime) -> bool:
    totp = pyotp.TOTP(enrolment.secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        expected = totp.generate_otp(step).encode()
        if step > (enrolment.last_used_step or -1) and hmac.compare_digest(expected, code.encode()):
            enrolment.last_used_step = step
            return True
    return False


def _use_recovery_code(enrolment: TwoFactor, code: str, now: datetime) -> bool:
    if len(code) != RECOVERY_CODE_LENGTH:
        return False
    row = db.session.scalar(sa.select(RecoveryCode).where(
        RecoveryCode.user_id == enrolment.user_id, RecoveryCode.code_hash == _recovery_hash(enrolment, code),
        RecoveryCode.used_at.is_(None)).with_for_update())
    if row is None:
        return False
    row.used_at = now
    return True


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["TWO_FACTOR_FAILURE_WINDOW_SECONDS"])


def _check_throttle(enrolment: TwoFactor, now: datetime) -> None:
    since = enrolment.failures_since
    if since is None or now - since >= _window():
        _clear_failures(enrolment)
    elif enrolment.failures >= current_app.config["TWO_FACTOR_MAX_FAILURES"]:
        raise CodeThrottled(max(1, int((since + _window() - now).total_seconds() + 0.999)))


def _register_failure(enrolment: TwoFactor, now: datetime) -> None:
    if enrolment.failures_since is None:
        enrolment.failures_since = now
    enrolment.failures += 1


def _clear_failures(enrolment: TwoFactor) -> None:
    enrolment.failures = 0
    enrolment.failures_since = None
