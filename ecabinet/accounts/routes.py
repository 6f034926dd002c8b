"""Pages of accounts: sign-in, sign-out, own password and sessions, and the admins' user management."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from werkzeug.datastructures import MultiDict

from ecabinet.accounts import operations as ops
from ecabinet.accounts import sessions as access
from ecabinet.accounts import throttling
from ecabinet.accounts.models import Role, User
from ecabinet.accounts.twofactor import operations as two_factor_ops
from ecabinet.accounts.twofactor import views as two_factor
from ecabinet.accounts.views import request_device
from ecabinet.accounts.schemas import TokenRequest, UserCreate, UserQuery, UserUpdate
from ecabinet.core.context import client_address, set_actor
from ecabinet.core.db import db
from ecabinet.core.errors import wants_json
from ecabinet.core.forms import page_filters, parse_form
from ecabinet.core.urls import local_path
from ecabinet.org import operations as org_ops
from ecabinet.policy import Action, require

bp = Blueprint("accounts", __name__)

USER_LIST_FIELDS = ("roles", "sector_ids", "portfolio_unit_ids")


def install_login(manager: LoginManager) -> None:
    """Sessions by cookie for pages; ``Authorization: Bearer`` tokens for the API."""
    manager.login_view = "accounts.login"
    manager.login_message = None
    manager.session_protection = "basic"

    @manager.user_loader
    def load_user(session_key: str) -> User | None:
        session = access.session_for_key(session_key)
        if session is None:
            return None
        g.credential = access.Credential("session", session.id, session.user_id)
        set_actor(session.user)
        return session.user

    @manager.request_loader
    def load_user_from_token(req) -> User | None:
        scheme, _sep, token = req.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        row = access.token_row(token.strip())
        if row is None:
            return None
        g.auth_channel = "token"
        g.credential = access.Credential("token", row.id, row.user_id)
        set_actor(row.user)
        return row.user

    @manager.unauthorized_handler
    def unauthorized():
        if wants_json():
            return jsonify({"error": {"code": "unauthenticated", "message": _("Please sign in."),
                                      "details": None}}), 401
        return redirect(url_for("accounts.login", next=request.full_path))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(local_path(request.args.get("next")) or url_for("home.home"))
    status = 200
    if request.method == "POST":
        credentials, _errors = parse_form(TokenRequest, request.form)
        try:
            if credentials is None:
                raise throttling.BadCredentials()
            user = throttling.authenticate(credentials.username, credentials.password, client_address(), channel="web")
        except throttling.LoginThrottled as exc:
            flash(_("Too many failed sign-ins. Try again in %(seconds)d seconds.", seconds=exc.retry_after), "danger")
            status = 429
        except throttling.BadCredentials:
            flash(_("Wrong username or password."), "danger")
            status = 401
        else:
            if two_factor_ops.is_enrolled(user):  # signed in only after the code
                db.session.commit()
                two_factor.begin_second_factor(user, request.args.get("next"))
                return redirect(url_for("two_factor.code"))
            access.open_session(user, request_device())
            db.session.commit()
            login_user(user)
            set_actor(user)
            return redirect(local_path(request.args.get("next")) or url_for("home.home"))
        db.session.commit()
    return render_template("accounts/login.html"), status


@bp.post("/logout")
@login_required
def logout():
    access.logout(current_user, g.get("credential"))
    db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            ops.change_password(current_user, request.form.get("current_password", ""),
                                request.form.get("new_password", ""), address=client_address(),
                                keep=g.get("credential"))
        except ops.AccountError as exc:
            db.session.commit()  # a wrong current password counts against the sign-in budgets
            errors[exc.field or "__all__"] = str(exc)
        else:
            if request.form.get("new_password") != request.form.get("confirm_password"):
                db.session.rollback()
                errors["confirm_password"] = _("The two new passwords differ.")
            else:
                db.session.commit()
                flash(_("Your password has been changed; other sessions were signed out."), "success")
                return redirect(url_for("home.home"))
    return render_template("accounts/password.html", errors=errors), 422 if errors else 200


@bp.get("/account/sessions")
@login_required
def sessions():
    return render_template("accounts/sessions.html", sessions=access.sessions_of(current_user),
                           tokens=access.tokens_of(current_user), current=g.get("credential"))


def _end_own(credential: access.Credential) -> None:
    row = access.own_credential(current_user, credential)
    if row is None:
        abort(404)
    access.end_credential(row)
    db.session.commit()


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    ending = access.Credential("session", session_id)
    _end_own(ending)
    if ending == g.credential:
        logout_user()
        return redirect(url_for("accounts.login"))
    flash(_("The session has been ended."), "success")
    return redirect(url_for("accounts.sessions"))


@bp.post("/account/tokens/<int:token_id>/end")
@login_required
def end_token(token_id: int):
    _end_own(access.Credential("token", token_id))
    flash(_("The API token has been revoked."), "success")
    return redirect(url_for("accounts.sessions"))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    access.end_other_sessions(current_user, g.get("credential"))
    db.session.commit()
    flash(_("Every other session and API token has been ended."), "success")
    return redirect(url_for("accounts.sessions"))


# --- administration -----------------------------------------------------------------------

@bp.get("/admin/users")
@login_required
def users():
    require(current_user, Action.VIEW_USERS)
    query = page_filters(UserQuery, request.args)
    users, total = ops.list_users(search=query.search, unit_id=query.unit_id, role=query.role,
                                  active=query.active, page=query.page, per_page=query.per_page)
    return render_template("accounts/users.html", users=users, total=total, page=query.page,
                           per_page=query.per_page, units=org_ops.unit_choices(), roles=list(Role))


def _user_form(user: User | None, form: MultiDict | None, errors: dict[str, str], status: int = 200):
    return render_template("accounts/user_form.html", user=user, form=form or MultiDict(), errors=errors,
                           units=org_ops.unit_choices(), sectors=org_ops.sector_choices(),
                           roles=list(Role)), status


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def new_user():
    require(current_user, Action.MANAGE_USERS)
    if request.method == "GET":
        return _user_form(None, None, {})
    data, errors = parse_form(UserCreate, request.form, USER_LIST_FIELDS)
    if data is not None:
        try:
            user = ops.create_user(ops.UserData(**data.model_dump()))
        except ops.AccountError as exc:
            db.session.rollback()
            errors = {exc.field or "__all__": str(exc)}
        else:
            db.session.commit()
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("accounts.users"))
    return _user_form(None, request.form, errors, 422)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    require(current_user, Action.MANAGE_USERS)
    if request.method == "GET":
        return _user_form(user, None, {})
    data, errors = parse_form(UserUpdate, request.form, USER_LIST_FIELDS)
    if data is not None:
        try:
            ops.update_user(user, **data.model_dump(exclude={"active"}))
            ops.set_active(user, data.active is True, by=current_user)
            if request.form.get("new_password"):
                ops.reset_password(user, request.form["new_password"])
        except ops.AccountError as exc:
            db.session.rollback()
            errors = {exc.field or "__all__": str(exc)}
        else:
            db.session.commit()
            flash(_("User %(name)s saved.", name=user.username), "success")
            return redirect(url_for("accounts.users"))
    return _user_form(user, request.form, errors, 422)


@bp.post("/admin/users/<int:user_id>/sessions/end")
@login_required
def end_user_sessions(user_id: int):
    user = db.get_or_404(User, user_id)
    require(current_user, Action.MANAGE_USERS)
    try:
        ops.end_all_sessions(user, by=current_user)
    except ops.AccountError as exc:
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("%(name)s has been signed out everywhere.", name=user.username), "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))
