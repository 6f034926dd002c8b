"""The audit log records who did what from where, and cannot be altered."""

import pytest
import sqlalchemy as sa

from ecabinet.audit.models import AuditEvent
from ecabinet.audit.operations import AppendOnlyError
from ecabinet.core.db import db
from tests.fixtures import pdfs
from tests.fixtures.materials import publish, upload
from tests.fixtures.web import api_token, signed_in, web_login


def test_logins_are_recorded_with_the_address(app, client, people):
    web_login(client, "pct")
    api_token(client, "pct")
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "login")).all()
        assert [(e.actor_name, e.summary, e.ip_address) for e in events] == [
            ("pct", "web", "127.0.0.1"), ("pct", "api", "127.0.0.1")]


def test_the_database_refuses_to_change_or_delete_events(app, people):
    with app.app_context():
        event_id = db.session.scalar(sa.select(AuditEvent.id).limit(1))
        for statement in (sa.update(AuditEvent).values(actor_name="someone-else"), sa.delete(AuditEvent)):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                db.session.execute(statement.where(AuditEvent.id == event_id))
            db.session.rollback()
        assert db.session.get(AuditEvent, event_id).actor_name == "system"


def test_the_orm_refuses_to_change_events(app, people):
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).limit(1))
        event.summary = "edited"
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()


def test_admin_filters_the_log(client, people):
    web_login(client, "pct", "wrong")
    admin = api_token(client, "admin")
    page = client.get("/api/v1/audit?action=login_failed", headers=admin).get_json()
    assert page["total"] == 1 and page["items"][0]["changes"]["username"] == "pct"
    page = client.get("/api/v1/audit?entity_type=units&per_page=2", headers=admin).get_json()
    assert page["total"] == 5 and len(page["items"]) == 2
    assert client.get("/api/v1/audit?since=yesterday", headers=admin).status_code == 422


def test_audit_page_filters_by_actor(client, people):
    web_login(client, "admin")
    html = client.get("/admin/audit?actor=admin&action=login").get_data(as_text=True)
    assert "admin" in html and "login" in html
    assert "system" not in html.split("<tbody", 1)[-1]


def test_audit_page_takes_days_as_dd_mm_yyyy_in_the_province_zone(app, client, people):
    from ecabinet.core.clock import utcnow
    from ecabinet.core.i18n import local_zone

    web_login(client, "admin")
    with app.app_context():
        today = utcnow().astimezone(local_zone()).strftime("%d/%m/%Y")
    html = client.get(f"/admin/audit?since={today}&until={today}&action=login").get_data(as_text=True)
    assert "127.0.0.1" in html
    html = client.get("/admin/audit?since=01/01/2020&until=31/12/2020&action=login").get_data(as_text=True)
    assert "127.0.0.1" not in html
    html = client.get("/admin/audit?since=31/02/2026").get_data(as_text=True)
    assert "không hợp lệ" in html


def test_the_log_names_a_confidential_material_to_its_readers_only(app, client, meeting, secretary, people):
    secret = upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=3), title="Phương án nhân sự mật",
                    confidentiality="confidential").get_json()
    upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=4), title="Dự thảo công khai")
    publish(client, secretary, meeting["id"])
    assert client.get(f"/api/v1/materials/{secret['id']}/file", headers=api_token(client, "pct")).status_code == 200
    admin = api_token(client, "admin")
    events = client.get("/api/v1/audit?entity_type=materials&per_page=500", headers=admin).get_json()["items"]
    mine = [e for e in events if e["entity_id"] == str(secret["id"])]
    assert {e["action"] for e in mine} >= {"create", "update", "read"}
    assert {(e["summary"], e["changes"]) for e in mine} == {(f"tài liệu mật #{secret['id']}", None)}
    assert "nhân sự mật" not in str(events) and "Dự thảo công khai" in str(events)
    page = signed_in(app.test_client(), "admin").get("/admin/audit?entity_type=materials")
    assert f"tài liệu mật #{secret['id']}" in page.text and "nhân sự mật" not in page.text
    readers_view = client.get("/api/v1/audit?entity_type=materials&per_page=500", headers=secretary)
    assert readers_view.status_code == 403  # the log is the admins' (a reader who is an admin sees the title)
