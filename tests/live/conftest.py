"""A meeting ready for its live room: members, a delegation, an absence, an agenda; Socket.IO clients."""

from __future__ import annotations

import queue
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import socketio

from ecabinet.accounts.models import Role
from ecabinet.core.db import db
from ecabinet.org.models import Unit
from tests.fixtures.factories import make_user
from tests.fixtures.network import disconnect
from tests.fixtures.web import api_token
from tests.meetings.conftest import MONDAY_8H, schedule_meeting, secretary, venue  # noqa: F401


@dataclass(frozen=True)
class Room:
    """The live meeting: ids of its people and items, and an API header per username."""

    id: int
    members: dict[str, int]
    items: list[int]
    headers: dict[str, dict[str, str]] = field(repr=False)


@pytest.fixture
def members(app, people):
    """Four UBND members and a deputy who attends for one of them."""
    with app.app_context():
        province = db.session.get(Unit, people.province)
        made = {name: make_user(name, province, Role.MEMBER) for name in ("uyvien1", "uyvien2", "uyvien3", "uyvien4")}
        made["phogiamdoc"] = make_user("phogiamdoc", province, Role.CLERK, full_name="Trần Thị Phó")
        db.session.commit()
        return {name: user.id for name, user in made.items()}


def _answer(client, headers, invitation_id: int, **body) -> None:
    response = client.post(f"/api/v1/invitations/{invitation_id}", headers=headers, json=body)
    assert response.status_code == 200, response.get_json()


def _prepare(client, schedule, secretary, people, members, starts_at=MONDAY_8H) -> Room:  # noqa: F811
    [meeting] = schedule(starts_at=starts_at.isoformat(), ends_at=(starts_at + timedelta(hours=2)).isoformat(),
                         invitee_ids=[members[n] for n in ("uyvien1", "uyvien2", "uyvien3", "uyvien4")]
                         + [people.office_leader], confirm_person_conflicts=True)
    invitations = {inv["user"]["id"] if inv.get("user") else None: inv["id"] for inv in meeting["invitations"]}
    _answer(client, secretary, invitations[members["uyvien3"]], response="delegated",
            delegate_id=members["phogiamdoc"])
    _answer(client, secretary, invitations[members["uyvien4"]], response="absent", reason="Đi công tác Hà Nội")
    items = []
    for title in ("Kế hoạch đầu tư công năm 2027", "Đề án chuyển đổi số", "Báo cáo tình hình kinh tế - xã hội"):
        response = client.post(f"/api/v1/meetings/{meeting['id']}/agenda", headers=secretary,
                               json={"title": title, "presenting_unit_id": people.department})
        assert response.status_code == 201, response.get_json()
        items.append(response.get_json()["id"])
    headers = {name: api_token(client, name) for name in ("pct", "chuyenvien", "chanhvp", "sotc", "quansat", "admin",
                                                           *members)}
    return Room(meeting["id"], members, items, headers)


@pytest.fixture
def room(client, schedule_meeting, secretary, people, members) -> Room:  # noqa: F811
    return _prepare(client, schedule_meeting, secretary, people, members)


@pytest.fixture
def other_room(client, schedule_meeting, secretary, people, members, room) -> Room:  # noqa: F811
    return _prepare(client, schedule_meeting, secretary, people, members, MONDAY_8H + timedelta(days=1))


def act(client, room: Room, username: str, action: str, expect: int = 200, **args):
    response = client.post(f"/api/v1/meetings/{room.id}/live/actions", headers=room.headers[username],
                           json={"action": action, "args": args})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


class Tablet:
    """A real Socket.IO client signed in with a user's API token, keeping every event it receives."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url = url
        self.token = headers["Authorization"].split()[1]
        self.events: dict[str, queue.Queue] = {name: queue.Queue() for name in ("live:change", "live:tally",
                                                                                 "live:error")}
        self.sio = socketio.Client(reconnection=False)
        for name, received in self.events.items():
            self.sio.on(name, received.put)

    def connect(self) -> Tablet:
        self.sio.connect(self.url, transports=["websocket"], wait_timeout=10, auth={"token": self.token})
        return self

    def call(self, event: str, payload) -> dict:
        return self.sio.call(event, payload, timeout=10)

    def join(self, meeting_id: int) -> dict:
        return self.call("live:join", {"meeting_id": meeting_id})

    def act(self, meeting_id: int, action: str, **args) -> dict:
        return self.call("live:action", {"meeting_id": meeting_id, "action": action, "args": args})

    def next(self, event: str = "live:change", timeout: float = 10):
        return self.events[event].get(timeout=timeout)

    def none(self, event: str = "live:change", wait: float = 0.5) -> bool:
        try:
            self.events[event].get(timeout=wait)
        except queue.Empty:
            return True
        return False

    def close(self) -> None:
        disconnect(self.sio)


@pytest.fixture
def tablets(app_server, room):  # noqa: F811
    """``tablets("pct")`` connects a tablet for that user; all are disconnected at the end."""
    opened: list[Tablet] = []

    def open_tablet(username: str, headers: dict[str, str] | None = None) -> Tablet:
        tablet = Tablet(app_server, headers or room.headers[username]).connect()
        opened.append(tablet)
        return tablet

    yield open_tablet
    for tablet in opened:
        tablet.close()
