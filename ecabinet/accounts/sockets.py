"""Who is on the other end of a Socket.IO connection, and the personal room each user joins.

A connection is accepted only for an active user, recognised like any request: the Flask-
Login session cookie sent with the handshake, or a bearer token given as
``io(url, {auth: {token: "…"}})`` (also accepted as an ``Authorization: Bearer`` header).
Every accepted connection joins ``user:<id>``, where notifications are pushed.
See docs/realtime.md.
"""

from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from ecabinet.accounts import operations as ops
from ecabinet.accounts.models import User
from ecabinet.accounts.twofactor import operations as two_factor
from ecabinet.core.context import set_actor
from ecabinet.core.extensions import socketio, user_room


def socket_user(auth: Any) -> User | None:
    """The active user of this handshake: by ``auth["token"]`` when given, else by cookie or header."""
    token = auth.get("token") if isinstance(auth, dict) else None
    if isinstance(token, str) and token.strip():
        user = ops.user_for_token(token.strip())
        if user is not None:
            g.auth_channel = "token"
        return user  # a wrong token is refused, even when a cookie would also be sent
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return user if isinstance(user, User) and user.active else None


def authenticate_socket(auth: Any) -> User:
    """The connecting user, or ``ConnectionRefusedError``; for the connect handler of any namespace."""
    user = socket_user(auth)
    if user is None or two_factor.must_enrol(user):
        raise ConnectionRefusedError(_("Sign in first: send the session cookie or an API token as auth.token."),
                                     {"code": "unauthenticated"})
    set_actor(user)
    return user


@socketio.on("connect")
def connect(auth: Any = None) -> None:
    user = authenticate_socket(auth)
    join_room(user_room(user.id))
