"""Invitation answers: attending, absent with a reason, delegated; agencies name who attends."""

from datetime import timedelta

from tests.fixtures.web import api_token
from tests.fixtures.meetings import MONDAY_8H


def _invitation(meeting, *, username=None, unit=None):
    for inv in meeting["invitations"]:
        if (username and inv["user"] and inv["user"]["username"] == username) or \
                (unit and inv["unit"] and inv["unit"]["code"] == unit):
            return inv
    raise AssertionError("no such invitation")


def test_invitee_answers_and_may_delegate(client, schedule_meeting, people, venue):
    [meeting] = schedule_meeting()
    invitation = _invitation(meeting, username="chanhvp")
    me = api_token(client, "chanhvp")
    url = f"/api/v1/invitations/{invitation['id']}"
    assert client.post(url, headers=me, json={"response": "attending"}).get_json()["response"] == "attending"
    missing_reason = client.post(url, headers=me, json={"response": "absent"})
    assert missing_reason.status_code == 422 and missing_reason.get_json()["error"]["code"] == "reason_required"
    absent = client.post(url, headers=me, json={"response": "absent", "reason": "Đi công tác Hà Nội"}).get_json()
    assert absent["response"] == "absent" and absent["absence_reason"] == "Đi công tác Hà Nội"
    no_delegate = client.post(url, headers=me, json={"response": "delegated"})
    assert no_delegate.status_code == 422
    self_delegate = client.post(url, headers=me, json={"response": "delegated", "delegate_id": people.office_leader})
    assert self_delegate.get_json()["error"]["code"] == "invalid_delegate"
    delegated = client.post(url, headers=me, json={"response": "delegated", "delegate_id": people.secretary})
    body = delegated.get_json()
    assert body["response"] == "delegated" and body["delegate"]["username"] == "chuyenvien"
    assert body["absence_reason"] is None


def test_a_delegate_is_booked_in_place_of_the_principal(client, schedule_meeting, people, venue):
    [meeting] = schedule_meeting(invitee_ids=[venue.second_leader], unit_ids=[])
    invitation = _invitation(meeting, username="chutich")
    chairman = api_token(client, "chutich")
    client.post(f"/api/v1/invitations/{invitation['id']}", headers=chairman,
                json={"response": "delegated", "delegate_id": people.leader})
    # the chairman is now free at that time; a meeting he chairs elsewhere does not clash
    schedule_meeting(201, chair_id=venue.second_leader, room_id=venue.other_room, invitee_ids=[], unit_ids=[],
                     title="Tiếp công dân định kỳ")


def test_an_agency_names_who_attends(client, schedule_meeting, people):
    [meeting] = schedule_meeting()
    invitation = _invitation(meeting, unit="sotc")
    liaison = api_token(client, "sotc")
    response = client.post(f"/api/v1/invitations/{invitation['id']}", headers=liaison,
                           json={"response": "attending", "attendee_id": people.liaison})
    assert response.status_code == 200 and response.get_json()["attendee"]["username"] == "sotc"


def test_nobody_else_answers_for_an_invitee(client, schedule_meeting, people):
    [meeting] = schedule_meeting()
    invitation = _invitation(meeting, username="chanhvp")
    liaison = api_token(client, "sotc")
    response = client.post(f"/api/v1/invitations/{invitation['id']}", headers=liaison, json={"response": "attending"})
    assert response.status_code == 403
    secretary = api_token(client, "chuyenvien")  # the secretariat records answers given by phone
    assert client.post(f"/api/v1/invitations/{invitation['id']}", headers=secretary,
                       json={"response": "attending"}).status_code == 200


def test_a_cancelled_meeting_takes_no_answers(client, schedule_meeting, secretary):
    [meeting] = schedule_meeting(starts_at=(MONDAY_8H + timedelta(days=1)).isoformat(),
                                 ends_at=(MONDAY_8H + timedelta(days=1, hours=1)).isoformat())
    client.post(f"/api/v1/meetings/{meeting['id']}/status", headers=secretary,
                json={"version": 1, "action": "cancel", "reason": "Không còn cần thiết"})
    invitation = _invitation(meeting, username="chanhvp")
    response = client.post(f"/api/v1/invitations/{invitation['id']}", headers=api_token(client, "chanhvp"),
                           json={"response": "attending"})
    assert response.status_code == 409
