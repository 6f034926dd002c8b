"""The Office's outbox page and API, and the outbox in /healthz: uncertain, failed and stuck e-mails made visible,
re-sent or dropped by the Office only, audited, and no confidential subject shown to whom may not read it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ecabinet.audit.models import AuditEvent
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.notify import delivery
from ecabinet.notify import operations as notify
from ecabinet.notify.models import DeliveryStatus, EmailDelivery
from tests.fixtures import pdfs
from tests.fixtures.materials import upload
from tests.fixtures.web import api_token, csrf_from, signed_in

SUBJECT = "Giấy mời họp: Phiên họp thường kỳ tháng 12"


def _queue(app, people: list[int], key: str = "meeting:12:invitation", subject: str = SUBJECT,
           link: str = "/meetings/12") -> None:
    with app.app_context():
        notify.notify(key, people, notify.Message(kind="meeting.invitation", subject=subject, body="Kính mời",
                                                  link=link))
        db.session.commit()


def _rows() -> dict[str, EmailDelivery]:
    db.session.expire_all()
    return {d.to_address: d for d in db.session.scalars(sa.select(EmailDelivery))}


def _count_badge(html: str, view: str) -> int:
    return int(re.search(rf'data-count="{view}">(\d+)<', html).group(1))


def _audited(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def uncertain(app, mailable, smtp_server) -> int:
    """The leader's invitation accepted by the server, the connection lost before its answer; then the
    secretary's sent. The id of the uncertain row."""
    smtp_server.break_connection(at="DATA")
    _queue(app, [mailable.leader])
    _queue(app, [mailable.secretary], key="meeting:13:invitation")
    with app.app_context():
        assert delivery.deliver_pending() == 1
        row = _rows()["pct@ubnd.example.vn"]
        assert row.status == DeliveryStatus.UNCERTAIN
        return row.id


def test_an_uncertain_email_is_shown_counted_and_resent_only_by_a_person(app, client, smtp_server, uncertain):
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok"
    assert health["email_outbox"] == {"waiting": 0, "failed": 0, "stuck": 0, "uncertain": 1,
                                      "oldest_waiting_seconds": None}
    signed_in(client, "chuyenvien")
    page = client.get("/notifications/outbox?view=uncertain").get_data(as_text=True)
    assert _count_badge(page, "uncertain") == 1 and _count_badge(page, "waiting") == 0
    assert f'data-delivery-id="{uncertain}" data-status="uncertain"' in page
    assert SUBJECT in page and "pct@ubnd.example.vn" in page and "chuyenvien@ubnd" not in page
    with app.app_context():
        assert delivery.deliver_pending(now=utcnow() + timedelta(days=3)) == 0  # never by itself
    response = client.post(f"/notifications/outbox/{uncertain}/resend",
                           data={"csrf_token": csrf_from(page), "next": "/notifications/outbox?view=uncertain"})
    assert response.status_code == 302 and response.headers["Location"] == "/notifications/outbox?view=uncertain"
    (event,) = _audited(app, "email_resent")
    assert event.entity_id == str(uncertain) and event.actor_name == "chuyenvien"
    assert event.changes == {"status": ["uncertain", "queued"]}
    with app.app_context():
        assert delivery.deliver_pending() == 1
    assert [r for rs in smtp_server.recipients for r in rs].count("pct@ubnd.example.vn") == 2  # as the person chose
    again = client.post(f"/notifications/outbox/{uncertain}/drop", data={"csrf_token": csrf_from(page)},
                        follow_redirects=True).get_data(as_text=True)
    assert "không thể thay đổi" in again  # sent meanwhile: nothing to drop
    assert _audited(app, "email_dropped") == []


def test_only_the_office_sees_and_acts_on_the_outbox(app, client, uncertain):
    api = app.test_client()
    for username in ("sotc", "pct", "quansat", "admin"):
        signed_in(client, username)
        token = csrf_from(client.get("/account/password").get_data(as_text=True))
        assert client.get("/notifications/outbox").status_code == 403, username
        for action in ("resend", "drop"):
            assert client.post(f"/notifications/outbox/{uncertain}/{action}",
                               data={"csrf_token": token}).status_code == 403, username
        headers = api_token(api, username)
        assert api.get("/api/v1/notifications/outbox", headers=headers).status_code == 403
        assert api.post(f"/api/v1/notifications/outbox/{uncertain}/drop", headers=headers).status_code == 403
    signed_in(client, "chanhvp")
    assert client.post(f"/notifications/outbox/{uncertain}/drop").status_code == 400  # no CSRF token
    assert "id=\"nav-outbox\"" in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert _rows()["pct@ubnd.example.vn"].status == DeliveryStatus.UNCERTAIN
    assert _audited(app, "email_dropped") == _audited(app, "email_resent") == []


def test_the_api_lists_by_view_in_pages_and_drops(app, client, mailable, smtp_server):
    smtp_server.stop()
    for meeting in range(5):
        _queue(app, [mailable.leader], key=f"meeting:{meeting}:invitation")
    with app.app_context():
        assert delivery.deliver_pending() == 0  # the first fails, the others wait
    headers = api_token(client, "chanhvp")
    first = client.get("/api/v1/notifications/outbox?per_page=2", headers=headers).get_json()
    assert first["counts"]["waiting"] == first["total"] == 5 and first["counts"]["oldest_waiting_seconds"] >= 0
    assert [row["attempts"] for row in first["items"]] == [1, 0] and first["items"][0]["last_error"]
    last = client.get("/api/v1/notifications/outbox?per_page=2&page=3", headers=headers).get_json()
    assert len(last["items"]) == 1 and last["items"][0]["subject"] == SUBJECT
    assert client.get("/api/v1/notifications/outbox?view=failed", headers=headers).get_json()["total"] == 0
    dropped_id = last["items"][0]["id"]
    answer = client.post(f"/api/v1/notifications/outbox/{dropped_id}/drop", headers=headers)
    assert answer.status_code == 200 and answer.get_json() == {"id": dropped_id, "status": "dropped"}
    again = client.post(f"/api/v1/notifications/outbox/{dropped_id}/resend", headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "outbox_row_not_movable"
    assert client.post("/api/v1/notifications/outbox/999999/drop", headers=headers).status_code == 404
    (event,) = _audited(app, "email_dropped")
    assert event.actor_name == "chanhvp" and event.changes == {"status": ["queued", "dropped"]}
    smtp_server.start()
    with app.app_context():
        sent = delivery.deliver_pending(now=utcnow() + delivery.LONGEST_RETRY)
    assert sent == 4 and len(smtp_server.messages) == 4


def test_a_stuck_row_is_counted_in_health_and_listed(app, client, mailable):
    _queue(app, [mailable.leader])
    with app.app_context():
        row = _rows()["pct@ubnd.example.vn"]
        row.status, row.claimed_at = DeliveryStatus.SENDING, utcnow() - delivery.STUCK_AFTER - timedelta(minutes=1)
        db.session.commit()
    assert client.get("/healthz").get_json()["email_outbox"]["stuck"] == 1
    signed_in(client, "chuyenvien")
    page = client.get("/notifications/outbox?view=stuck").get_data(as_text=True)
    assert _count_badge(page, "stuck") == 1 and 'data-status="sending"' in page


def test_a_confidential_materials_subject_is_shown_only_to_its_readers(app, client, mailable, meeting, secretary):
    marker = "ZQX-PHUONG-AN-NHAN-SU"
    material = upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=5), title=f"Phương án {marker}",
                      confidentiality="confidential").get_json()
    _queue(app, [mailable.leader], key=f"material-version:{material['id']}", subject=f"Material updated: {marker}",
           link=f"/materials/{material['id']}/read")
    signed_in(client, "chanhvp")  # invited, of the Office, but no reader of it
    page = client.get("/notifications/outbox").get_data(as_text=True)
    assert marker not in page and "pct@ubnd.example.vn" in page and "subject-hidden" in page
    api = app.test_client()
    items = api.get("/api/v1/notifications/outbox", headers=api_token(api, "chanhvp")).get_json()["items"]
    assert {row["to_address"]: row["subject"] for row in items}["pct@ubnd.example.vn"] is None
    assert marker not in client.get("/healthz").get_data(as_text=True)
    signed_in(client, "chuyenvien")  # the meeting's secretary reads it
    assert marker in client.get("/notifications/outbox").get_data(as_text=True)
