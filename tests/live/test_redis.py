"""Scale-out: two real server processes joined by a real Redis keep every tablet of a meeting in step.

A redis-server (``ECABINET_TEST_REDIS_URL``, as ``.ci/start-redis`` prints, or one started here on a free
port; the outage tests start their own), two ``python -m ecabinet.serve`` processes on the test database, a
python-socketio client on each.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import textwrap
import threading
import time

import pytest
import requests
import socketio

from tests.fixtures import ROOT
from tests.fixtures.processes import server_env, serving
from tests.fixtures.web import api_token

# Socket.IO servers of concurrent tests would share the Redis channel (and meeting ids): one xdist worker runs them.
pytestmark = pytest.mark.xdist_group("redis")

EVENT_TIMEOUT_S = 10


class Tablet:
    """A python-socketio client that keeps what it receives, per event name."""

    def __init__(self, url: str, token: str) -> None:
        self.events: dict[str, queue.Queue] = {name: queue.Queue() for name in ("live:change", "live:error",
                                                                                 "notification")}
        self.sio = socketio.Client(reconnection=False)
        for name, received in self.events.items():
            self.sio.on(name, received.put)
        self.disconnected = threading.Event()
        self.sio.on("disconnect", lambda *reason: self.disconnected.set())
        self.sio.connect(url, transports=["websocket"], wait_timeout=10, auth={"token": token})

    def join(self, meeting_id: int) -> dict:
        ack = self.sio.call("live:join", {"meeting_id": meeting_id}, timeout=EVENT_TIMEOUT_S)
        assert ack["ok"] is True, ack
        return ack["snapshot"]

    def next(self, event: str) -> dict:
        return self.events[event].get(timeout=EVENT_TIMEOUT_S)

    def change(self, version: int) -> dict:
        """The ``live:change`` of ``version`` (earlier ones, if any, are skipped)."""
        while True:
            change = self.next("live:change")
            if change["version"] >= version:
                assert change["version"] == version, change
                return change


def _add_agenda(client, meeting_id: int, secretary: dict[str, str]) -> None:
    for title in ("Kế hoạch đầu tư công năm 2027", "Dự toán ngân sách năm 2027"):
        response = client.post(f"/api/v1/meetings/{meeting_id}/agenda", headers=secretary, json={"title": title})
        assert response.status_code == 201, response.get_json()


def _bearer(headers: dict[str, str]) -> str:
    return headers["Authorization"].split()[1]


def _act(url: str, meeting_id: int, headers: dict[str, str], action: str) -> dict:
    response = requests.post(f"{url}/api/v1/meetings/{meeting_id}/live/actions", json={"action": action, "args": {}},
                             headers=headers, timeout=EVENT_TIMEOUT_S)
    assert response.status_code == 200, response.text
    return response.json()


def _close(tablets: list[Tablet]) -> None:
    closing = [threading.Thread(target=tablet.sio.disconnect) for tablet in tablets]
    for thread in closing:
        thread.start()
    for thread in closing:
        thread.join(timeout=EVENT_TIMEOUT_S)


PUSH_FROM_ANOTHER_PROCESS = textwrap.dedent("""
    import sys
    from ecabinet import create_app
    from ecabinet.core.db import db
    from ecabinet.notify import operations as notify

    app = create_app(None)
    with app.app_context():
        created = notify.notify("redis-scale-out-test", [int(sys.argv[1])], notify.Message(
            kind="meeting.reminder", subject="Nhắc lịch họp qua Redis", body="Phiên họp sắp bắt đầu",
            link="/meetings"))
        db.session.commit()
        print(created[0].id)
""")


@pytest.mark.long
def test_two_processes_joined_by_redis_keep_every_tablet_in_step(app, client, people, schedule_meeting, secretary,
                                                                 two_servers, database_url, redis_url):
    """The same changes on both; a notification pushed by a third process; access ended through one process ends
    at once on the other (its sweep waits 600 s here: only Redis can have told it)."""
    [meeting] = schedule_meeting(confidentiality="confidential")
    _add_agenda(client, meeting["id"], secretary)
    server_a, server_b = two_servers
    chair = Tablet(server_a, _bearer(api_token(client, "pct")))
    member = Tablet(server_b, _bearer(api_token(client, "chanhvp")))
    liaison = Tablet(server_b, _bearer(api_token(client, "sotc")))
    viewer = Tablet(server_b, _bearer(api_token(client, "quansat")))
    try:
        assert chair.join(meeting["id"])["version"] == member.join(meeting["id"])["version"]

        started = _act(server_a, meeting["id"], secretary, "start")
        for tablet in (chair, member):
            assert tablet.change(started["version"])["data"]["status"] == "running"

        moved = _act(server_a, meeting["id"], secretary, "next_item")
        assert moved["version"] == started["version"] + 1
        on_a, on_b = chair.change(moved["version"]), member.change(moved["version"])
        assert on_a == on_b
        assert on_b["meeting_id"] == meeting["id"] and on_b["kind"] == "item"
        assert on_b["data"]["item"]["id"] == moved["snapshot"]["item"]["id"]

        pushed = subprocess.run([sys.executable, "-c", PUSH_FROM_ANOTHER_PROCESS, str(people.office_leader)],
                                cwd=ROOT, env=server_env(app, database_url, redis_url), capture_output=True,
                                text=True, timeout=60)
        assert pushed.returncode == 0, pushed.stderr
        notification_id = int(pushed.stdout.split()[-1])
        notification = member.next("notification")
        while notification["id"] != notification_id:
            notification = member.next("notification")
        assert notification["subject"] == "Nhắc lịch họp qua Redis" and notification["unread_count"] >= 1
        assert notification_id not in [event["id"] for event in chair.events["notification"].queue]

        _end_access_through(server_a, client, meeting["id"], secretary, people, liaison, viewer)
        moved = _act(server_a, meeting["id"], secretary, "previous_item")
        assert member.change(moved["version"])["kind"] == "item"
        assert liaison.events["live:change"].empty()
    finally:
        _close([chair, member, liaison, viewer])


def _end_access_through(server: str, client, meeting_id: int, secretary, people, liaison: Tablet,
                        viewer: Tablet) -> None:
    """Through ``server``, the liaison's agency is removed from the meeting and the viewer deactivated: the
    liaison, on the other server, leaves the meeting's room, the viewer's connection is closed, within 5 s."""
    liaison.join(meeting_id)
    version = requests.get(f"{server}/api/v1/meetings/{meeting_id}", headers=secretary, timeout=10).json()["version"]
    removed = requests.patch(f"{server}/api/v1/meetings/{meeting_id}", headers=secretary, timeout=EVENT_TIMEOUT_S,
                             json={"version": version, "unit_ids": []})
    assert removed.status_code == 200, removed.text
    deactivated = requests.patch(f"{server}/api/v1/users/{people.viewer}", json={"active": False},
                                 headers=api_token(client, "admin"), timeout=EVENT_TIMEOUT_S)
    assert deactivated.status_code == 200, deactivated.text
    error = liaison.events["live:error"].get(timeout=5)
    assert (error["meeting_id"], error["code"]) == (meeting_id, "not_found")
    assert viewer.disconnected.wait(5)


def _caught_up(tablet: Tablet, version: int, deadline: float) -> dict:
    """The change that brings ``tablet`` to ``version`` before ``deadline`` (monotonic)."""
    while True:
        change = tablet.events["live:change"].get(timeout=max(0.0, deadline - time.monotonic()))
        if change["version"] >= version:
            assert change["version"] == version, change
            return change


def _published_item(tablet: Tablet, version: int) -> dict:
    """The ``item`` change of ``version``, published as usual: resync snapshots (sent once Redis answered again,
    possibly more than once) may come before it."""
    while True:
        change = tablet.next("live:change")
        if change["kind"] == "item" and change["version"] == version:
            return change
        assert change["kind"] == "snapshot" or change["version"] < version, change


@pytest.mark.long
@pytest.mark.parametrize("database_template", ["postgresql"], indirect=True)  # Redis's part: one backend is enough
def test_tablets_catch_up_after_redis_restarts_and_freezes(client, schedule_meeting, secretary, app,
                                                           database_url, own_redis, tmp_path):
    """A change made while Redis is down reaches the other process's tablets (as a snapshot) within 2 s of Redis
    returning; while Redis is frozen an action answers within about a second, and its change arrives once Redis
    thaws."""
    [meeting] = schedule_meeting()
    _add_agenda(client, meeting["id"], secretary)
    with serving(app, database_url, own_redis.url, tmp_path) as (server_a, server_b):
        on_a = Tablet(server_a, _bearer(api_token(client, "pct")))
        on_b = Tablet(server_b, _bearer(api_token(client, "chanhvp")))
        try:
            on_a.join(meeting["id"]), on_b.join(meeting["id"])
            started = _act(server_a, meeting["id"], secretary, "start")
            for tablet in (on_a, on_b):
                tablet.change(started["version"])  # both listeners are subscribed

            own_redis.stop()
            moved = _act(server_a, meeting["id"], secretary, "next_item")
            assert on_a.change(moved["version"])["kind"] == "item"  # this process's own tablets hear it at once
            own_redis.start()
            back = time.monotonic()
            assert _caught_up(on_b, moved["version"], back + 2)["kind"] == "snapshot"
            moved = _act(server_a, meeting["id"], secretary, "previous_item")
            assert _published_item(on_b, moved["version"])["data"]["item"]["id"] == moved["snapshot"]["item"]["id"]

            own_redis.freeze()
            for action in ("pause", "resume"):
                asked = time.monotonic()
                acted = _act(server_a, meeting["id"], secretary, action)
                assert time.monotonic() - asked < 2.5, action
                assert on_a.change(acted["version"])["kind"] == "status"
            own_redis.thaw()
            thawed = time.monotonic()
            _caught_up(on_b, acted["version"], thawed + 2)
            live = requests.get(f"{server_b}/api/v1/meetings/{meeting['id']}/live", headers=secretary, timeout=10)
            assert live.json()["version"] == acted["version"]
        finally:
            _close([on_a, on_b])
