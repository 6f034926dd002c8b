"""A real Socket.IO client on a live server receives its notifications after the commit, and only its own; what a
scheduled job registers reaches it too, unless the job fails."""

from __future__ import annotations

import queue

import pytest
import socketio

from ecabinet.core.aftercommit import after_commit
from ecabinet.core.db import db
from ecabinet.core import extensions
from ecabinet.notify import operations as notify
from ecabinet.scheduler import Job, run_job
from tests.fixtures.network import disconnect
from tests.fixtures.web import api_token, web_login

MESSAGE = notify.Message(kind="meeting.postponed", subject="Hoãn họp: Giao ban tuần", body="Hoãn đến khi có lịch mới.",
                         link="/meetings/3")


class Listener:
    """A python-socketio client that queues every ``notification`` it receives."""

    def __init__(self) -> None:
        self.client = socketio.Client(reconnection=False)
        self.received: queue.Queue = queue.Queue()
        self.refusals: queue.Queue = queue.Queue()
        self.client.on("notification", self.received.put)
        self.client.on("connect_error", self.refusals.put)

    def connect(self, url: str, **kwargs) -> None:
        """Over the websocket transport (long-polling can hang 25 s, a ping interval, when refused)."""
        self.client.connect(url, transports=["websocket"], wait_timeout=10, **kwargs)

    def close(self) -> None:
        disconnect(self.client)


@pytest.fixture
def listeners():
    made: list[Listener] = []

    def make() -> Listener:
        made.append(Listener())
        return made[-1]

    yield make
    for listener in made:
        listener.close()


def _token(client, username: str) -> str:
    return api_token(client, username)["Authorization"].split()[1]


def test_a_connected_user_receives_the_notification_after_the_commit(app, client, people, app_server, listeners):
    leader, secretary = listeners(), listeners()
    leader.connect(app_server, auth={"token": _token(client, "pct")})
    secretary.connect(app_server, auth={"token": _token(client, "chuyenvien")})
    with app.app_context():
        first = notify.notify("meeting:3:postponed", [people.leader], MESSAGE)
        created = notify.notify("meeting:3:other", [people.leader], MESSAGE)
        db.session.commit()
        expected_ids = [first[0].id, created[0].id]
    assert leader.received.get(timeout=10)["id"] == expected_ids[0]
    payload = leader.received.get(timeout=10)
    assert payload["id"] == expected_ids[1] and payload["kind"] == "meeting.postponed"
    assert payload["subject"] == MESSAGE.subject and payload["link"] == "/meetings/3"
    assert payload["unread_count"] == 2 and payload["created_at"].endswith("+00:00")
    with pytest.raises(queue.Empty):
        secretary.received.get(timeout=0.5)  # someone else's notification never reaches another room


def test_the_session_cookie_authenticates_a_browser(app, client, people, app_server, listeners):
    web_login(client, "pct")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    browser = listeners()
    browser.connect(app_server, headers={"Cookie": f"{cookie.key}={cookie.value}"})
    with app.app_context():
        notify.notify("meeting:3:postponed", [people.leader], MESSAGE)
        db.session.commit()
    assert browser.received.get(timeout=10)["unread_count"] == 1


@pytest.mark.parametrize("auth", [None, {"token": "not-a-token"}])
def test_unauthenticated_connections_are_refused(app_server, people, listeners, auth):
    stranger = listeners()
    with pytest.raises(socketio.exceptions.ConnectionError):
        stranger.connect(app_server, auth=auth)
    refusal = stranger.refusals.get(timeout=5)
    assert refusal["data"] == {"code": "unauthenticated"} and refusal["message"].startswith("Đăng nhập")


def test_a_revoked_token_cannot_connect(client, people, app_server, listeners):
    headers = api_token(client, "pct")
    client.delete("/api/v1/auth/token", headers=headers)
    with pytest.raises(socketio.exceptions.ConnectionError):
        listeners().connect(app_server, auth={"token": headers["Authorization"].split()[1]})


def test_what_a_job_registers_reaches_a_live_client_only_when_the_job_commits(app, client, people, app_server,
                                                                             listeners):
    leader = listeners()
    leader.client.on("job:done", leader.received.put)
    leader.connect(app_server, auth={"token": _token(client, "pct")})

    def emit_done(job: str) -> None:
        extensions.socketio.emit("job:done", {"job": job}, to=extensions.user_room(people.leader))

    def failing_job() -> None:
        notify.notify("job:failed", [people.leader], MESSAGE)
        after_commit(lambda: emit_done("failed"))
        raise RuntimeError("the job fails after registering")

    def job() -> None:
        notify.notify("job:done", [people.leader], MESSAGE)
        after_commit(lambda: emit_done("done"))

    run_job(app, Job("failing", failing_job, 60))
    run_job(app, Job("works", job, 60))
    first, second = leader.received.get(timeout=10), leader.received.get(timeout=10)
    assert first["subject"] == MESSAGE.subject and first["unread_count"] == 1  # the failed job's row is gone
    assert second == {"job": "done"}
    with pytest.raises(queue.Empty):
        leader.received.get(timeout=0.5)  # nothing of the failed job, ever
