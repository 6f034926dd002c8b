"""JSON API of accounts: tokens, the signed-in user, user administration."""

from __future__ import annotations

from flask import Blueprint, g, request
from pydantic import BaseModel
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.accounts import operations as ops
from ecabinet.accounts import sessions as access
from ecabinet.accounts import throttling
from ecabinet.accounts.models import User
from ecabinet.accounts.twofactor import views as two_factor
from ecabinet.accounts.views import request_device
from ecabinet.accounts.schemas import (ApiTokenOut, PasswordChange, PasswordReset, SessionOut, TokenRequest,
                                       TokenResponse, UserCreate, UserOut, UserPage, UserQuery, UserUpdate)
from ecabinet.core.api import ApiError, route
from ecabinet.core.context import client_address
from ecabinet.core.db import db
from ecabinet.policy import Action, require

bp = Blueprint("accounts_api", __name__)

def throttled_error(exc: throttling.LoginThrottled) -> ApiError:
    return ApiError(429, "login_throttled",
                    _("Too many failed sign-ins. Try again in %(seconds)d seconds.", seconds=exc.retry_after),
                    {"retry_after": exc.retry_after}, headers={"Retry-After": str(exc.retry_after)})


@route(bp, "/auth/token", method="POST", summary="Get a bearer token", body=TokenRequest,
       response=TokenResponse, authenticated=False)
def create_token(body: TokenRequest):
    """Exchange a username and password for a bearer token (``Authorization: Bearer …``)."""
    try:
        user = throttling.authenticate(body.username, body.password, client_address(), channel="api")
    except throttling.LoginThrottled as exc:
        db.session.commit()
        raise throttled_error(exc) from None
    except throttling.BadCredentials:
        db.session.commit()
        raise ApiError(401, "bad_credentials", _("Wrong username or password.")) from None
    two_factor.check_token_request(user, body.code)
    issued = access.issue_token(user, request_device())
    db.session.commit()
    return {"access_token": issued.token, "token_type": "bearer", "expires_in": issued.expires_in}


@route(bp, "/auth/token", method="DELETE", summary="Revoke the bearer token used", status=204)
def revoke_token():
    if g.get("auth_channel") != "token":
        raise ApiError(400, "no_token", _("This request was not made with a bearer token."))
    access.revoke_token(request.headers["Authorization"].split(None, 1)[1])
    db.session.commit()


@route(bp, "/me", summary="The signed-in user", response=UserOut)
def me():
    return current_user


@route(bp, "/me/password", method="POST", summary="Change one's own password", body=PasswordChange, status=204)
def change_password(body: PasswordChange):
    """Ends every other session and token of the user; a wrong current password counts as a failed sign-in."""
    try:
        ops.change_password(current_user, body.current_password, body.new_password, address=client_address(),
                            keep=g.get("credential"))
    except ops.AccountError:
        db.session.commit()  # the failure counted against the sign-in budgets stays counted
        raise
    db.session.commit()


def _marked(schema: type[BaseModel], rows: list, kind: str) -> list[BaseModel]:
    """The rows, the one this request was made with marked ``current``."""
    fields = set(schema.model_fields) - {"current"}
    return [schema.model_validate({**{name: getattr(row, name) for name in fields},
                                   "current": access.Credential(kind, row.id) == g.get("credential")}) for row in rows]


def _end_own(credential: access.Credential, missing: str) -> None:
    row = access.own_credential(current_user, credential)
    if row is None:
        raise ApiError(404, "not_found", missing)
    access.end_credential(row)
    db.session.commit()


@route(bp, "/me/sessions", summary="The signed-in user's sessions (devices)", response=list[SessionOut])
def my_sessions():
    return _marked(SessionOut, access.sessions_of(current_user), "session")


@route(bp, "/me/sessions/<int:session_id>", method="DELETE", summary="End one of one's own sessions", status=204)
def end_my_session(session_id: int):
    _end_own(access.Credential("session", session_id), _("No such session."))


@route(bp, "/me/sessions/end-others", method="POST", summary="End every other session and token", status=204)
def end_my_other_sessions():
    """Every session and API token of the user ends, but the one this request is made with."""
    access.end_other_sessions(current_user, g.get("credential"))
    db.session.commit()


@route(bp, "/me/tokens", summary="The signed-in user's API tokens", response=list[ApiTokenOut])
def my_tokens():
    return _marked(ApiTokenOut, access.tokens_of(current_user), "token")


@route(bp, "/me/tokens/<int:token_id>", method="DELETE", summary="Revoke one of one's own API tokens", status=204)
def end_my_token(token_id: int):
    _end_own(access.Credential("token", token_id), _("No such API token."))


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


@route(bp, "/users/<int:user_id>/sessions/end", method="POST", summary="Sign a user out everywhere", status=204)
def end_user_sessions(user_id: int):
    """Every session and API token of the user ends (an administrator's own: from ``/me/sessions``)."""
    user = _load_user(user_id)
    require(current_user, Action.MANAGE_USERS)
    ops.end_all_sessions(user, by=current_user)
    db.session.commit()
