"""Access that ends, ends on an open socket too: the connection leaves the meeting's rooms, or is closed, within
seconds, whatever ended it (uninvited, agency removed, role changed, deactivated, token revoked, session ended)."""

from __future__ import annotations

import sqlalchemy as sa

from ecabinet.accounts.models import ApiToken, User
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.meetings.models import Invitation
from tests.fixtures.live import Room, Tablet, act
from tests.fixtures.web import form_token, ok, web_login

WITHIN_S = 5
"""How long access may outlive its end on an open socket (the tests' sweep runs every second)."""


def _change_meeting(client, secretary, room: Room, **changes) -> None:
    version = ok(client.get(f"/api/v1/meetings/{room.id}", headers=secretary))["version"]
    ok(client.patch(f"/api/v1/meetings/{room.id}", headers=secretary, json={"version": version, **changes}))


def _invitees_but(client, secretary, room: Room, user_id: int) -> list[int]:
    meeting = ok(client.get(f"/api/v1/meetings/{room.id}", headers=secretary))
    return [inv["user"]["id"] for inv in meeting["invitations"] if inv["user"] and inv["user"]["id"] != user_id]


def _nothing_more_reaches(revoked: list[Tablet], witness: Tablet, client, room: Room) -> None:
    """What a follower is sent — who checks in, by name; the question of a vote — reaches the witness, still
    allowed, and none of ``revoked``."""
    for tablet in (*revoked, witness):
        tablet.forget()
    act(client, room, "pct", "check_in_for", user_id=room.members["uyvien3"])
    act(client, room, "pct", "open_vote", question="Thông qua phương án nhân sự?")
    attendance = witness.next()["data"]["attendance"]
    assert [m["attendee"] for m in attendance["members"] if m["present"]] == ["Trần Thị Phó"]
    assert witness.next()["data"]["vote"]["question"] == "Thông qua phương án nhân sự?"
    for tablet in revoked:
        assert tablet.none("live:change", wait=0.2) and tablet.none("live:tally", wait=0)


def test_a_socket_leaves_the_live_room_of_a_meeting_it_may_no_longer_see(client, room, tablets, secretary, people):
    act(client, room, "pct", "start")
    witness, uninvited, liaison = tablets("chuyenvien"), tablets("uyvien2"), tablets("sotc")
    for tablet in (witness, uninvited, liaison):
        assert tablet.join(room.id)["ok"]
    _change_meeting(client, secretary, room, confidentiality="confidential", unit_ids=[],
                    invitee_ids=_invitees_but(client, secretary, room, room.members["uyvien2"]))
    for tablet in (uninvited, liaison):
        error = tablet.next("live:error", timeout=WITHIN_S)
        assert (error["meeting_id"], error["code"]) == (room.id, "not_found")
        assert tablet.sio.connected  # only the meeting's room is left: the user's own notifications go on
    assert client.get(f"/api/v1/meetings/{room.id}/live", headers=room.headers["sotc"]).status_code == 404
    _nothing_more_reaches([uninvited, liaison], witness, client, room)
    assert liaison.call("live:snapshot", {"meeting_id": room.id})["error"]["code"] == "not_found"


def test_a_console_that_loses_the_right_to_run_the_meeting_stops_hearing_the_tally(client, room, tablets, people):
    act(client, room, "pct", "start")
    witness, demoted = tablets("chuyenvien"), tablets("chanhvp")
    assert witness.join(room.id)["tally"] is None and demoted.join(room.id)["tally"] is None  # both at the console
    act(client, room, "pct", "open_vote", question="Thông qua đề án chuyển đổi số?")
    assert demoted.next()["data"]["vote"]["status"] == "open"
    ok(client.patch(f"/api/v1/users/{people.office_leader}", headers=room.headers["admin"], json={"roles": ["member"]}))
    act(client, room, "uyvien1", "cast_vote", choice="agree")
    assert witness.next("live:tally")["cast"] == 1
    assert demoted.none("live:tally", wait=0.2)
    assert demoted.next()["data"]["vote"]["cast"] == 1  # still invited: still follows the meeting


def test_a_socket_is_closed_when_its_session_or_token_ends(app, client, pages, room, tablets):
    act(client, room, "pct", "start")
    web_login(pages, "uyvien1")
    cookie = pages.get_cookie(app.config["SESSION_COOKIE_NAME"])
    witness, browser = tablets("chuyenvien"), tablets("uyvien1", {"Cookie": f"{cookie.key}={cookie.value}"})
    deactivated, revoked = tablets("uyvien2"), tablets("uyvien4")
    for tablet in (witness, browser, deactivated, revoked):
        assert tablet.join(room.id)["ok"]
    admin = room.headers["admin"]
    response = client.post(f"/api/v1/users/{room.members['uyvien1']}/password", headers=admin,
                           json={"new_password": "Ngay-mai-troi-lai-sang-2027"})  # ends every session of the user
    assert response.status_code == 204, response.get_json()
    ok(client.patch(f"/api/v1/users/{room.members['uyvien2']}", headers=admin, json={"active": False}))
    assert client.delete("/api/v1/auth/token", headers=room.headers["uyvien4"]).status_code == 204
    for tablet in (browser, deactivated, revoked):
        assert tablet.disconnected.wait(WITHIN_S)
    _nothing_more_reaches([browser, deactivated, revoked], witness, client, room)


def test_signing_out_closes_the_sockets_of_that_session(app, pages, room, tablets):
    web_login(pages, "uyvien1")
    cookie = pages.get_cookie(app.config["SESSION_COOKIE_NAME"])
    browser = tablets("uyvien1", {"Cookie": f"{cookie.key}={cookie.value}"})
    assert browser.join(room.id)["ok"]
    assert pages.post("/logout", data={"csrf_token": form_token(pages)}).status_code == 302
    assert browser.disconnected.wait(WITHIN_S)


def test_access_ended_behind_every_hook_or_by_the_clock_still_ends_within_seconds(app, client, room, tablets, people):
    act(client, room, "pct", "start")
    witness, liaison, deactivated, expired = (tablets(name) for name in ("chuyenvien", "sotc", "uyvien2", "uyvien4"))
    for tablet in (witness, liaison, deactivated, expired):
        assert tablet.join(room.id)["ok"]
    with app.app_context():  # bulk statements: no change of an object is flushed, no hook hears of them
        db.session.execute(sa.delete(Invitation).where(Invitation.meeting_id == room.id,
                                                       Invitation.unit_id == people.department))
        db.session.execute(sa.update(User).where(User.id == room.members["uyvien2"]).values(active=False))
        db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == room.members["uyvien4"])
                           .values(expires_at=utcnow()))
        db.session.commit()
    assert liaison.next("live:error", timeout=WITHIN_S)["code"] == "not_found"
    assert deactivated.disconnected.wait(WITHIN_S) and expired.disconnected.wait(WITHIN_S)
    _nothing_more_reaches([liaison, deactivated, expired], witness, client, room)
