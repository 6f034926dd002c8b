"""Admins create, change and deactivate users; the changes are audited."""

import sqlalchemy as sa

from ecabinet.audit.models import AuditEvent
from ecabinet.core.db import db
from tests.fixtures.web import api_token


def _new_user(people, **extra):
    return {"username": "sokhdt", "full_name": "Trần Thị Hoa", "unit_id": people.department,
            "roles": ["agency_liaison"], "password": "mat-khau-2026", "position_title": "Văn thư", **extra}


def test_admin_creates_a_user_who_can_sign_in(client, people):
    headers = api_token(client, "admin")
    response = client.post("/api/v1/users", json=_new_user(people), headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["unit"]["code"] == "sotc"
    api_token(client, "sokhdt")


def test_duplicate_username_is_a_409_and_saves_nothing(app, client, people):
    headers = api_token(client, "admin")
    response = client.post("/api/v1/users", json=_new_user(people, username="pct"), headers=headers)
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "create", AuditEvent.entity_type == "users")) == 6


def test_unknown_unit_is_a_422(client, people):
    headers = api_token(client, "admin")
    response = client.post("/api/v1/users", json=_new_user(people, unit_id=999), headers=headers)
    assert response.status_code == 422 and response.get_json()["error"]["details"][0]["field"] == "unit_id"


def test_deactivated_user_loses_tokens_and_cannot_sign_in(app, client, people):
    admin = api_token(client, "admin")
    liaison = api_token(client, "sotc")
    response = client.patch(f"/api/v1/users/{people.liaison}", json={"active": False}, headers=admin)
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert client.get("/api/v1/me", headers=liaison).status_code == 401
    refused = client.post("/api/v1/auth/token", json={"username": "sotc", "password": "mat-khau-2026"})
    assert refused.status_code == 401
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "update",
                                                              AuditEvent.entity_id == str(people.liaison)))
        assert event.changes["active"] == [True, False] and event.actor_name == "admin"


def test_admin_cannot_deactivate_themselves(client, people):
    admin = api_token(client, "admin")
    response = client.patch(f"/api/v1/users/{people.admin}", json={"active": False}, headers=admin)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "self_deactivation"


def test_roles_and_portfolio_changes_are_audited(app, client, people):
    admin = api_token(client, "admin")
    sector = client.post("/api/v1/sectors", json={"code": "taichinh", "name": "Tài chính, ngân sách"},
                         headers=admin).get_json()
    response = client.patch(f"/api/v1/users/{people.leader}", headers=admin, json={
        "roles": ["leader", "member"], "sector_ids": [sector["id"]], "portfolio_unit_ids": [people.department]})
    body = response.get_json()
    assert sorted(body["roles"]) == ["leader", "member"]
    assert [s["code"] for s in body["portfolio_sectors"]] == ["taichinh"]
    assert [u["code"] for u in body["portfolio_units"]] == ["sotc"]
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "update",
                                                              AuditEvent.entity_id == str(people.leader)))
        assert event.changes["role_links"]["added"] == ["member"]
        assert event.changes["portfolio_sectors"]["added"] == ["taichinh"]


def test_user_list_filters_and_paginates(client, people):
    admin = api_token(client, "admin")
    page = client.get("/api/v1/users?role=agency_liaison", headers=admin).get_json()
    assert [u["username"] for u in page["items"]] == ["sotc"] and page["total"] == 1
    page = client.get("/api/v1/users?per_page=2&page=2", headers=admin).get_json()
    assert page["total"] == 6 and len(page["items"]) == 2
