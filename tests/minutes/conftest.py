"""A meeting with its live room (tests/live/conftest.py) and helpers to run it and to read its minutes."""

from __future__ import annotations

import pytest

from tests.live.conftest import Room, act, members, room  # noqa: F401  (the meeting ready for its live room)
from tests.meetings.conftest import schedule_meeting, secretary, venue  # noqa: F401

SECTION_TEXT = "Thống nhất thông qua kế hoạch; giao Sở Tài chính rà soát nguồn vốn, báo cáo trước ngày 15/12."


def get_minutes(client, live_room: Room, username: str = "chuyenvien", expect: int = 200) -> dict:
    response = client.get(f"/api/v1/meetings/{live_room.id}/minutes", headers=live_room.headers[username])
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def save(client, live_room: Room, username: str, section: dict | int, text: str, base: int, expect: int = 200) -> dict:
    section_id = section if isinstance(section, int) else section["id"]
    response = client.put(f"/api/v1/minutes/sections/{section_id}", headers=live_room.headers[username],
                          json={"text": text, "base_revision": base})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def sign(client, live_room: Room, username: str, role: str, expect: int = 200) -> dict:
    response = client.post(f"/api/v1/meetings/{live_room.id}/minutes/sign", headers=live_room.headers[username],
                           json={"as": role})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def publish(client, live_room: Room) -> None:
    headers = live_room.headers["chuyenvien"]
    meeting = client.get(f"/api/v1/meetings/{live_room.id}", headers=headers).get_json()
    response = client.post(f"/api/v1/meetings/{live_room.id}/status", headers=headers,
                           json={"action": "publish", "version": meeting["version"],
                                 "reason": "Họp gấp theo chỉ đạo của Chủ tịch"})
    assert response.status_code == 200, response.get_json()


def run_meeting(client, live_room: Room, people) -> None:
    """Publish, start, check three seats in (one by a delegate), one speech and a named vote on the first item,
    then end: everything the minutes report."""
    publish(client, live_room)
    act(client, live_room, "pct", "start")
    act(client, live_room, "uyvien1", "check_in")
    act(client, live_room, "phogiamdoc", "check_in")
    act(client, live_room, "chuyenvien", "check_in_for", user_id=people.leader)
    request = act(client, live_room, "uyvien1", "request_floor")["snapshot"]["speakers"]["queue"][0]
    act(client, live_room, "pct", "give_floor", request_id=request["request_id"])
    act(client, live_room, "pct", "end_floor")
    act(client, live_room, "pct", "open_vote", question="Thông qua kế hoạch đầu tư công năm 2027?")
    act(client, live_room, "uyvien1", "cast_vote", choice="agree")
    act(client, live_room, "phogiamdoc", "cast_vote", choice="disagree")
    act(client, live_room, "pct", "cast_vote", choice="agree")
    act(client, live_room, "pct", "close_vote")
    act(client, live_room, "chuyenvien", "end")


@pytest.fixture
def ended_room(client, room, people):  # noqa: F811
    run_meeting(client, room, people)
    return room
