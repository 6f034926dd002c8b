"""JSON API of two-factor sign-in: one's own status, enrolment, recovery codes, disabling."""

from __future__ import annotations

from flask import Blueprint, g
from flask_login import current_user

from ecabinet.accounts.twofactor import operations as ops
from ecabinet.accounts.twofactor import views
from ecabinet.accounts.twofactor.schemas import (CodeIn, DisableIn, EnrolmentOut, RecoveryCodesOut,
                                                 TwoFactorStatus)
from ecabinet.core.api import route
from ecabinet.core.db import db

bp = Blueprint("two_factor_api", __name__, url_prefix="/me/two-factor")


@route(bp, "", summary="Two-factor sign-in of the signed-in user", response=TwoFactorStatus)
def status():
    return {"enrolled": ops.is_enrolled(current_user), "required": ops.is_required(current_user),
            "recovery_codes_left": ops.recovery_codes_left(current_user)}


@route(bp, "/enrolment", method="POST", summary="Start setting up two-factor sign-in", response=EnrolmentOut)
def start_enrolment():
    """A new secret for an authenticator app (the same one until confirmed); it is active once confirmed."""
    enrolment = ops.pending_enrolment(current_user)
    db.session.commit()
    return {"secret": enrolment.secret, "otpauth_uri": ops.provisioning_uri(enrolment)}


@route(bp, "/enrolment/confirm", method="POST", summary="Confirm two-factor sign-in with a first code",
       body=CodeIn, response=RecoveryCodesOut)
def confirm_enrolment(body: CodeIn):
    """Ends the user's other sessions and tokens: they were had without the second factor."""
    codes = views.api_call(ops.confirm_enrolment, current_user, body.code, g.get("credential"))
    db.session.commit()
    return {"recovery_codes": codes}


@route(bp, "/recovery-codes", method="POST", summary="Replace the recovery codes", body=CodeIn,
       response=RecoveryCodesOut)
def regenerate_recovery_codes(body: CodeIn):
    codes = views.api_call(ops.regenerate_recovery_codes, current_user, body.code)
    db.session.commit()
    return {"recovery_codes": codes}


@route(bp, "/disable", method="POST", summary="Turn two-factor sign-in off", body=DisableIn, status=204)
def disable(body: DisableIn):
    """With the password and a current code. A user whose role requires it must set it up again."""
    views.api_call(ops.disable, current_user, body.password, body.code)
    db.session.commit()
