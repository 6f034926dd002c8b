"""Pages of accounts: sign-in, sign-out, own password, and the admins' user management."""

from __future__ import annotations

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from werkzeug.datastructures import MultiDict

from ecabinet.accounts import operations as ops
from ecabinet.accounts.models import Role, User
from ecabinet.accounts.twofactor import operations as two_factor_ops
from ecabinet.accounts.twofactor import views as two_factor
from ecabinet.accounts.schemas import TokenRequest, UserCreate, UserQuery, UserUpdate
from ecabinet.core.context import client_address, set_actor
from ecabinet.core.db import db
from ecabinet.core.errors import wants_json
from ecabinet.core.forms import page_filters, parse_form
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
    def load_user(session_id: str) -> User | None:
        user = ops.user_for_session_id(session_id)
        set_actor(user)
        return user

    @manager.request_loader
    def load_user_from_token(req) -> User | None:
        scheme, _sep, token = req.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        user = ops.user_for_token(token.strip())
        if user is not None:
            g.auth_channel = "token"
            set_actor(user)
        return user

    @manager.unauthorized_handler
    def unauthorized():
        if wants_json():
            return jsonify({"error": {"code": "unauthenticated", "message": _("Please sign in."),
                                      "details": None}}), 401
        return redirect(url_for("accounts.login", next=request.full_path))


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else url_for("home.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    status = 200
    if request.method == "POST":
        credentials, _errors = parse_form(TokenRequest, request.form)
        try:
            if credentials is None:
                raise ops.BadCredentials()
            user = ops.authenticate(credentials.username, credentials.password, client_address(), channel="web")
        except ops.LoginThrottled as exc:
            flash(_("Too many failed sign-ins. Try again in %(seconds)d seconds.", seconds=exc.retry_after), "danger")
            status = 429
        except ops.BadCredentials:
            flash(_("Wrong username or password."), "danger")
            status = 401
        else:
            db.session.commit()
            if two_factor_ops.is_enrolled(user):  # signed in only after the code
                two_factor.begin_second_factor(user, request.args.get("next"))
                return redirect(url_for("two_factor.code"))
            login_user(user)
            set_actor(user)
            return redirect(_safe_next(request.args.get("next")))
        db.session.commit()
    return render_template("accounts/login.html"), status


@bp.post("/logout")
@login_required
def logout():
    ops.logout(current_user)
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
                                request.form.get("new_password", ""))
        except ops.AccountError as exc:
            errors[exc.field or "__all__"] = str(exc)
        else:
            if request.form.get("new_password") != request.form.get("confirm_password"):
                db.session.rollback()
                errors["confirm_password"] = _("The two new passwords differ.")
            else:
                db.session.commit()
                login_user(current_user._get_current_object())  # the session id carries the new version
                flash(_("Your password has been changed; other sessions were signed out."), "success")
                return redirect(url_for("home.home"))
    return render_template("accounts/password.html", errors=errors), 422 if errors else 200


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
