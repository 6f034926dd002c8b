"""The weekly schedule page (approval, change marks) and the calendar feeds page."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core.db import db
from ecabinet.schedules import operations as ops
from ecabinet.schedules.models import CalendarFeed, ScheduleStatus, WeeklySchedule
from tests.fixtures.web import csrf_from, signed_in

FRIDAY_BEFORE_15H = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)


def _publish_meeting(client, schedule_meeting, secretary, **overrides):
    [meeting] = schedule_meeting(**overrides)
    response = client.post(f"/api/v1/meetings/{meeting['id']}/status", headers=secretary,
                           json={"version": meeting["version"], "action": "publish"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _row(html: str, meeting_id: int) -> str:
    start = html.index(f'data-meeting-id="{meeting_id}"')
    return html[html.rfind("<tr", 0, start):html.index("</tr>", start)]


def test_the_week_page_marks_a_rescheduled_meeting(app, client, pages, schedule_meeting, secretary, venue):
    meeting = _publish_meeting(client, schedule_meeting, secretary)
    with app.app_context():
        schedule = ops.ensure_schedule(datetime(2026, 11, 30).date())
        chief = db.session.scalar(sa.select(User).where(User.username == "chanhvp"))
        ops.approve(schedule, schedule.version, chief, "Lịch có thể thay đổi.")
        ops.publish(schedule, FRIDAY_BEFORE_15H)
        db.session.commit()
    page = signed_in(pages, "pct")
    html = page.get("/schedules/2026-11-30").get_data(as_text=True)
    assert "Lịch công tác tuần" in html and "Đã công bố" in html and "27/11/2026 15:00" in html
    assert "Thứ Hai, 30/11/2026" in html and "Sáng" in html and 'data-change="' not in html
    client.patch(f"/api/v1/meetings/{meeting['id']}", headers=secretary, json={
        "version": meeting["version"], "starts_at": "2026-11-30T07:00:00Z", "ends_at": "2026-11-30T09:00:00Z",
        "reason": "Chủ tịch có lịch tiếp khách buổi sáng"})
    added = _publish_meeting(client, schedule_meeting, secretary, title="Làm việc với Sở Y tế",
                             room_id=venue.other_room, starts_at="2026-12-01T01:00:00Z",
                             ends_at="2026-12-01T02:00:00Z")
    html = page.get("/schedules/2026-12-02").get_data(as_text=True)  # any day names its week
    changed = _row(html, meeting["id"])
    assert 'data-change="changed"' in changed and "Thay đổi" in changed and "14:00 – 16:00" in changed
    assert "Chiều" in html
    new = _row(html, added["id"])
    assert 'data-change="new"' in new and "Mới" in new
    assert html.index("Thứ Hai, 30/11/2026") < html.index("Thứ Ba, 01/12/2026")
    assert 'href="/api/v1/schedules/2026-11-30/pdf"' in html
    assert 'id="approve-form"' not in html  # a leader does not approve
    pdf = page.get("/api/v1/schedules/2026-11-30/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_an_office_leader_approves_the_draft_from_the_page(app, pages, people):
    secretary = signed_in(pages, "chuyenvien")
    html = secretary.get("/schedules/2026-11-30").get_data(as_text=True)
    assert "Dự thảo" in html and 'id="approve-form"' not in html
    assert "Tuần này chưa có lịch công tác của lãnh đạo." in html
    token = csrf_from(html)
    form = {"csrf_token": token, "version": "1"}
    assert secretary.post("/schedules/2026-11-30/approve", data=form).status_code == 403
    chief = signed_in(pages, "chanhvp")
    html = chief.get("/schedules/2026-11-30").get_data(as_text=True)
    assert 'id="approve-form"' in html and 'name="version" value="1"' in html
    response = chief.post("/schedules/2026-11-30/approve",
                          data={"csrf_token": csrf_from(html), "version": "1", "note": "Theo dõi lịch trên hệ thống."})
    assert response.status_code == 302
    html = chief.get("/schedules/2026-11-30").get_data(as_text=True)
    assert "Đã duyệt" in html and "Sẽ công bố lúc 27/11/2026 15:00" in html and "Theo dõi lịch trên hệ thống." in html
    assert 'id="approve-form"' not in html
    with app.app_context():
        week = datetime(2026, 11, 30).date()
        schedule = db.session.scalar(sa.select(WeeklySchedule).where(WeeklySchedule.week_start == week))
        assert schedule.status == ScheduleStatus.APPROVED
    assert chief.get("/schedules/not-a-week").status_code == 404


def test_a_feed_url_is_shown_once_and_can_be_revoked(app, pages, people):
    page = signed_in(pages, "pct")
    html = page.get("/calendar/feeds").get_data(as_text=True)
    assert "Đồng bộ lịch" in html and "Bạn chưa có nguồn lịch nào." in html
    created = page.post("/calendar/feeds", data={"csrf_token": csrf_from(html)})
    body = created.get_data(as_text=True)
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    feed_url = re.search(r'value="(http://[^"]+\.ics)"[^>]*id="feed-url"', body).group(1)
    assert 'data-copy-target="feed-url"' in body
    ics = pages.get(feed_url.replace("http://localhost", ""))
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    again = page.get("/calendar/feeds").get_data(as_text=True)
    assert feed_url not in again and "Cuộc họp của tôi" in again  # listed, but the address is not shown again
    with app.app_context():
        feed_id = db.session.scalar(sa.select(CalendarFeed.id))
    assert page.post(f"/calendar/feeds/{feed_id}/revoke", data={"csrf_token": csrf_from(again)}).status_code == 302
    assert pages.get(feed_url.replace("http://localhost", "")).status_code == 404
    other = signed_in(pages, "chuyenvien")
    token = csrf_from(other.get("/calendar/feeds").get_data(as_text=True))
    assert other.post(f"/calendar/feeds/{feed_id}/revoke", data={"csrf_token": token}).status_code == 404


def test_only_a_leaders_schedule_can_be_subscribed_to(app, pages, people):
    page = signed_in(pages, "chuyenvien")
    html = page.get("/calendar/feeds").get_data(as_text=True)
    assert f'<option value="{people.leader}">' in html and f'<option value="{people.secretary}">' not in html
    refused = page.post("/calendar/feeds", data={"csrf_token": csrf_from(html), "leader_id": str(people.secretary)})
    assert "Chỉ đăng ký được lịch của lãnh đạo UBND tỉnh." in refused.get_data(as_text=True)
    assert 'id="feed-url"' not in refused.get_data(as_text=True)
    leader = page.post("/calendar/feeds", data={"csrf_token": csrf_from(html), "leader_id": str(people.leader)})
    assert 'id="feed-url"' in leader.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(CalendarFeed.leader_id)) == people.leader
