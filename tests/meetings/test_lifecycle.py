"""Holding a meeting: a start off schedule needs its reason, an accidental start is undone within minutes while
nothing is recorded in it, an end needs a start, and the notice and the minutes are dated by the actual day."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ecabinet.core.clock import local_date, utcnow
from ecabinet.core.db import db
from ecabinet.meetings.models import ChangeKind, Meeting, MeetingChange, MeetingStatus
from tests.fixtures.live import act
from tests.fixtures.web import csrf_from, ok, signed_in


@pytest.fixture
def reason_rule(app):
    app.config["MEETING_START_REASON_HOURS"] = 2


def _status(client, headers, meeting: dict, action: str, expect: int = 200, **body) -> dict:
    response = client.post(f"/api/v1/meetings/{meeting['id']}/status", headers=headers,
                           json={"version": meeting["version"], "action": action, **body})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def _published(client, secretary, schedule_meeting, **overrides) -> dict:
    [meeting] = schedule_meeting(**overrides)
    return _status(client, secretary, meeting, "publish", reason="Họp gấp theo chỉ đạo")


def _publish_room(client, secretary, room) -> None:
    _status(client, secretary, ok(client.get(f"/api/v1/meetings/{room.id}", headers=secretary)), "publish",
            reason="Họp gấp theo chỉ đạo")


def _changes(app, meeting_id: int) -> list[tuple[ChangeKind, str | None]]:
    with app.app_context():
        return [(c.kind, c.reason) for c in db.session.scalars(
            sa.select(MeetingChange).where(MeetingChange.meeting_id == meeting_id).order_by(MeetingChange.id))]


def test_a_start_on_another_day_needs_its_reason_and_is_recorded(app, client, schedule_meeting, secretary,
                                                                  reason_rule):
    meeting = _published(client, secretary, schedule_meeting)  # Monday 30/11/2026 08:00; the suite lives on 22/11
    refused = _status(client, secretary, meeting, "start", 422)["error"]
    assert refused["code"] == "start_reason_required" and refused["details"][0]["field"] == "reason"
    assert refused["message"] == ("Cuộc họp dự kiến bắt đầu lúc 08:00 ngày 30/11/2026: hãy nêu lý do bắt đầu vào "
                                  "lúc này.")
    started = _status(client, secretary, meeting, "start", reason="Chủ tịch họp sớm do đi công tác")
    with app.app_context():
        today = local_date(utcnow())
    assert started["status"] == "in_progress" and started["started_at"][:10] == today.isoformat()
    assert started["ended_at"] is None
    assert _changes(app, meeting["id"])[-1] == (ChangeKind.STARTED, "Chủ tịch họp sớm do đi công tác")
    ended = _status(client, secretary, started, "end")
    assert ended["status"] == "ended" and ended["ended_at"] >= ended["started_at"]
    again = _status(client, secretary, ended, "end", 409)["error"]
    assert again["message"] == "Cuộc họp chưa bắt đầu (hoặc đã kết thúc): không thể kết thúc."


def test_a_start_near_its_time_needs_no_reason_and_an_end_needs_a_start(app, client, schedule_meeting, secretary,
                                                                         reason_rule):
    soon = utcnow().replace(microsecond=0) + timedelta(minutes=30)
    meeting = _published(client, secretary, schedule_meeting, starts_at=soon.isoformat(),
                         ends_at=(soon + timedelta(hours=1)).isoformat())
    early = _status(client, secretary, meeting, "end", 409)["error"]
    assert early["code"] == "invalid_transition" and "chưa bắt đầu" in early["message"]
    assert _status(client, secretary, meeting, "start")["status"] == "in_progress"
    app.config["MEETING_START_REASON_HOURS"] = 0  # off: the rule is the setting's
    other = _published(client, secretary, schedule_meeting, title="Họp giao ban", starts_at="2026-12-05T01:00:00Z",
                       ends_at="2026-12-05T02:00:00Z", confirm_person_conflicts=True)
    assert _status(client, secretary, other, "start")["status"] == "in_progress"


def test_the_live_console_asks_the_same_reason(client, room, secretary, reason_rule):
    _publish_room(client, secretary, room)
    assert act(client, room, "pct", "start", 422)["error"]["code"] == "start_reason_required"
    started = act(client, room, "pct", "start", reason="Họp sớm theo chỉ đạo")
    assert started["snapshot"]["status"] == "running"
    meeting = ok(client.get(f"/api/v1/meetings/{room.id}", headers=secretary))
    assert meeting["status"] == "in_progress" and meeting["started_at"][:19] == started["snapshot"]["started_at"][:19]


def test_an_accidental_start_is_undone_while_nothing_is_recorded(app, client, room, secretary):
    _publish_room(client, secretary, room)
    act(client, room, "pct", "start")
    meeting = ok(client.get(f"/api/v1/meetings/{room.id}", headers=secretary))
    no_reason = _status(client, secretary, meeting, "undo_start", 422)["error"]
    assert no_reason["message"] == "Hãy nêu lý do."
    undone = _status(client, secretary, meeting, "undo_start", reason="Bấm nhầm nút bắt đầu")
    assert undone["status"] == "published" and undone["started_at"] is None
    assert _changes(app, room.id)[-1] == (ChangeKind.START_UNDONE, "Bấm nhầm nút bắt đầu")
    assert ok(client.get(f"/api/v1/meetings/{room.id}/live", headers=secretary))["status"] == "not_started"
    assert _status(client, secretary, undone, "undo_start", 409, reason="Lần nữa")["error"]["message"] == (
        "Cuộc họp không đang diễn ra: không có việc bắt đầu nào để hủy.")

    act(client, room, "pct", "start")  # starts again; a vote is then recorded in it
    act(client, room, "pct", "open_vote", question="Thông qua kế hoạch?")
    meeting = ok(client.get(f"/api/v1/meetings/{room.id}", headers=secretary))
    refused = _status(client, secretary, meeting, "undo_start", 409, reason="Bấm nhầm")["error"]
    assert refused["code"] == "undo_refused" and "biểu quyết" in refused["message"]
    assert ok(client.get(f"/api/v1/meetings/{room.id}/live", headers=secretary))["status"] == "running"


def test_undoing_is_refused_after_a_conclusion_or_too_late(app, client, room, secretary):
    _publish_room(client, secretary, room)
    act(client, room, "pct", "start")
    ok(client.post(f"/api/v1/meetings/{room.id}/conclusions", headers=secretary,
                   json={"text": "Thống nhất chủ trương."}), 201)
    meeting = ok(client.get(f"/api/v1/meetings/{room.id}", headers=secretary))
    refused = _status(client, secretary, meeting, "undo_start", 409, reason="Bấm nhầm")["error"]
    assert refused["code"] == "undo_refused" and "kết luận" in refused["message"]
    app.config["MEETING_UNDO_START_MINUTES"] = 0
    late = _status(client, secretary, meeting, "undo_start", 409, reason="Bấm nhầm")["error"]
    assert late["code"] == "undo_too_late" and "0 phút" in late["message"]


def test_the_meeting_page_confirms_start_end_and_undo(app, pages, client, schedule_meeting, secretary, reason_rule):
    meeting = _published(client, secretary, schedule_meeting)
    page = signed_in(pages, "chuyenvien")
    url = f"/meetings/{meeting['id']}"
    html = page.get(url).get_data(as_text=True)
    assert 'id="start-form" data-confirm="Bắt đầu cuộc họp ngay bây giờ?"' in html
    assert 'id="start-off-schedule"' in html and 'id="start-reason"' in html
    form = {"csrf_token": csrf_from(html), "action": "start", "version": str(meeting["version"])}
    refused = page.post(url + "/status", data=form)
    assert refused.status_code == 422 and "hãy nêu lý do bắt đầu vào lúc này" in refused.get_data(as_text=True)
    started = page.post(url + "/status", data={**form, "reason": "Họp sớm"}, follow_redirects=True)
    html = started.get_data(as_text=True)
    assert "Cuộc họp đã bắt đầu." in html and 'id="end-form" data-confirm=' in html and 'id="undo_start-form"' in html
    assert "Bắt đầu khác thời gian dự kiến" in html and "Thời điểm bắt đầu thực tế" in html  # the history says why
    version = str(meeting["version"] + 1)
    undone = page.post(url + "/status", data={**form, "action": "undo_start", "version": version,
                                              "reason": "Bấm nhầm"}, follow_redirects=True)
    assert "Đã hủy việc bắt đầu" in undone.get_data(as_text=True) and "Bấm nhầm" in undone.get_data(as_text=True)
    with app.app_context():
        saved = db.session.get(Meeting, meeting["id"])
        assert saved.status == MeetingStatus.PUBLISHED and saved.started_at is None


def test_the_notice_and_the_minutes_are_dated_by_the_day_it_was_held(app, concluded_meeting):
    """The fixture's meeting is scheduled for 30/11/2026 and held on the suite's day, 22/11/2026."""
    from ecabinet.minutes.content import facts
    from ecabinet.notices import drafting

    with app.app_context():
        meeting = db.session.get(Meeting, concluded_meeting.id)
        held = local_date(meeting.started_at)
        assert held == local_date(utcnow()) != local_date(meeting.starts_at)
        assert drafting.default_opening(meeting).startswith(f"Ngày {held:%d/%m/%Y}, ")
        recorded = facts(meeting)
        assert (recorded.started_at, recorded.ended_at) == (meeting.started_at, meeting.ended_at)
