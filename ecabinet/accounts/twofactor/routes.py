"""Pages of two-factor sign-in: the code after the password, and one's own set-up.

A signed-in user whose role requires a second factor it has not set up is confined to setting it up.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from ecabinet.accounts import sessions
from ecabinet.accounts.twofactor import operations as ops
from ecabinet.accounts.twofactor import views
from ecabinet.accounts.views import request_device
from ecabinet.core.api import API_PREFIX, error_response
from ecabinet.core.context import set_actor
from ecabinet.core.db import db

bp = Blueprint("two_factor", __name__)

ALLOWED_WHILE_ENROLLING = frozenset({"static", "core.healthz", "sessions.logout", "accounts_api.revoke_token"})


@bp.before_app_request
def confine_until_enrolled():
    endpoint = request.endpoint or ""
    if endpoint in ALLOWED_WHILE_ENROLLING or endpoint.startswith(("two_factor.", "two_factor_api.")):
        return None
    if not current_user.is_authenticated or not ops.must_enrol(current_user):
        return None
    if request.path.startswith(API_PREFIX):
        error = views.enrolment_required_error()
        return error_response(error.status, error.code, error.message)
    return redirect(url_for("two_factor.setup"))


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    """The second step of signing in, for a user who has set up two-factor sign-in."""
    user = views.pending_user()
    if user is None:
        flash(_("Sign in again: the time to enter the code has run out."), "warning")
        return redirect(url_for("accounts.login"))
    status = 200
    if request.method == "POST":
        try:
            kind = views.committing_failures(ops.verify, user, request.form.get("code", "")[:64])
        except ops.CodeThrottled as exc:
            flash(views.throttle_message(exc), "danger")
            status = 429
        except ops.TwoFactorError as exc:
            flash(exc.message, "danger")
            status = 401
        else:
            next_url = views.end_pending()
            sessions.open_session(user, request_device())
            db.session.commit()
            login_user(user)
            set_actor(user)
            if kind == "recovery":
                flash(_("You signed in with a recovery code; %(n)d are left.", n=ops.recovery_codes_left(user)),
                      "warning")
            return redirect(url_for("accounts.login", next=next_url))  # which checks where it may go
    return render_template("accounts/two_factor_code.html"), status


@bp.get("/account/two-factor")
@login_required
def manage():
    return _manage_page(current_user._get_current_object(), {})


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@login_required
def setup():
    user = current_user._get_current_object()
    if ops.is_enrolled(user):
        return redirect(url_for("two_factor.manage"))
    enrolment = ops.pending_enrolment(user)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            codes = views.committing_failures(ops.confirm_enrolment, user, request.form.get("code", "")[:64],
                                              g.get("credential"))
        except ops.CodeThrottled as exc:
            errors["code"], status = views.throttle_message(exc), 429
        except ops.TwoFactorError as exc:
            errors["code"], status = exc.message, 422
        else:
            db.session.commit()
            return _recovery_codes_page(codes)
    db.session.commit()
    return _not_stored(render_template("accounts/two_factor_setup.html", secret=enrolment.secret, errors=errors,
                                       qr_svg=ops.qr_code_svg(enrolment), required=ops.is_required(user)), status)


@bp.post("/account/two-factor/recovery-codes")
@login_required
def regenerate():
    return _change(lambda user, form: _recovery_codes_page(
        ops.regenerate_recovery_codes(user, form.get("code", "")[:64])))


@bp.post("/account/two-factor/disable")
@login_required
def disable():
    def turn_off(user, form):
        ops.disable(user, form.get("password", "")[:256], form.get("code", "")[:64])
        db.session.commit()
        flash(_("Two-factor sign-in is off."), "info")
        return redirect(url_for("two_factor.manage"))
    return _change(turn_off)


def _change(action):
    """Run ``action(user, form)`` on the manage page's forms, showing a refused code next to its form."""
    user = current_user._get_current_object()
    try:
        return views.committing_failures(action, user, request.form)
    except ops.CodeThrottled as exc:
        message, status = views.throttle_message(exc), 429
    except ops.TwoFactorError as exc:
        message, status = exc.message, exc.status
    return _manage_page(user, {request.endpoint.removeprefix("two_factor."): message}, status)


def _manage_page(user, errors: dict[str, str], status: int = 200):
    return render_template("accounts/two_factor.html", enrolled=ops.is_enrolled(user), required=ops.is_required(user),
                           codes_left=ops.recovery_codes_left(user), errors=errors), status


def _recovery_codes_page(codes: list[str]):
    db.session.commit()
    return _not_stored(render_template("accounts/two_factor_codes.html", codes=codes))


def _not_stored(page: str, status: int = 200):
    """A page with a secret (the key, the recovery codes): no cache keeps it."""
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response
