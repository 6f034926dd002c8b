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


def test_the_chair_and_the_secretary_are_never_invitees(app, client, pages, schedule_meeting, secretary, people):
    import sqlalchemy as sa

    from ecabinet.core.db import db
    from ecabinet.meetings.models import Meeting
    from ecabinet.notify.models import Notification
    from tests.fixtures.web import signed_in

    chair = schedule_meeting(422, invitee_ids=[people.office_leader, people.leader])["error"]
    assert chair["code"] == "chair_invited" and chair["details"][0]["field"] == "invitee_ids"
    assert chair["message"].startswith("Người chủ trì điều hành cuộc họp nên không được mời dự")
    clerk = schedule_meeting(422, invitee_ids=[people.secretary])["error"]
    assert clerk["code"] == "secretary_invited" and "bỏ chọn thư ký" in clerk["message"]
    series = schedule_meeting(422, invitee_ids=[people.leader], recurrence="FREQ=WEEKLY;COUNT=3")["error"]
    assert series["code"] == "chair_invited"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0  # no occurrence was made

    [meeting] = schedule_meeting()
    patched = client.patch(f"/api/v1/meetings/{meeting['id']}", headers=secretary,
                           json={"version": 1, "invitee_ids": [people.office_leader, people.leader]})
    assert patched.status_code == 422 and patched.get_json()["error"]["code"] == "chair_invited"
    swapped = client.patch(f"/api/v1/meetings/{meeting['id']}", headers=secretary,
                           json={"version": 1, "chair_id": people.office_leader})  # the invitee becomes the chair
    assert swapped.status_code == 422 and swapped.get_json()["error"]["code"] == "chair_invited"

    html = signed_in(pages, "chuyenvien").get(f"/meetings/{meeting['id']}/edit").get_data(as_text=True)
    chair_box = html[html.index(f'id="invitee-{people.leader}"') - 200:html.index(f'id="invitee-{people.leader}"') + 80]
    assert "disabled" in chair_box and 'id="invitee-roles-hint"' in html
    other_box = html[html.index(f'id="invitee-{people.office_leader}"'):]
    assert "disabled" not in other_box[:80]

    client.post(f"/api/v1/meetings/{meeting['id']}/status", headers=secretary,
                json={"version": 1, "action": "publish"})
    with app.app_context():
        invited = set(db.session.scalars(sa.select(Notification.user_id).where(
            Notification.kind == "meeting.invitation")))
    assert people.leader not in invited and people.secretary not in invited and people.office_leader in invited
