"""Every invitee hears of each change exactly once, however often anything is retried."""

from collections import Counter

import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.meetings import notices
from ecabinet.meetings.models import Meeting
from ecabinet.notify.models import Notification
from tests.fixtures.web import api_token


def _notifications(app, kind):
    with app.app_context():
        rows = db.session.execute(sa.select(Notification.user_id, Notification.event_key)
                                  .where(Notification.kind == kind)).all()
        return Counter(user for user, _key in rows), {key for _user, key in rows}


def _publish(client, secretary, meeting):
    response = client.post(f"/api/v1/meetings/{meeting['id']}/status", headers=secretary,
                           json={"version": meeting["version"], "action": "publish"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_publishing_invites_everyone_concerned_once(app, client, schedule_meeting, secretary, people):
    [draft] = schedule_meeting()
    client.patch(f"/api/v1/meetings/{draft['id']}", headers=secretary, json={"version": 1, "title": "Sửa tên"})
    assert _notifications(app, "meeting.invitation")[0] == Counter()  # drafts announce nothing
    _publish(client, secretary, {**draft, "version": 2})
    counts, keys = _notifications(app, "meeting.invitation")
    # the invited office leader and the invited agency's liaison; not the chair nor the secretary, who hold it
    assert counts == Counter({people.office_leader: 1, people.liaison: 1})
    assert keys == {f"meeting-invitation:{draft['id']}"}


def test_a_reschedule_notifies_each_invitee_exactly_once(app, client, schedule_meeting, secretary, people):
    [meeting] = schedule_meeting()
    meeting = _publish(client, secretary, meeting)
    response = client.patch(f"/api/v1/meetings/{meeting['id']}", headers=secretary, json={
        "version": meeting["version"], "starts_at": "2026-11-30T07:00:00Z", "ends_at": "2026-11-30T09:00:00Z",
        "reason": "Lãnh đạo bận buổi sáng"})
    assert response.status_code == 200
    counts, keys = _notifications(app, "meeting.rescheduled")
    assert set(counts.values()) == {1} and len(counts) == 4 and len(keys) == 1
    with app.app_context():  # the announcement is retried (a crash, a second worker): nothing more is sent
        stored = db.session.get(Meeting, meeting["id"])
        assert notices.announce(stored, [stored.changes[-1]]) == []
        db.session.commit()
    assert _notifications(app, "meeting.rescheduled")[0] == counts


def test_an_invitee_added_later_gets_the_invitation_only(app, client, schedule_meeting, secretary, people, venue):
    [meeting] = schedule_meeting()
    meeting = _publish(client, secretary, meeting)
    client.patch(f"/api/v1/meetings/{meeting['id']}", headers=secretary, json={
        "version": meeting["version"], "invitee_ids": [people.office_leader, venue.second_leader]})
    counts, _keys = _notifications(app, "meeting.invitation")
    assert counts[venue.second_leader] == 1 and counts[people.office_leader] == 1


def test_cancelling_tells_everyone_with_the_reason(app, client, schedule_meeting, secretary, people):
    [meeting] = schedule_meeting()
    meeting = _publish(client, secretary, meeting)
    client.post(f"/api/v1/meetings/{meeting['id']}/status", headers=secretary,
                json={"version": meeting["version"], "action": "cancel", "reason": "Chủ tịch đi công tác"})
    with app.app_context():
        bodies = db.session.scalars(sa.select(Notification.body).where(Notification.kind == "meeting.cancelled"))
        bodies = list(bodies)
    assert len(bodies) == 4 and all("Chủ tịch đi công tác" in b for b in bodies)
    mine = client.get("/api/v1/notifications", headers=api_token(client, "sotc")).get_json()
    assert [n["kind"] for n in mine["items"]][:2] == ["meeting.cancelled", "meeting.invitation"]


def test_reschedule_emails_each_invitee_once_across_a_scheduler_restart(app, client, schedule_meeting, secretary,
                                                                         mailable, smtp_server, fresh_app):
    from ecabinet.scheduler import _jobs, run_job

    [meeting] = schedule_meeting()
    meeting = _publish(client, secretary, meeting)
    deliver = next(job for job in _jobs() if job.id == "deliver-email")
    run_job(app, deliver)
    invitations = [m for m in smtp_server.messages if "Họp về kế hoạch" in str(m["Subject"])]
    assert len(invitations) == 2  # the invited office leader and agency liaison; the chair and secretary hold it
    names = {part.get_filename() for m in invitations for part in m.iter_attachments()}
    assert f"giay-moi-{meeting['id']}.pdf" in names
    client.patch(f"/api/v1/meetings/{meeting['id']}", headers=secretary, json={
        "version": meeting["version"], "starts_at": "2026-11-30T07:00:00Z", "ends_at": "2026-11-30T09:00:00Z"})
    run_job(app, deliver)
    run_job(fresh_app(), deliver)  # the scheduler restarted: the same job runs in a new process
    run_job(app, deliver)
    rescheduled = [m for m in smtp_server.messages if str(m["Subject"]).startswith("Thay đổi thời gian họp")]
    addresses = sorted(r for m, rcpt in zip(smtp_server.messages, smtp_server.recipients)
                       if str(m["Subject"]).startswith("Thay đổi thời gian họp") for r in rcpt)
    assert len(rescheduled) == 4 and addresses == sorted(
        ["pct@ubnd.example.vn", "chuyenvien@ubnd.example.vn", "sotc@sotc.example.vn", "chanhvp@ubnd.example.vn"])
    assert len({m["Message-ID"] for m in rescheduled}) == 4
