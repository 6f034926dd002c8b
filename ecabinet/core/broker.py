"""Socket.IO's message queue on Redis (``REDIS_URL``), made for Redis outages.

What a process emits is delivered to its own clients at once and published for the other processes. Redis may
go away (restarted, frozen, cut off); the change an emit announces is committed already, so:

- a publish waits at most ``REDIS_TIMEOUT_MS`` and is never retried: it is logged, further publishes are
  skipped until Redis answers again, and then this process asks every other to resync;
- the listener reconnects every ``RECONNECT_DELAY_SECONDS`` while Redis is away, not with a growing backoff;
- a process that may have missed messages (its listener reconnected, or another process asked) runs the hooks
  registered with ``when_messages_missed``: the live room sends its snapshot to the tablets it serves.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis
import socketio
from flask import Flask
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)

RECONNECT_DELAY_SECONDS = 0.5
RESYNC = "ecabinet:resync"
"""A message on the Socket.IO channel: the sender's publishes failed, every other process resyncs."""
KEEPALIVE = {name: value for name, value in (("TCP_KEEPIDLE", 5), ("TCP_KEEPINTVL", 2), ("TCP_KEEPCNT", 3))
             if hasattr(socket, name)}
"""A Redis host that vanished (no reset ever comes) is noticed within about 11 s by a listener waiting."""

MissedHook = Callable[[list[str]], None]
_missed_hooks: list[MissedHook] = []


def when_messages_missed(hook: MissedHook) -> MissedHook:
    """Register ``hook(rooms)``: run with the app context when this process may have missed messages, given the
    rooms that have clients in this process."""
    _missed_hooks.append(hook)
    return hook


def redis_client(url: str, timeout_ms: int, reading: bool = False) -> redis.Redis:
    """A client that fails fast instead of retrying; ``reading``: one that waits for messages without a limit."""
    timeout = timeout_ms / 1000
    return redis.Redis.from_url(url, socket_timeout=None if reading else timeout, socket_connect_timeout=timeout,
                                socket_keepalive=True,
                                socket_keepalive_options={getattr(socket, name): value
                                                          for name, value in KEEPALIVE.items()},
                                retry=Retry(NoBackoff(), 0))


class RedisQueue(socketio.PubSubManager):
    """python-socketio's client manager over Redis pub/sub, with the outage behaviour described above."""

    name = "redis"

    def __init__(self, app: Flask, url: str, channel: str = "flask-socketio") -> None:
        super().__init__(channel=channel)
        self.app = app
        self.url = url
        self.timeout_ms = app.config["REDIS_TIMEOUT_MS"]
        self.publisher = redis_client(url, self.timeout_ms)
        self._unreachable = threading.Event()
        """Set from a failed publish until Redis answers the resync request."""

    def _publish(self, data: Any) -> None:
        if self._unreachable.is_set():
            return
        try:
            self.publisher.publish(self.channel, self.json.dumps(data))
        except redis.RedisError as exc:
            log.error("Socket.IO message not published (%s): other processes resync once Redis answers", exc)
            self._unreachable.set()
            threading.Thread(target=self._ask_resync_when_back, daemon=True).start()

    def _ask_resync_when_back(self) -> None:
        while True:
            time.sleep(RECONNECT_DELAY_SECONDS)
            try:
                self.publisher.publish(self.channel, json.dumps({"method": RESYNC, "host_id": self.host_id}))
            except redis.RedisError:
                continue
            log.info("Redis answers again: the other processes resync")
            self._unreachable.clear()
            return

    def _listen(self) -> Iterator[dict]:
        missed = False
        while True:
            try:
                pubsub = redis_client(self.url, self.timeout_ms, reading=True).pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
            except redis.RedisError as exc:
                if not missed:
                    log.error("Socket.IO listener: Redis cannot be reached (%s); retrying", exc)
                missed = True
                time.sleep(RECONNECT_DELAY_SECONDS)
                continue
            if missed:
                log.info("Socket.IO listener: Redis reached again")
                self._resync_here()
            try:
                yield from self._messages(pubsub)
            except redis.RedisError as exc:
                log.error("Socket.IO listener: connection to Redis lost (%s); reconnecting", exc)
                missed = True
            finally:
                pubsub.close()

    def _messages(self, pubsub: redis.client.PubSub) -> Iterator[dict]:
        for message in pubsub.listen():
            if message["type"] != "message":
                continue
            data = self.json.loads(message["data"])
            if data.get("method") != RESYNC:
                yield data
            elif data.get("host_id") != self.host_id:
                self._resync_here()

    def _resync_here(self) -> None:
        rooms = [room for room in list(self.rooms.get("/", {})) if isinstance(room, str)]
        with self.app.app_context():
            for hook in _missed_hooks:
                try:
                    hook(rooms)
                except Exception:
                    log.exception("resync after missed messages failed")
