"""The live room's state machine over the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from ecabinet.audit.models import AuditEvent
from ecabinet.core.db import db
from ecabinet.live.models import Ballot, SpeakerRequest, Vote
from tests.fixtures import pdfs
from ecabinet.meetings.models import Meeting
from tests.fixtures.live import act
from tests.fixtures.materials import publish, upload


def snapshot(client, room, username="chuyenvien", expect=200):
    response = client.get(f"/api/v1/meetings/{room.id}/live", headers=room.headers[username])
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def me(client, room, username):
    response = client.get(f"/api/v1/meetings/{room.id}/live/me", headers=room.headers[username])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def error_code(body) -> str:
    return body["error"]["code"]


def test_a_new_room_is_not_started_and_expects_the_chair_and_the_members(client, room, people):
    state = snapshot(client, room)
    assert (state["meeting_id"], state["version"], state["status"]) == (room.id, 0, "not_started")
    assert [item["id"] for item in state["agenda"]] == room.items
    assert state["agenda"][0]["presenting_unit"] == "Sở Tài chính"
    assert state["item"] is None and state["vote"] is None and state["presentation"] is None
    assert state["speakers"] == {"current": None, "queue": []}
    attendance = state["attendance"]
    expected = [people.leader, *(room.members[n] for n in ("uyvien1", "uyvien2", "uyvien3"))]
    assert [m["user_id"] for m in attendance["members"]] == expected  # the absent member and the Office are not
    assert (attendance["expected"], attendance["present"], attendance["quorum"], attendance["has_quorum"]) == (
        4, 0, 3, False)


def test_start_pause_resume_move_and_end(app, client, room, secretary):
    meeting = client.get(f"/api/v1/meetings/{room.id}", headers=secretary).get_json()
    client.post(f"/api/v1/meetings/{room.id}/status", headers=secretary,
                json={"action": "publish", "version": meeting["version"]})
    assert error_code(act(client, room, "chuyenvien", "next_item", 409)) == "not_running"
    started = act(client, room, "pct", "start")
    assert started["version"] == 1
    state = started["snapshot"]
    assert state["status"] == "running" and state["started_at"].endswith("Z")
    assert state["item"]["id"] == room.items[0] and state["item"]["running"]
    assert error_code(act(client, room, "pct", "start", 409)) == "already_started"
    paused = act(client, room, "chuyenvien", "pause")["snapshot"]
    assert paused["status"] == "paused" and not paused["item"]["running"] and paused["item"]["started_at"] is None
    assert error_code(act(client, room, "chuyenvien", "pause", 409)) == "not_running"
    assert act(client, room, "chuyenvien", "resume")["snapshot"]["item"]["running"]
    assert act(client, room, "chuyenvien", "next_item")["snapshot"]["item"]["id"] == room.items[1]
    assert act(client, room, "chuyenvien", "goto_item", item_id=room.items[2])["snapshot"]["item"] == {
        "id": room.items[2], "started_at": snapshot(client, room)["item"]["started_at"], "elapsed_seconds": 0,
        "running": True}
    assert error_code(act(client, room, "chuyenvien", "next_item", 409)) == "no_such_item"
    assert act(client, room, "chuyenvien", "previous_item")["snapshot"]["item"]["id"] == room.items[1]
    assert error_code(act(client, room, "chuyenvien", "goto_item", 422, item_id=999999)) == "unknown_item"
    ended = act(client, room, "chanhvp", "end")
    assert ended["version"] == 7 and ended["snapshot"]["status"] == "ended" and ended["snapshot"]["ended_at"]
    assert not ended["snapshot"]["item"]["running"]
    assert error_code(act(client, room, "pct", "start", 409)) == "ended"
    assert error_code(act(client, room, "pct", "next_item", 409)) == "not_running"
    with app.app_context():
        assert db.session.get(Meeting, room.id).status.value == "ended"


def test_who_may_do_what(client, room):
    assert error_code(act(client, room, "sotc", "start", 403)) == "forbidden"  # follows, does not run
    assert error_code(act(client, room, "uyvien1", "start", 403)) == "forbidden"
    assert error_code(act(client, room, "chuyenvien", "check_in", 403)) == "forbidden"  # holds no seat
    assert error_code(act(client, room, "uyvien3", "check_in", 403)) == "forbidden"  # delegated its seat
    assert error_code(act(client, room, "uyvien4", "check_in", 403)) == "forbidden"  # absent
    assert error_code(snapshot(client, room, "quansat", 403)) == "forbidden"
    assert error_code(act(client, room, "quansat", "start", 403)) == "forbidden"
    response = client.post("/api/v1/meetings/999999/live/actions", headers=room.headers["pct"],
                           json={"action": "start", "args": {}})
    assert response.status_code == 404


def test_bad_actions_and_arguments_are_422(client, room):
    assert error_code(act(client, room, "pct", "fly", 422)) == "unknown_action"
    assert error_code(act(client, room, "pct", "goto_item", 422, item_id="5")) == "validation_error"
    assert error_code(act(client, room, "pct", "start", 422, surprise=1)) == "validation_error"
    act(client, room, "pct", "start")
    assert error_code(act(client, room, "pct", "open_vote", 422, question="  ")) == "validation_error"
    response = client.post(f"/api/v1/meetings/{room.id}/live/actions", headers=room.headers["pct"],
                           json={"action": "start", "args": [1]})
    assert response.status_code == 422


def test_attendance_delegation_and_quorum(client, room, people):
    assert act(client, room, "uyvien1", "check_in")["snapshot"]["attendance"]["present"] == 1  # before the start
    state = act(client, room, "phogiamdoc", "check_in")["snapshot"]["attendance"]
    seat = next(m for m in state["members"] if m["user_id"] == room.members["uyvien3"])
    assert seat == {"user_id": room.members["uyvien3"], "name": seat["name"], "present": True,
                    "attendee": "Trần Thị Phó"}
    assert (state["present"], state["has_quorum"]) == (2, False)
    state = act(client, room, "chuyenvien", "check_in_for", user_id=people.leader)["snapshot"]["attendance"]
    assert (state["present"], state["quorum"], state["has_quorum"]) == (3, 3, True)
    assert error_code(act(client, room, "chuyenvien", "check_in_for", 422, user_id=room.members["uyvien4"])) == (
        "not_a_member")
    assert error_code(act(client, room, "chuyenvien", "check_in_for", 422, user_id=room.members["uyvien2"],
                          attendee_id=room.members["phogiamdoc"])) == "invalid_attendee"
    state = act(client, room, "chuyenvien", "check_out_for", user_id=room.members["uyvien1"])["snapshot"]
    assert (state["attendance"]["present"], state["attendance"]["has_quorum"]) == (2, False)
    assert error_code(act(client, room, "chuyenvien", "check_out_for", 409, user_id=room.members["uyvien1"])) == (
        "not_present")
    assert me(client, room, "phogiamdoc")["seats"] == [room.members["uyvien3"]]


def test_the_speakers_queue(app, client, room):
    assert error_code(act(client, room, "uyvien1", "request_floor", 409)) == "not_running"
    act(client, room, "pct", "start")
    first = act(client, room, "uyvien1", "request_floor")["snapshot"]["speakers"]["queue"][0]
    assert error_code(act(client, room, "uyvien1", "request_floor", 409)) == "already_waiting"
    queue = act(client, room, "uyvien2", "request_floor")["snapshot"]["speakers"]["queue"]
    second = queue[1]
    assert [(q["user_id"], q["position"]) for q in queue] == [(room.members["uyvien1"], 1),
                                                              (room.members["uyvien2"], 2)]
    assert me(client, room, "uyvien2")["floor_request_id"] == second["request_id"]
    ordered = act(client, room, "chuyenvien", "order_speakers", request_ids=[second["request_id"],
                                                                             first["request_id"]])
    assert [q["request_id"] for q in ordered["snapshot"]["speakers"]["queue"]] == [second["request_id"],
                                                                                    first["request_id"]]
    assert error_code(act(client, room, "chuyenvien", "order_speakers", 422, request_ids=[first["request_id"]])) == (
        "invalid_order")
    speakers = act(client, room, "pct", "give_floor", request_id=second["request_id"])["snapshot"]["speakers"]
    assert speakers["current"]["user_id"] == room.members["uyvien2"] and speakers["current"]["started_at"]
    speakers = act(client, room, "pct", "give_floor", request_id=first["request_id"])["snapshot"]["speakers"]
    assert speakers["current"]["request_id"] == first["request_id"] and speakers["queue"] == []
    assert error_code(act(client, room, "pct", "give_floor", 409, request_id=second["request_id"])) == "not_waiting"
    assert act(client, room, "pct", "end_floor")["snapshot"]["speakers"]["current"] is None
    assert error_code(act(client, room, "pct", "end_floor", 409)) == "no_speaker"
    act(client, room, "uyvien2", "request_floor")
    assert act(client, room, "uyvien2", "withdraw_floor")["snapshot"]["speakers"]["queue"] == []
    assert error_code(act(client, room, "uyvien2", "withdraw_floor", 409)) == "not_waiting"
    with app.app_context():
        history = db.session.scalars(sa.select(SpeakerRequest.status).order_by(SpeakerRequest.id)).all()
        assert [s.value for s in history] == ["done", "done", "withdrawn"]


def test_a_named_vote_with_a_delegate(app, client, room, people):
    act(client, room, "pct", "start")
    assert error_code(act(client, room, "uyvien1", "cast_vote", 409, choice="agree")) == "no_open_vote"
    vote = act(client, room, "pct", "open_vote", question="Thông qua kế hoạch đầu tư công năm 2027?")["snapshot"]
    vote = vote["vote"]
    assert (vote["status"], vote["entitled"], vote["cast"], vote["result"], vote["item_id"]) == (
        "open", 4, 0, None, room.items[0])
    assert error_code(act(client, room, "pct", "open_vote", 409, question="Lần hai?")) == "vote_open"
    assert act(client, room, "uyvien1", "cast_vote", choice="agree")["snapshot"]["vote"]["cast"] == 1
    assert error_code(act(client, room, "uyvien1", "cast_vote", 409, choice="disagree")) == "already_voted"
    act(client, room, "phogiamdoc", "cast_vote", choice="disagree")
    assert error_code(act(client, room, "uyvien3", "cast_vote", 403, choice="agree")) == "forbidden"
    assert error_code(act(client, room, "phogiamdoc", "cast_vote", 422, choice="agree",
                          for_user_id=room.members["uyvien1"])) == "not_your_seat"
    assert me(client, room, "phogiamdoc")["voted_for"] == [room.members["uyvien3"]]
    act(client, room, "pct", "cast_vote", choice="abstain")
    assert error_code(act(client, room, "uyvien2", "cast_vote", 422, choice="maybe")) == "validation_error"
    closed = act(client, room, "chuyenvien", "close_vote")["snapshot"]["vote"]
    assert (closed["status"], closed["cast"], closed["result"]) == (
        "closed", 3, {"agree": 1, "disagree": 1, "abstain": 1})
    assert error_code(act(client, room, "uyvien2", "cast_vote", 409, choice="agree")) == "vote_closed"
    assert error_code(act(client, room, "chuyenvien", "close_vote", 409)) == "vote_closed"
    with app.app_context():
        ballot = db.session.scalars(sa.select(Ballot).where(Ballot.voter_id == room.members["uyvien3"])).one()
        assert (ballot.cast_by_id, ballot.choice.value) == (room.members["phogiamdoc"], "disagree")


def test_a_secret_vote_keeps_no_link_between_voter_and_choice(app, client, room):
    act(client, room, "pct", "start")
    act(client, room, "pct", "open_vote", question="Bỏ phiếu kín nhân sự?", secret=True)
    with app.app_context():
        audited = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    for username, choice in (("uyvien1", "agree"), ("uyvien2", "disagree"), ("phogiamdoc", "agree")):
        act(client, room, username, "cast_vote", choice=choice)
    assert act(client, room, "pct", "close_vote")["snapshot"]["vote"]["result"] == {
        "agree": 2, "disagree": 1, "abstain": 0}
    with app.app_context():
        assert db.session.scalars(sa.select(Ballot.choice)).all() == [None, None, None]
        choice_columns = [f"{t.name}.{c.name}" for t in db.metadata.sorted_tables for c in t.columns
                          if c.name == "choice"]
        assert choice_columns == ["ballots.choice"]  # the only place a choice sits next to a voter: empty here
        vote = db.session.scalars(sa.select(Vote)).one()
        assert (vote.agree, vote.disagree, vote.abstain) == (2, 1, 0)  # counts only
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == audited  # nothing recorded


def test_presenting_a_material(client, room, secretary):
    made = upload(client, secretary, room.id, pdfs.text_pdf(4, seed=3)).get_json()
    secret = upload(client, secretary, room.id, pdfs.text_pdf(2, seed=4), title="Phương án nhân sự",
                    confidentiality="confidential", reader_ids=str(room.members["uyvien1"])).get_json()
    publish(client, secretary, room.id)
    assert error_code(act(client, room, "chuyenvien", "present", 409, material_id=made["id"], page=1)) == (
        "not_running")
    act(client, room, "pct", "start")
    shown = act(client, room, "chuyenvien", "present", material_id=made["id"], page=3)["snapshot"]["presentation"]
    assert shown == {"material_id": made["id"], "page": 3, "title": made["title"], "page_count": 4,
                     "presenter": shown["presenter"]}
    assert error_code(act(client, room, "chuyenvien", "present", 422, material_id=made["id"], page=5)) == (
        "invalid_page")
    assert error_code(act(client, room, "chuyenvien", "present", 409, material_id=secret["id"], page=1)) == (
        "confidential")
    assert error_code(act(client, room, "uyvien1", "present", 403, material_id=made["id"], page=1)) == "forbidden"
    assert act(client, room, "chuyenvien", "stop_presenting")["snapshot"]["presentation"] is None
