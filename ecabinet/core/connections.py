"""Open Socket.IO connections checked again, so that access that ends also ends on a socket already open.

Each connection keeps the credential it was accepted with (``accept``). The domains register checks
(``connection_check``): a check gets this process's connections (their sids) and makes those that may no longer
be in a room leave it, or closes them. A change of who may see what calls ``recheck_after_commit(rooms)``: once
the change is committed, the connections in those rooms are checked at once in this process and, through Redis
(``REDIS_URL``), in every other server process. As a safety net every process checks all its connections every
``SOCKET_RECHECK_SECONDS``: a change that no hook announced ends access within seconds all the same.

What an event handler decides about access may be ``remembered`` until any of these happens: a reconnect storm
of a thousand tablets then checks each user's rights once, not once per tablet.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Collection, Hashable, Iterable
from functools import cache
from typing import Any, TypeVar

import redis
from flask import Flask, current_app, request
from sqlalchemy.orm import Session

from ecabinet.core.aftercommit import after_commit
from ecabinet.core.broker import redis_client, when_messages_missed
from ecabinet.core.extensions import socketio

log = logging.getLogger(__name__)

NAMESPACE = "/"
CHANNEL = "ecabinet:connections:recheck"
"""Redis channel on which a process names the rooms whose connections every other process checks again."""
HOST = uuid.uuid4().hex
"""This process on the channel: it checked its own connections before publishing."""

Check = Callable[[list[str]], None]
_checks: list[Check] = []
_credentials: dict[str, Any] = {}
"""The credential of each connection of this process, by sid (kept here rather than in the Engine.IO session,
which the Socket.IO test client does not have)."""
_watched: set[int] = set()
"""``id()`` of the Socket.IO servers whose watcher runs in this process."""
_watched_lock = threading.Lock()
_remembered: dict[Hashable, Any] = {}
_generation = 0
"""Counts the moments access may have changed in this process's view: a remembered answer is of one generation."""

T = TypeVar("T")


def connection_check(check: Check) -> Check:
    """Register ``check(sids)``: run over connections of this process, in registration order."""
    _checks.append(check)
    return check


def accept(credential: Any) -> None:
    """In a connect handler: the connection is accepted with ``credential``; its process watches it from now."""
    _credentials[request.sid] = credential
    _watch_from_now(current_app._get_current_object())


def forget(sid: str) -> None:
    """In the disconnect handler: the connection is gone."""
    _credentials.pop(sid, None)


def credential_of(sid: str) -> Any:
    """The credential the connection was accepted with, or None (it is gone, or was never accepted)."""
    return _credentials.get(sid)


def remembered(key: Hashable, decide: Callable[[], T]) -> T:
    """``decide()``'s answer, kept under ``key`` until access may have changed: a local change a hook announces,
    another process's recheck, or the periodic sweep (every ``SOCKET_RECHECK_SECONDS``). A refusal (an
    exception) is never kept."""
    if key in _remembered:
        return _remembered[key]
    generation = _generation
    answer = decide()
    if generation == _generation:  # nothing changed while it was decided
        _remembered[key] = answer
    return answer


def _access_may_have_changed() -> None:
    global _generation
    _generation += 1
    _remembered.clear()


def flushed_changes(session: Session, models: tuple[type, ...]) -> list[Any]:
    """For an ``after_flush`` listener: the rows of ``models`` the flush inserted, deleted or changed."""
    changed = [row for row in session.dirty if isinstance(row, models) and session.is_modified(row)]
    return [row for row in (*session.new, *session.deleted) if isinstance(row, models)] + changed


def recheck_after_commit(rooms: Iterable[str]) -> None:
    """Once the current transaction is committed, the connections in ``rooms`` are checked again everywhere."""
    targets = frozenset(rooms)
    if targets:
        _access_may_have_changed()
        after_commit(lambda: _recheck_everywhere(targets), key=("connections.recheck", targets))


def _recheck_everywhere(rooms: frozenset[str]) -> None:
    _access_may_have_changed()
    recheck(rooms)
    url = current_app.config["REDIS_URL"]
    if url:
        try:
            _redis(url, current_app.config["REDIS_TIMEOUT_MS"]).publish(
                CHANNEL, json.dumps({"host": HOST, "rooms": sorted(rooms)}))
        except redis.RedisError:
            log.exception("other processes check these rooms at their next sweep: Redis cannot be reached")


@cache
def _redis(url: str, timeout_ms: int) -> redis.Redis:
    return redis_client(url, timeout_ms)


@when_messages_missed
def _recheck_all(rooms: list[str]) -> None:
    """What other processes named while Redis was away is lost: every connection is checked again."""
    recheck()


def recheck(rooms: Collection[str] | None = None) -> None:
    """Run every check over this process's connections in ``rooms`` (all of them for None)."""
    for check in _checks:
        sids = _connected(rooms)
        if not sids:
            return
        check(sids)


def _connected(rooms: Collection[str] | None) -> list[str]:
    server = socketio.server
    if server is None or rooms is not None and not rooms:
        return []
    room = None if rooms is None else list(rooms)
    return [sid for sid, _eio_sid in server.manager.get_participants(NAMESPACE, room)
            if server.manager.is_connected(sid, NAMESPACE)]  # not the ones still in their connect handler


def _watch_from_now(app: Flask) -> None:
    server = socketio.server
    with _watched_lock:
        if id(server) in _watched:
            return
        _watched.add(id(server))
    socketio.start_background_task(_watch, app, server)


def _still_watching(server: Any) -> bool:
    """While the server serves connections of this process; a connection accepted later starts a new watcher."""
    with _watched_lock:
        if server is socketio.server and _credentials:
            return True
        _watched.discard(id(server))
        return False


def _watch(app: Flask, server: Any) -> None:
    try:
        _watch_until_idle(app, server)
    except BaseException:
        with _watched_lock:
            _watched.discard(id(server))  # the next connection accepted starts another watcher
        raise


def _watch_until_idle(app: Flask, server: Any) -> None:
    """Every ``SOCKET_RECHECK_SECONDS`` all connections; in between, at once, the rooms other processes name."""
    every = app.config["SOCKET_RECHECK_SECONDS"]
    listener = _listen(app.config["REDIS_URL"], app.config["REDIS_TIMEOUT_MS"])
    sweep_at = time.monotonic() + every
    try:
        while True:
            try:
                named = _named_rooms(listener, max(0.0, sweep_at - time.monotonic()))
                if not _still_watching(server):
                    return
                with app.app_context():
                    if named:
                        _access_may_have_changed()
                        recheck(named)
                    if time.monotonic() >= sweep_at:
                        sweep_at = time.monotonic() + every
                        _access_may_have_changed()
                        recheck()
            except Exception:
                log.exception("checking the open connections failed")
                socketio.sleep(every)
    finally:
        if listener is not None:
            listener.close()


def _listen(url: str | None, timeout_ms: int) -> Any:
    """Subscribed to the channel; None without Redis, or while it cannot be reached (the sweep still runs)."""
    if not url:
        return None
    try:
        pubsub = _redis(url, timeout_ms).pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(CHANNEL)
    except redis.RedisError:
        log.exception("open connections are checked every few seconds only: Redis cannot be reached")
        return None
    return pubsub


def _named_rooms(listener: Any, timeout: float) -> set[str]:
    """The rooms another process named within ``timeout`` seconds (without Redis: none, after the wait)."""
    if listener is None:
        socketio.sleep(timeout)
        return set()
    message = listener.get_message(timeout=timeout)
    if message is None:
        return set()
    named = json.loads(message["data"])
    return set() if named["host"] == HOST else set(named["rooms"])
