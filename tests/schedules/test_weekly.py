"""The weekly schedule: drafted, approved, published on Friday (frozen clock), changes marked."""

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.notify.models import Notification
from ecabinet.schedules import operations as ops
from ecabinet.schedules.models import ScheduleStatus, WeeklySchedule
from tests.fixtures.web import api_token
from tests.fixtures.meetings import MONDAY_8H

WEEK = MONDAY_8H.date()  # Monday 30/11/2026
FRIDAY_BEFORE_15H = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)  # 15:00 in Hà Nội


def _published_meeting(client, schedule_meeting, secretary, **overrides):
    [meeting] = schedule_meeting(**overrides)
    response = client.post(f"/api/v1/meetings/{meeting['id']}/status", headers=secretary,
                           json={"version": meeting["version"], "action": "publish"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_friday_publication_with_a_frozen_clock(app, client, schedule_meeting, secretary):
    meeting = _published_meeting(client, schedule_meeting, secretary)
    with app.app_context():
        schedule = ops.draft_next_week(now=datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc))
        assert schedule.week_start == WEEK and schedule.status == ScheduleStatus.DRAFT
        assert ops.draft_next_week(now=datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)).id == schedule.id
        db.session.commit()
        assert ops.publish_due(now=FRIDAY_BEFORE_15H) == []  # not approved yet
    office_leader = api_token(client, "chanhvp")
    answer = client.post("/api/v1/schedules/2026-11-30/approve", headers=secretary, json={"version": 1})
    assert answer.status_code == 403
    approved = client.post("/api/v1/schedules/2026-12-02/approve", headers=office_leader, json={"version": 1})
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    with app.app_context():
        assert ops.publish_due(now=FRIDAY_BEFORE_15H - timedelta(seconds=1)) == []
        db.session.commit()
        created = ops.publish_due(now=FRIDAY_BEFORE_15H)
        db.session.commit()
        assert created, "leaders and the Office are told"
        again = ops.publish_due(now=FRIDAY_BEFORE_15H + timedelta(minutes=1))  # the job runs again: nothing more
        db.session.commit()
        assert again == []
        schedule = db.session.scalar(sa.select(WeeklySchedule).where(WeeklySchedule.week_start == WEEK))
        assert schedule.status == ScheduleStatus.PUBLISHED and schedule.published_at == FRIDAY_BEFORE_15H
        assert [e["meeting_id"] for e in schedule.published_entries] == [meeting["id"]]
        keys = db.session.scalars(sa.select(Notification.event_key).where(Notification.kind == "schedule.published"))
        assert len(list(keys)) == len(created)


def test_changes_after_publication_are_marked(app, client, schedule_meeting, secretary, venue):
    meeting = _published_meeting(client, schedule_meeting, secretary)
    with app.app_context():
        schedule = ops.ensure_schedule(WEEK)
        ops.approve(schedule, schedule.version, _user("chanhvp"))
        ops.publish(schedule, FRIDAY_BEFORE_15H)
        db.session.commit()
    client.patch(f"/api/v1/meetings/{meeting['id']}", headers=secretary, json={
        "version": meeting["version"], "starts_at": "2026-11-30T07:00:00Z", "ends_at": "2026-11-30T09:00:00Z",
        "reason": "Chủ tịch có lịch tiếp khách buổi sáng"})
    _published_meeting(client, schedule_meeting, secretary, title="Làm việc với Sở Y tế", room_id=venue.other_room,
                       starts_at="2026-12-01T01:00:00Z", ends_at="2026-12-01T02:00:00Z")
    body = client.get("/api/v1/schedules/2026-11-30", headers=secretary).get_json()
    assert body["status"] == "published"
    assert [(e["title"], e["change"]) for e in body["entries"]] == [
        ("Họp về kế hoạch đầu tư công năm 2027", "changed"), ("Làm việc với Sở Y tế", "new")]
    pdf = client.get("/api/v1/schedules/2026-11-30/pdf", headers=secretary)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    from io import BytesIO

    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.data)).pages)
    assert "LỊCH CÔNG TÁC TUẦN" in text and "Làm việc với Sở Y tế" in text and "(mới)" in text


def _user(username):
    from ecabinet.accounts.models import User

    return db.session.scalar(sa.select(User).where(User.username == username))


def test_a_week_is_named_by_any_of_its_days_and_bad_ones_are_404(client, people):
    secretary = api_token(client, "chuyenvien")
    assert client.get("/api/v1/schedules/2026-12-03", headers=secretary).get_json()["week_start"] == "2026-11-30"
    assert client.get("/api/v1/schedules/not-a-day", headers=secretary).status_code == 404
