"""Who is acting and from where, for audit records, without passing the request around."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context, request

_cli_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("cli_actor", default=None)


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    address: str | None
    user_agent: str | None


def set_actor(user: Any) -> None:
    """Remember the user acting in this request (or command)."""
    if has_request_context():
        g.actor_user = user
    else:
        _cli_actor.set(user)


def current_actor() -> Actor:
    if has_request_context():
        user = g.get("actor_user")
        return Actor(
            user_id=getattr(user, "id", None),
            name=getattr(user, "username", "anonymous"),
            address=client_address(),
            user_agent=(request.user_agent.string or "")[:255] or None,
        )
    user = _cli_actor.get()
    return Actor(getattr(user, "id", None), getattr(user, "username", "system"), None, None)


def client_address() -> str | None:
    """The client's address. Behind a proxy, deploy with ProxyFix so this is the real client."""
    return request.remote_addr if has_request_context() else None
