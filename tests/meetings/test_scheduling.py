"""Scheduling: validation, clashes (room, leader, recurring occurrence), versions, history."""

from datetime import timedelta

import sqlalchemy as sa

from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.meetings.models import Meeting
from tests.fixtures.web import api_token
from tests.fixtures.meetings import MONDAY_8H


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Meeting))


def test_secretariat_schedules_a_draft_meeting(schedule_meeting):
    [meeting] = schedule_meeting()
    assert meeting["status"] == "draft" and meeting["version"] == 1
    assert meeting["room"]["name"] == "Phòng họp số 1" and meeting["format"] == "in_person"
    assert {i["unit"]["code"] if i["unit"] else i["user"]["username"] for i in meeting["invitations"]} == \
        {"sotc", "chanhvp"}
    assert [c["kind"] for c in meeting["changes"]] == ["created"]


def test_bad_input_is_refused_and_nothing_is_saved(app, schedule_meeting, people):
    error = schedule_meeting(422, ends_at=MONDAY_8H.isoformat())["error"]
    assert error["code"] == "ends_before_start" and error["details"][0]["field"] == "ends_at"
    assert schedule_meeting(422, room_id=999)["error"]["details"][0]["field"] == "room_id"
    assert schedule_meeting(422, starts_at="2026-11-30T08:00:00")["error"]["code"] == "validation_error"  # no zone
    with app.app_context():
        from ecabinet.accounts.models import User

        db.session.get(User, people.viewer).active = False
        db.session.commit()
    error = schedule_meeting(422, invitee_ids=[people.viewer])["error"]
    assert error["details"][0]["field"] == "invitee_ids" and str(people.viewer) in error["message"]
    assert _count(app) == 0


def test_only_the_secretariat_schedules(client, schedule_meeting):
    for username in ("sotc", "quansat", "pct"):
        schedule_meeting(403, headers=api_token(client, username))


def test_a_room_clash_is_refused_unless_an_office_leader_overrides(client, schedule_meeting, venue):
    schedule_meeting()
    later = (MONDAY_8H + timedelta(hours=1)).isoformat()
    other = {"chair_id": venue.second_leader, "invitee_ids": [], "unit_ids": [], "starts_at": later,
             "ends_at": (MONDAY_8H + timedelta(hours=3)).isoformat()}
    error = schedule_meeting(409, **other)["error"]
    assert error["code"] == "room_conflict" and error["details"][0]["conflict"]["kind"] == "room"
    schedule_meeting(409, override_room_conflict=True, **other)  # the secretariat may not override
    schedule_meeting(201, override_room_conflict=True, headers=api_token(client, "chanhvp"), **other)


def test_a_leaders_clash_is_a_warning_to_confirm(schedule_meeting, venue, people):
    schedule_meeting()
    clash = {"room_id": venue.other_room, "chair_id": venue.second_leader, "invitee_ids": [people.leader],
             "unit_ids": []}
    error = schedule_meeting(409, **clash)["error"]
    assert error["code"] == "person_conflict"
    assert [d["conflict"]["user_id"] for d in error["details"]] == [people.leader]
    schedule_meeting(201, confirm_person_conflicts=True, **clash)


def test_back_to_back_meetings_do_not_clash(schedule_meeting):
    schedule_meeting()
    schedule_meeting(201, starts_at=(MONDAY_8H + timedelta(hours=2)).isoformat(),
                     ends_at=(MONDAY_8H + timedelta(hours=3)).isoformat())


def test_recurring_occurrences_clash_and_can_be_skipped_or_moved(client, schedule_meeting, secretary, venue):
    series = schedule_meeting(title="Giao ban Phó Chủ tịch", recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=4",
                              invitee_ids=[], unit_ids=[])
    assert len(series) == 4 and len({m["series_id"] for m in series}) == 1
    assert [m["starts_at"][:10] for m in series] == ["2026-11-30", "2026-12-07", "2026-12-14", "2026-12-21"]
    third = series[2]
    assert third["starts_at"].endswith("01:00:00Z") or "T01:00:00" in third["starts_at"]  # 08:00 local kept
    clash = {"chair_id": venue.second_leader, "invitee_ids": [], "unit_ids": [],
             "starts_at": third["starts_at"], "ends_at": third["ends_at"]}
    error = schedule_meeting(409, **clash)["error"]
    assert error["details"][0]["conflict"]["meeting_id"] == third["id"]
    # skip the third occurrence: it no longer holds the room
    response = client.post(f"/api/v1/meetings/{third['id']}/status", headers=secretary,
                           json={"version": third["version"], "action": "cancel", "reason": "Trùng lịch tiếp khách"})
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    schedule_meeting(201, **clash)
    # move the fourth occurrence to Tuesday
    fourth = series[3]
    moved = client.patch(f"/api/v1/meetings/{fourth['id']}", headers=secretary, json={
        "version": fourth["version"], "starts_at": "2026-12-22T01:00:00Z", "ends_at": "2026-12-22T03:00:00Z"})
    assert moved.status_code == 200 and moved.get_json()["changes"][-1]["kind"] == "rescheduled"


def test_an_unbounded_or_broken_recurrence_is_refused(app, schedule_meeting):
    assert schedule_meeting(422, recurrence="FREQ=WEEKLY;BYDAY=MO")["error"]["code"] == "unbounded_recurrence"
    assert schedule_meeting(422, recurrence="FREQ=SOMETIMES;COUNT=3")["error"]["code"] == "invalid_recurrence"
    assert schedule_meeting(422, recurrence="FREQ=DAILY;COUNT=500")["error"]["code"] == "too_many_occurrences"
    assert _count(app) == 0


def test_two_people_editing_the_same_meeting(client, schedule_meeting, secretary, people):
    [meeting] = schedule_meeting()
    office_leader = api_token(client, "chanhvp")
    first = client.patch(f"/api/v1/meetings/{meeting['id']}", headers=secretary,
                         json={"version": 1, "title": "Họp về đầu tư công (sửa)"})
    assert first.status_code == 200 and first.get_json()["version"] == 2
    second = client.patch(f"/api/v1/meetings/{meeting['id']}", headers=office_leader,
                          json={"version": 1, "description": "Bổ sung tài liệu"})
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "version_conflict"
    current = client.get(f"/api/v1/meetings/{meeting['id']}", headers=secretary).get_json()
    assert current["title"] == "Họp về đầu tư công (sửa)" and current["description"] == ""


def test_changes_are_kept_in_the_history(client, schedule_meeting, secretary, venue):
    [meeting] = schedule_meeting()
    url = f"/api/v1/meetings/{meeting['id']}"
    client.post(url + "/status", headers=secretary, json={"version": 1, "action": "publish"})
    client.patch(url, headers=secretary, json={"version": 2, "room_id": venue.other_room, "reason": "Sửa phòng"})
    client.post(url + "/status", headers=secretary, json={"version": 3, "action": "postpone"})
    response = client.post(url + "/status", headers=secretary,
                           json={"version": 3, "action": "postpone", "reason": "Lãnh đạo đi công tác"})
    history = response.get_json()
    assert history["status"] == "postponed" and history["status_reason"] == "Lãnh đạo đi công tác"
    assert [c["kind"] for c in history["changes"]] == ["created", "published", "venue_changed", "postponed"]
    assert history["changes"][2]["details"]["room_id"] == [venue.room, venue.other_room]


def test_confidential_meetings_are_hidden_from_those_not_named(client, schedule_meeting, people, venue):
    [meeting] = schedule_meeting(confidentiality="confidential", chair_id=venue.second_leader, invitee_ids=[],
                                 unit_ids=[])
    leader = api_token(client, "pct")
    assert client.get(f"/api/v1/meetings/{meeting['id']}", headers=leader).status_code == 404
    listed = client.get("/api/v1/meetings?start=2026-11-30&end=2026-12-06", headers=leader).get_json()
    assert (listed["items"], listed["total"]) == ([], 0)
    chairman = api_token(client, "chutich")
    assert client.get(f"/api/v1/meetings/{meeting['id']}", headers=chairman).status_code == 200


def test_list_filters_by_leader_agency_and_period(client, schedule_meeting, secretary, people, venue):
    schedule_meeting()
    schedule_meeting(title="Làm việc với huyện Bình Sơn", chair_id=venue.second_leader, room_id=venue.other_room,
                     invitee_ids=[], unit_ids=[people.district])
    titles = lambda q: [m["title"] for m in client.get(f"/api/v1/meetings?{q}", headers=secretary).get_json()["items"]]
    assert titles(f"leader_id={people.leader}") == ["Họp về kế hoạch đầu tư công năm 2027"]
    assert titles(f"unit_id={people.district}") == ["Làm việc với huyện Bình Sơn"]
    assert titles("start=01/12/2026&end=31/12/2026") == []
    assert len(titles("start=30/11/2026&end=30/11/2026")) == 2


def test_a_late_announcement_needs_its_reason_and_is_marked_urgent(app, client, schedule_meeting, secretary):
    soon = utcnow().replace(microsecond=0) + timedelta(hours=20)
    [meeting] = schedule_meeting(starts_at=soon.isoformat(), ends_at=(soon + timedelta(hours=1)).isoformat())
    url = f"/api/v1/meetings/{meeting['id']}/status"
    refused = client.post(url, headers=secretary, json={"version": 1, "action": "publish"})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "late_notice"
    published = client.post(url, headers=secretary, json={"version": 1, "action": "publish",
                                                          "reason": "Chỉ đạo đột xuất của Chủ tịch UBND tỉnh"})
    change = published.get_json()["changes"][-1]
    assert change["details"]["late_notice"] is True and change["reason"].startswith("Chỉ đạo đột xuất")
    from io import BytesIO

    from pypdf import PdfReader

    letter = client.get(f"/api/v1/meetings/{meeting['id']}/letter.pdf", headers=secretary)
    assert "KHẨN" in PdfReader(BytesIO(letter.data)).pages[0].extract_text()
