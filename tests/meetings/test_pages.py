"""The meeting pages: calendars, a meeting, the editor (Vietnamese dates), answers, status changes, rooms."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.meetings.models import Invitation, Meeting, MeetingStatus, Response, Room
from tests.fixtures.web import csrf_from, signed_in
from tests.fixtures.meetings import MONDAY_8H


def _meetings(app) -> list[Meeting]:
    with app.app_context():
        meetings = list(db.session.scalars(sa.select(Meeting).order_by(Meeting.id)))
        for m in meetings:
            db.session.expunge(m)
        return meetings


def _form(people, venue, **overrides) -> dict:
    data = {"title": "Họp bàn phương án phòng chống bão", "kind_id": venue.kind, "chair_id": people.leader,
            "secretary_id": people.secretary, "date": "30/11/2026", "start_time": "08:00", "end_time": "10:00",
            "room_id": venue.room, "confidentiality": "normal", "description": "",
            "invitee_ids": [people.office_leader], "unit_ids": [people.department]}
    data.update(overrides)
    return data


def _post(pages, url, data, page=None):
    token = csrf_from(pages.get(page or url).get_data(as_text=True))
    return pages.post(url, data={**data, "csrf_token": token})


def _day_section(html: str, day: str) -> str:
    """The week grid's column of one day (``data-day="2026-11-30"``)."""
    start = html.index(f'data-day="{day}"')
    end = html.find('data-day="', start + 10)
    return html[start:end if end != -1 else None]


def test_pages_are_vietnamese_and_the_editor_is_for_the_secretariat(pages, schedule_meeting, people):
    [meeting] = schedule_meeting()
    page = signed_in(pages, "chuyenvien")
    html = page.get("/meetings?date=30/11/2026").get_data(as_text=True)
    assert "Lịch họp" in html and "Thêm cuộc họp" in html and "Họp về kế hoạch đầu tư công năm 2027" in html
    detail = page.get(f"/meetings/{meeting['id']}").get_data(as_text=True)
    assert "Thành phần mời và trả lời" in detail and "Phát hành và gửi giấy mời" in detail and "Nháp" in detail
    assert page.get("/meetings/new").status_code == 200
    for view in ("month", "list"):
        assert "Họp về kế hoạch" in page.get(f"/meetings?view={view}&date=2026-11-30").get_data(as_text=True)
    assert page.get("/meetings?view=year&date=99/99/9999").status_code == 200  # bad filters are ignored
    assert page.get("/meetings/999999").status_code == 404


@pytest.mark.parametrize("username", ["sotc", "quansat", "pct"])
def test_others_cannot_open_the_editor(app, pages, schedule_meeting, people, venue, username):
    [meeting] = schedule_meeting()
    page = signed_in(pages, username)
    assert page.get("/meetings/new").status_code == 403
    assert page.get(f"/meetings/{meeting['id']}/edit").status_code in (403, 404)
    token = csrf_from(page.get("/").get_data(as_text=True))
    response = page.post("/meetings/new", data={**_form(people, venue), "csrf_token": token})
    assert response.status_code == 403 and len(_meetings(app)) == 1
    assert "Thêm cuộc họp" not in page.get("/meetings?date=30/11/2026").get_data(as_text=True)


def test_a_confidential_meeting_is_hidden_from_a_leader_not_named(pages, schedule_meeting, people, venue):
    [meeting] = schedule_meeting(title="Họp về công tác cán bộ", confidentiality="confidential",
                                 chair_id=venue.second_leader, invitee_ids=[], unit_ids=[])
    leader = signed_in(pages, "pct")
    assert leader.get(f"/meetings/{meeting['id']}").status_code == 404
    assert leader.get(f"/meetings/{meeting['id']}/giay-moi.pdf").status_code == 404
    for view in ("week", "month", "list"):
        assert "công tác cán bộ" not in leader.get(f"/meetings?view={view}&date=30/11/2026").get_data(as_text=True)
    chairman = signed_in(pages, "chutich")
    assert chairman.get(f"/meetings/{meeting['id']}").status_code == 200
    assert "công tác cán bộ" in chairman.get("/meetings/mine?date=30/11/2026").get_data(as_text=True)


def test_creating_a_meeting_through_the_form(app, pages, people, venue):
    page = signed_in(pages, "chuyenvien")
    response = _post(page, "/meetings/new", _form(people, venue))
    assert response.status_code == 302
    [meeting] = _meetings(app)
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert meeting.starts_at == datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc)  # 08:00 in Hà Nội
    assert meeting.ends_at == datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)
    assert meeting.status == MeetingStatus.DRAFT and meeting.room_id == venue.room
    with app.app_context():
        invited = db.session.scalars(sa.select(Invitation).where(Invitation.meeting_id == meeting.id)).all()
        assert {(i.user_id, i.unit_id) for i in invited} == {(people.office_leader, None), (None, people.department)}
    assert "Đã lưu cuộc họp ở dạng nháp." in page.get(response.headers["Location"]).get_data(as_text=True)


def test_a_series_is_created_from_the_simple_choice(app, pages, people, venue):
    page = signed_in(pages, "chuyenvien")
    missing = _post(page, "/meetings/new", _form(people, venue, repeat="biweekly"))
    assert missing.status_code == 422 and "Hãy nhập số lần họp của chuỗi." in missing.get_data(as_text=True)
    response = _post(page, "/meetings/new", _form(people, venue, repeat="biweekly", occurrences="3"))
    assert response.status_code == 302
    meetings = _meetings(app)
    assert [m.starts_at.date().isoformat() for m in meetings] == ["2026-11-30", "2026-12-14", "2026-12-28"]
    with app.app_context():
        assert db.session.get(Meeting, meetings[0].id).series.rrule == "FREQ=WEEKLY;INTERVAL=2;COUNT=3"


@pytest.mark.parametrize("field, value, message", [
    ("date", "31/02/2026", "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 30/11/2026."),
    ("date", "2026/11/30", "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 30/11/2026."),
    ("start_time", "25:00", "Nhập giờ theo dạng HH:MM, ví dụ 08:00."),
    ("end_time", "07:00", "Giờ kết thúc phải sau giờ bắt đầu."),
    ("title", "", "Trường này là bắt buộc."),
    ("online_link", "hop truc tuyen", "Nhập địa chỉ web bắt đầu bằng http:// hoặc https://."),
])
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(app, pages, people, venue, field, value,
                                                                    message):
    page = signed_in(pages, "chuyenvien")
    response = _post(page, "/meetings/new", _form(people, venue, **{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(rf'id="{field}-error">\s*{re.escape(message)}', html), html[html.find("invalid-feedback"):][:300]
    assert f'value="{value}"' in html or field == "title"  # what was typed is kept
    assert _meetings(app) == []


def test_a_leaders_clash_is_shown_and_saved_after_confirmation(app, pages, schedule_meeting, people, venue):
    schedule_meeting()  # the leader chairs Monday 08:00-10:00 in room 1
    page = signed_in(pages, "chuyenvien")
    clash = _form(people, venue, room_id=venue.other_room, start_time="09:00", end_time="11:00", unit_ids=[],
                  invitee_ids=[])
    response = _post(page, "/meetings/new", clash)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="clash-panel"' in html
    assert "Một số lãnh đạo đã có lịch vào thời gian này" in html and "Họp về kế hoạch đầu tư công năm 2027" in html
    assert 'name="confirm_person_conflicts"' in html and 'name="override_room_conflict"' not in html
    assert len(_meetings(app)) == 1
    confirmed = _post(page, "/meetings/new", {**clash, "confirm_person_conflicts": "true"})
    assert confirmed.status_code == 302 and len(_meetings(app)) == 2


def test_only_an_office_leader_may_override_a_room_clash(app, pages, schedule_meeting, people, venue):
    schedule_meeting()
    other = _form(people, venue, chair_id=venue.second_leader, invitee_ids=[], unit_ids=[], start_time="09:00",
                  end_time="11:00")
    page = signed_in(pages, "chuyenvien")
    refused = _post(page, "/meetings/new", {**other, "override_room_conflict": "true"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "chỉ Lãnh đạo Văn phòng mới có thể quyết định dùng phòng" in html
    assert 'name="override_room_conflict"' not in html and len(_meetings(app)) == 1
    office_leader = signed_in(pages, "chanhvp")
    shown = _post(office_leader, "/meetings/new", other)
    assert shown.status_code == 409 and 'name="override_room_conflict"' in shown.get_data(as_text=True)
    assert _post(office_leader, "/meetings/new", {**other, "override_room_conflict": "true"}).status_code == 302
    assert len(_meetings(app)) == 2


def test_editing_reschedules_and_a_stale_version_is_explained(app, pages, client, schedule_meeting, secretary,
                                                               people, venue):
    [meeting] = schedule_meeting()
    page = signed_in(pages, "chuyenvien")
    url = f"/meetings/{meeting['id']}/edit"
    html = page.get(url).get_data(as_text=True)
    assert 'value="30/11/2026"' in html and 'value="08:00"' in html and 'name="version" value="1"' in html
    moved = _post(page, url, _form(people, venue, start_time="14:00", end_time="16:00", secretary_id="",
                                   version="1", reason="Chủ tịch bận buổi sáng"))
    assert moved.status_code == 302
    [saved] = _meetings(app)
    assert saved.starts_at == datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc) and saved.secretary_id is None
    detail = page.get(f"/meetings/{meeting['id']}").get_data(as_text=True)
    assert "Đổi thời gian" in detail and "Chủ tịch bận buổi sáng" in detail and "30/11/2026 14:00" in detail
    stale = _post(page, url, _form(people, venue, title="Tên mới", version="1"))
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and 'id="version-conflict"' in html and 'id="reload-meeting"' in html
    assert _meetings(app)[0].title == "Họp bàn phương án phòng chống bão"  # not "Tên mới"


def test_status_changes_from_the_meeting_page(app, pages, schedule_meeting, people):
    [meeting] = schedule_meeting()
    page = signed_in(pages, "chuyenvien")
    url = f"/meetings/{meeting['id']}"
    published = _post(page, url + "/status", {"action": "publish", "version": "1"}, page=url)
    assert published.status_code == 302 and _meetings(app)[0].status == MeetingStatus.PUBLISHED
    no_reason = _post(page, url + "/status", {"action": "postpone", "version": "2"}, page=url)
    assert no_reason.status_code == 422 and "Hãy nêu lý do." in no_reason.get_data(as_text=True)
    stale = _post(page, url + "/status", {"action": "cancel", "version": "1", "reason": "Trùng lịch"}, page=url)
    assert stale.status_code == 302 and _meetings(app)[0].status == MeetingStatus.PUBLISHED
    assert "Người khác vừa sửa cuộc họp này" in page.get(url).get_data(as_text=True)
    cancelled = _post(page, url + "/status", {"action": "cancel", "version": "2", "reason": "Trùng lịch"}, page=url)
    assert cancelled.status_code == 302
    [saved] = _meetings(app)
    assert saved.status == MeetingStatus.CANCELLED and saved.status_reason == "Trùng lịch"
    assert "Hủy" in page.get(url).get_data(as_text=True)
    assert page.get(url + "/edit").status_code == 302  # a cancelled meeting is no longer edited


def test_the_calendar_marks_changes_after_publication(client, pages, schedule_meeting, secretary):
    [meeting] = schedule_meeting()
    published = client.post(f"/api/v1/meetings/{meeting['id']}/status", headers=secretary,
                            json={"version": 1, "action": "publish"}).get_json()
    page = signed_in(pages, "chuyenvien")
    assert "Thay đổi" not in page.get("/meetings?date=30/11/2026").get_data(as_text=True)
    client.patch(f"/api/v1/meetings/{meeting['id']}", headers=secretary, json={
        "version": published["version"], "starts_at": "2026-11-30T07:00:00Z", "ends_at": "2026-11-30T09:00:00Z"})
    week = page.get("/meetings?date=30/11/2026").get_data(as_text=True)
    assert "Thay đổi" in _day_section(week, "2026-11-30") and "14:00 – 16:00" in week


def test_the_week_view_puts_meetings_on_their_local_day(pages, schedule_meeting, people, venue):
    schedule_meeting()  # Monday 08:00 local
    late = MONDAY_8H + timedelta(hours=17)  # 18:00 UTC Monday = 01:00 Tuesday in Hà Nội
    schedule_meeting(title="Trực ban phòng chống bão", room_id=venue.other_room, chair_id=venue.second_leader,
                     invitee_ids=[], unit_ids=[], starts_at=late.isoformat(),
                     ends_at=(late + timedelta(hours=2)).isoformat())
    page = signed_in(pages, "chuyenvien")
    html = page.get("/meetings?date=03/12/2026").get_data(as_text=True)  # any day of the week
    assert "Tuần từ 30/11/2026 đến 06/12/2026" in html
    monday, tuesday = _day_section(html, "2026-11-30"), _day_section(html, "2026-12-01")
    assert "Họp về kế hoạch đầu tư công năm 2027" in monday and "08:00 – 10:00" in monday
    assert "Trực ban phòng chống bão" in tuesday and "01:00 – 03:00" in tuesday
    assert "Trực ban" not in monday
    mine = signed_in(pages, "chanhvp").get("/meetings/mine?date=2026-11-30").get_data(as_text=True)
    assert "Họp về kế hoạch" in mine and "Trực ban" not in mine


def test_answering_an_invitation_through_the_page(app, pages, schedule_meeting, people):
    [meeting] = schedule_meeting()
    invitation = next(i for i in meeting["invitations"] if i["user"] and i["user"]["username"] == "chanhvp")
    agency = next(i for i in meeting["invitations"] if i["unit"])
    page = signed_in(pages, "chanhvp")
    url = f"/meetings/{meeting['id']}"
    html = page.get(url).get_data(as_text=True)
    assert f'id="answer-form-{invitation["id"]}"' in html
    answer = f"/meetings/invitations/{invitation['id']}"
    no_reason = _post(page, answer, {"response": "absent"}, page=url)
    assert no_reason.status_code == 422 and "Hãy nêu lý do vắng mặt." in no_reason.get_data(as_text=True)
    done = _post(page, answer, {"response": "absent", "reason": "Đi công tác Hà Nội"}, page=url)
    assert done.status_code == 302
    with app.app_context():
        saved = db.session.get(Invitation, invitation["id"])
        assert saved.response == Response.ABSENT and saved.absence_reason == "Đi công tác Hà Nội"
    assert "Lý do: Đi công tác Hà Nội" in page.get(url).get_data(as_text=True)
    chair = signed_in(pages, "pct")  # sees the meeting, answers for nobody else
    assert 'id="answer-form-' not in chair.get(url).get_data(as_text=True)
    assert _post(chair, f"/meetings/invitations/{agency['id']}", {"response": "attending"}, page=url).status_code == 403
    liaison = signed_in(pages, "sotc")
    named = _post(liaison, f"/meetings/invitations/{agency['id']}",
                  {"response": "attending", "attendee_id": str(people.liaison)}, page=url)
    assert named.status_code == 302
    with app.app_context():
        assert db.session.get(Invitation, agency["id"]).attendee_id == people.liaison


def test_the_invitation_letter_is_a_pdf(pages, schedule_meeting):
    [meeting] = schedule_meeting()
    response = signed_in(pages, "chanhvp").get(f"/meetings/{meeting['id']}/giay-moi.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_rooms_and_kinds_are_kept_by_office_leaders(app, pages, venue):
    page = signed_in(pages, "chuyenvien")
    assert page.get("/admin/rooms").status_code == 403
    page = signed_in(pages, "chanhvp")
    html = page.get("/admin/rooms").get_data(as_text=True)
    assert "Phòng họp số 1" in html and "Họp chuyên đề" in html
    room = {"code": "phong3", "name": "Phòng họp số 3", "capacity": "25", "location": "Tầng 4",
            "equipment": "màn hình, máy chiếu , ", "active": "true"}
    assert _post(page, "/admin/rooms/new", room).status_code == 302
    taken = _post(page, "/admin/rooms/new", {**room, "name": "Trùng mã"})
    assert taken.status_code == 422 and "phong3" in taken.get_data(as_text=True)
    bad = _post(page, "/admin/rooms/new", {**room, "code": "Phòng 4", "capacity": "0"})
    assert bad.status_code == 422 and 'id="capacity-error"' in bad.get_data(as_text=True)
    with app.app_context():
        saved = db.session.scalar(sa.select(Room).where(Room.code == "phong3"))
        assert saved.equipment == ["màn hình", "máy chiếu"] and saved.capacity == 25
        room_id = saved.id
    assert _post(page, f"/admin/rooms/{room_id}", {**room, "active": ""}).status_code == 302
    assert _post(page, "/admin/meeting-kinds/new", {"code": "giaoban", "name": "Giao ban", "default_minutes": "60",
                                                    "active": "true"}).status_code == 302
    assert _post(page, f"/admin/meeting-kinds/{venue.kind}",
                 {"code": "hopchuyende", "name": "Họp chuyên đề (sửa)", "default_minutes": "3"}).status_code == 422
    with app.app_context():
        assert db.session.get(Room, room_id).active is False


def test_publishing_late_through_the_page_asks_for_the_reason(client, schedule_meeting, people):
    from datetime import timedelta

    from tests.fixtures.web import csrf_from, web_login

    soon = utcnow().replace(microsecond=0) + timedelta(hours=30)
    [meeting] = schedule_meeting(starts_at=soon.isoformat(), ends_at=(soon + timedelta(hours=1)).isoformat())
    web_login(client, "chuyenvien")
    page = client.get(f"/meetings/{meeting['id']}").get_data(as_text=True)
    assert 'id="late-notice-warning"' in page
    form = {"csrf_token": csrf_from(page), "action": "publish", "version": "1"}
    refused = client.post(f"/meetings/{meeting['id']}/status", data=form)
    assert refused.status_code == 422 and "lý do thông báo muộn" in refused.get_data(as_text=True)
    done = client.post(f"/meetings/{meeting['id']}/status", data={**form, "reason": "Họp đột xuất theo chỉ đạo"})
    assert done.status_code == 302
    assert 'id="late-badge"' in client.get(f"/meetings/{meeting['id']}").get_data(as_text=True)
