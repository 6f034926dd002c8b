"""Who is on the other end of a Socket.IO connection, and the personal room each user joins.

A connection is accepted only for an active user, recognised like any request: the Flask-
Login session cookie sent with the handshake, or a bearer token given as
``io(url, {auth: {token: "…"}})`` (also accepted as an ``Authorization: Bearer`` header).
Every accepted connection joins ``user:<id>``, where notifications are pushed. The handshake leaves the
credential it was accepted with (``accounts.sessions.Credential``) in ``g.credential``.
See docs/realtime.md.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room
from sqlalchemy.orm import Session

from ecabinet.accounts import sessions as access
from ecabinet.accounts.models import ApiToken, User, UserRole, UserSession
from ecabinet.core import connections
from ecabinet.accounts.twofactor import operations as two_factor
from ecabinet.core.context import set_actor
from ecabinet.core.extensions import socketio, user_room


def socket_user(auth: Any) -> User | None:
    """The active user of this handshake: by ``auth["token"]`` when given, else by cookie or header. The
    credential it was recognised by is left in ``g.credential``."""
    token = auth.get("token") if isinstance(auth, dict) else None
    if isinstance(token, str) and token.strip():
        row = access.token_row(token.strip())
        if row is None:
            return None  # a wrong token is refused, even when a cookie would also be sent
        g.auth_channel = "token"
        g.credential = access.Credential("token", row.id, row.user_id)
        return row.user
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return user if isinstance(user, User) and user.active else None


def authenticate_socket(auth: Any) -> User:
    """The connecting user, or ``ConnectionRefusedError``; for the connect handler of any namespace.

    The connection keeps its credential: once that ends, or the user is deactivated, it is closed (see
    ``ecabinet.core.connections``)."""
    user = socket_user(auth)
    credential = g.get("credential")
    if user is None or credential is None or two_factor.must_enrol(user):
        raise ConnectionRefusedError(_("Sign in first: send the session cookie or an API token as auth.token."),
                                     {"code": "unauthenticated"})
    set_actor(user)
    connections.accept(credential)
    return user


@socketio.on("connect")
def connect(auth: Any = None) -> None:
    user = authenticate_socket(auth)
    join_room(user_room(user.id))


@socketio.on("disconnect")
def disconnect(*_reason: Any) -> None:
    connections.forget(request.sid)


@connections.connection_check
def close_ended_credentials(sids: list[str]) -> None:
    """Closes the connections whose session or token has ended, or whose user was deactivated."""
    credentials = {sid: connections.credential_of(sid) for sid in sids}
    live = access.live_credentials({c for c in credentials.values() if c is not None})
    for sid, credential in credentials.items():
        if credential not in live:
            socketio.server.disconnect(sid, namespace=connections.NAMESPACE)


WATCHED_MODELS = (User, UserRole, UserSession, ApiToken)
"""Rows whose change may end a user's credential or change its rights: its connections are checked again."""


@sa.event.listens_for(Session, "after_flush")
def _recheck_changed_users(session: Session, flush_context: Any) -> None:
    users = {row.id if isinstance(row, User) else row.user_id
             for row in connections.flushed_changes(session, WATCHED_MODELS)}
    connections.recheck_after_commit(user_room(user_id) for user_id in users if user_id is not None)
