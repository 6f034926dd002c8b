"""JSON API of accounts: tokens, the signed-in user, user administration."""

from __future__ import annotations

from flask import Blueprint, g, request
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.accounts import operations as ops
from ecabinet.accounts.models import User
from ecabinet.accounts.twofactor import views as two_factor
from ecabinet.accounts.schemas import (PasswordChange, PasswordReset, TokenRequest, TokenResponse, UserCreate,
                                       UserOut, UserPage, UserQuery, UserUpdate)
from ecabinet.core.api import ApiError, route
from ecabinet.core.context import client_address
from ecabinet.core.db import db
from ecabinet.policy import Action, require

bp = Blueprint("accounts_api", __name__)

def throttled_error(exc: ops.LoginThrottled) -> ApiError:
    return ApiError(429, "login_throttled",
                    _("Too many failed sign-ins. Try again in %(seconds)d seconds.", seconds=exc.retry_after),
                    {"retry_after": exc.retry_after}, headers={"Retry-After": str(exc.retry_after)})


@route(bp, "/auth/token", method="POST", summary="Get a bearer token", body=TokenRequest,
       response=TokenResponse, authenticated=False)
def create_token(body: TokenRequest):
    """Exchange a username and password for a bearer token (``Authorization: Bearer …``)."""
    try:
        user = ops.authenticate(body.username, body.password, client_address(), channel="api")
    except ops.LoginThrottled as exc:
        db.session.commit()
        raise throttled_error(exc) from None
    except ops.BadCredentials:
        db.session.commit()
        raise ApiError(401, "bad_credentials", _("Wrong username or password.")) from None
    two_factor.check_token_request(user, body.code)
    issued = ops.issue_token(user)
    db.session.commit()
    return {"access_token": issued.token, "token_type": "bearer", "expires_in": issued.expires_in}


@route(bp, "/auth/token", method="DELETE", summary="Revoke the bearer token used", status=204)
def revoke_token():
    if g.get("auth_channel") != "token":
        raise ApiError(400, "no_token", _("This request was not made with a bearer token."))
    ops.revoke_token(request.headers["Authorization"].split(None, 1)[1])
    db.session.commit()


@route(bp, "/me", summary="The signed-in user", response=UserOut)
def me():
    return current_user


@route(bp, "/me/password", method="POST", summary="Change one's own password", body=PasswordChange, status=204)
def change_password(body: PasswordChange):
    """Ends every other session and token of the user."""
    ops.change_password(current_user, body.current_password, body.new_password)
    db.session.commit()


@route(bp, "/users", summary="List users", query=UserQuery, response=UserPage)
def list_users(query: UserQuery):
    require(current_user, Action.VIEW_USERS)
    users, total = ops.list_users(search=query.search, unit_id=query.unit_id, role=query.role,
                                  active=query.active, page=query.page, per_page=query.per_page)
    return {"items": users, "total": total, "page": query.page, "per_page": query.per_page}


def _load_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise ApiError(404, "not_found", _("No such user."))
    return user


@route(bp, "/users/<int:user_id>", summary="One user", response=UserOut)
def get_user(user_id: int):
    user = _load_user(user_id)
    require(current_user, Action.VIEW_USER, user)
    return user


@route(bp, "/users", method="POST", summary="Create a user", body=UserCreate, response=UserOut, status=201)
def create_user(body: UserCreate):
    require(current_user, Action.MANAGE_USERS)
    user = ops.create_user(ops.UserData(**body.model_dump()))
    db.session.commit()
    return user


@route(bp, "/users/<int:user_id>", method="PATCH", summary="Change a user", body=UserUpdate, response=UserOut)
def update_user(user_id: int, body: UserUpdate):
    """Fields left out stay as they are; ``active: false`` deactivates and ends the user's sessions."""
    user = _load_user(user_id)
    require(current_user, Action.MANAGE_USERS)
    changes = body.model_dump(exclude_unset=True)
    active = changes.pop("active", None)
    ops.update_user(user, **changes)
    if active is not None:
        ops.set_active(user, active, by=current_user)
    db.session.commit()
    return user


@route(bp, "/users/<int:user_id>/password", method="POST", summary="Reset a user's password",
       body=PasswordReset, status=204)
def reset_password(user_id: int, body: PasswordReset):
    user = _load_user(user_id)
    require(current_user, Action.MANAGE_USERS)
    ops.reset_password(user, body.new_password)
    db.session.commit()
