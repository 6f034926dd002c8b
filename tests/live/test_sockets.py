"""The live room over real Socket.IO connections to the app served in a thread."""

from __future__ import annotations

import threading

import pytest
import socketio
import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.live.models import Ballot
from tests.fixtures.live import Tablet, act


def test_an_unauthenticated_connection_is_refused(app_server):
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(app_server, transports=["websocket"], wait_timeout=10, auth={"token": "not-a-token"})


def test_a_join_is_refused_without_revealing_the_meeting(client, schedule_meeting, room, tablets, people):
    [hidden] = schedule_meeting(title="Họp mật về nhân sự", confidentiality="confidential",
                                starts_at="2026-12-01T01:00:00+00:00", ends_at="2026-12-01T03:00:00+00:00")
    viewer = tablets("quansat")
    for meeting_id in (hidden["id"], 999999):
        answer = viewer.join(meeting_id)
        assert answer == {"ok": False, "error": {"code": "not_found", "message": answer["error"]["message"]}}
        assert viewer.next("live:error") == {"meeting_id": meeting_id, **answer["error"]}
    assert viewer.join(room.id)["error"]["code"] == "forbidden"  # sees the meeting, is not part of it
    for bad in ({"meeting_id": "1"}, [room.id], None, {"meeting_id": True}):
        assert viewer.call("live:join", bad)["error"]["code"] == "validation_error"
    assert viewer.call("live:snapshot", {"meeting_id": room.id})["ok"] is False


def test_a_join_gives_the_snapshot_and_follows_the_changes(room, tablets):
    chair, member = tablets("pct"), tablets("uyvien1")
    joined = member.join(room.id)
    assert joined["ok"] and joined["snapshot"]["version"] == 0 and joined["snapshot"]["status"] == "not_started"
    assert chair.join(room.id)["ok"]
    assert chair.act(room.id, "start") == {"ok": True, "version": 1}
    change = member.next()
    assert (change["meeting_id"], change["version"], change["kind"]) == (room.id, 1, "status")
    assert change["data"]["status"] == "running" and change["data"]["item"]["id"] == room.items[0]
    assert set(change["data"]) == {"version", "status", "started_at", "ended_at", "item"}
    assert member.act(room.id, "check_in") == {"ok": True, "version": 2}
    change = member.next()
    assert change["kind"] == "attendance" and set(change["data"]) == {"version", "attendance"}
    assert change["data"]["attendance"]["present"] == 1
    assert member.call("live:leave", {"meeting_id": room.id}) == {"ok": True}
    chair.act(room.id, "next_item")
    assert member.none()


def test_bad_action_payloads_are_answered_with_an_error(room, tablets):
    chair = tablets("pct")
    chair.join(room.id)
    for payload, code in ((["start"], "validation_error"), ({"meeting_id": room.id, "action": 3}, "validation_error"),
                          ({"meeting_id": room.id, "action": "fly"}, "unknown_action"),
                          ({"meeting_id": room.id, "action": "goto_item", "args": {"item_id": "x"}},
                           "validation_error"),
                          ({"meeting_id": room.id, "action": "start", "args": "now"}, "validation_error"),
                          ({"meeting_id": room.id, "action": "next_item"}, "not_running")):
        answer = chair.call("live:action", payload)
        assert answer["ok"] is False and answer["error"]["code"] == code, (payload, answer)
    assert tablets("uyvien1").act(room.id, "start")["error"]["code"] == "forbidden"
    assert chair.act(room.id, "start")["ok"]


def test_a_tablet_never_hears_another_meeting(room, other_room, tablets):
    tablet = tablets("uyvien1")
    tablet.join(room.id)
    chair = tablets("pct")
    chair.join(other_room.id)
    assert chair.act(other_room.id, "start")["ok"]
    assert chair.next()["meeting_id"] == other_room.id
    assert tablet.none()


def test_reconnecting_and_a_version_gap_are_healed_by_a_snapshot(client, room, tablets):
    member = tablets("uyvien2")
    assert member.join(room.id)["snapshot"]["version"] == 0
    member.close()
    act(client, room, "pct", "start")
    act(client, room, "uyvien1", "check_in")  # missed while disconnected
    again = tablets("uyvien2")
    assert again.join(room.id)["snapshot"]["version"] == 2
    act(client, room, "pct", "next_item")
    change = again.next()
    assert change["version"] == 3
    snapshot = again.call("live:snapshot", {"meeting_id": room.id})
    assert snapshot["ok"] and snapshot["snapshot"]["version"] == 3
    assert snapshot["snapshot"]["item"]["id"] == room.items[1]
    assert snapshot["snapshot"]["attendance"]["present"] == 1


def test_the_tally_reaches_the_console_only(client, room, tablets):
    console, member = tablets("chuyenvien"), tablets("uyvien1")
    console.join(room.id)
    member.join(room.id)
    act(client, room, "pct", "start")
    act(client, room, "pct", "open_vote", question="Thông qua đề án chuyển đổi số?")
    vote_id = act(client, room, "pct", "cast_vote", choice="agree")["snapshot"]["vote"]["id"]
    assert console.next("live:tally") == {"meeting_id": room.id, "vote_id": vote_id, "agree": 1, "disagree": 0,
                                          "abstain": 0, "cast": 1, "entitled": 4}
    assert member.act(room.id, "cast_vote", choice="disagree")["ok"]
    assert console.next("live:tally")["cast"] == 2
    assert member.none("live:tally")
    changes = [member.next() for _ in range(4)]
    assert changes[-1]["data"]["vote"]["cast"] == 2 and "agree" not in changes[-1]["data"]["vote"]
    assert "tally" not in member.join(room.id)
    late_console = tablets("chanhvp")  # a console opened in the middle of the vote gets the count at once
    assert late_console.join(room.id)["tally"] == {"meeting_id": room.id, "vote_id": vote_id, "agree": 1,
                                                   "disagree": 1, "abstain": 0, "cast": 2, "entitled": 4}


def test_rights_are_checked_again_at_every_event(client, room, tablets, secretary):
    member = tablets("uyvien2")
    assert member.join(room.id)["ok"]
    meeting = client.get(f"/api/v1/meetings/{room.id}", headers=secretary).get_json()
    remaining = [inv["user"]["id"] for inv in meeting["invitations"]
                 if inv["user"] and inv["user"]["id"] != room.members["uyvien2"]]
    response = client.patch(f"/api/v1/meetings/{room.id}", headers=secretary,
                            json={"version": meeting["version"], "invitee_ids": remaining})
    assert response.status_code == 200, response.get_json()
    assert member.act(room.id, "check_in")["error"]["code"] == "forbidden"
    assert member.call("live:snapshot", {"meeting_id": room.id})["error"]["code"] == "forbidden"
    assert tablets("uyvien2").join(room.id)["error"]["code"] == "forbidden"  # its first join's verdict is gone


def _together(calls) -> list:
    """Run the calls at the same moment in threads; their answers in order."""
    answers: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def test_one_ballot_per_seat_under_concurrent_votes(app, client, room, app_server):
    act(client, room, "pct", "start")
    act(client, room, "pct", "open_vote", question="Thông qua báo cáo kinh tế - xã hội?")
    devices = [Tablet(app_server, room.headers[name]).connect()
               for name in ("uyvien1", "uyvien1", "uyvien1", "uyvien2", "phogiamdoc", "pct")]
    try:
        answers = _together([lambda t=t, i=i: t.act(room.id, "cast_vote", choice=("agree", "disagree")[i % 2])
                             for i, t in enumerate(devices)])
    finally:
        for device in devices:
            device.close()
    duplicates = answers[:3]
    assert sum(a["ok"] for a in duplicates) == 1
    assert [a["error"]["code"] for a in duplicates if not a["ok"]] == ["already_voted", "already_voted"]
    assert all(a["ok"] for a in answers[3:])
    assert sorted(a["version"] for a in answers if a["ok"]) == list(range(3, 7))  # each change its own version
    with app.app_context():
        voters = db.session.scalars(sa.select(Ballot.voter_id)).all()
        assert sorted(voters) == sorted({*voters}) and len(voters) == 4
    assert act(client, room, "pct", "close_vote")["snapshot"]["vote"]["cast"] == 4


def test_a_secret_vote_tally_shows_only_how_many_voted(client, room, tablets):
    console = tablets("chanhvp")
    console.join(room.id)
    act(client, room, "pct", "start")
    act(client, room, "pct", "open_vote", question="Bỏ phiếu kín?", secret=True)
    act(client, room, "uyvien1", "cast_vote", choice="disagree")
    tally = console.next("live:tally")
    assert (tally["agree"], tally["disagree"], tally["abstain"], tally["cast"]) == (None, None, None, 1)
