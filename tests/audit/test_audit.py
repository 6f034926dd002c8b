"""The audit log records who did what from where, and cannot be altered."""

import pytest
import sqlalchemy as sa

from ecabinet.audit.models import AuditEvent
from ecabinet.audit.operations import AppendOnlyError
from ecabinet.core.db import db
from tests.fixtures.web import api_token, web_login


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
