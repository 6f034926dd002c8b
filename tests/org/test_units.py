"""Units form a tree that admins edit; codes are unique; nothing is half-saved."""

import sqlalchemy as sa

from ecabinet.audit.models import AuditEvent
from ecabinet.core.db import db
from ecabinet.org.models import Unit
from tests.fixtures.web import api_token, csrf_from, web_login


def test_admin_builds_and_reorganises_the_tree(app, client, people):
    admin = api_token(client, "admin")
    commune = client.post("/api/v1/units", headers=admin, json={
        "code": "xbinhchau", "name": "Ủy ban nhân dân xã Bình Châu", "kind": "commune",
        "parent_id": people.district}).get_json()
    assert commune["parent_id"] == people.district
    moved = client.patch(f"/api/v1/units/{people.department}", headers=admin,
                         json={"parent_id": people.office, "name": "Sở Tài chính (mới)"})
    assert moved.status_code == 200 and moved.get_json()["parent_id"] == people.office
    children = client.get(f"/api/v1/units?parent_id={people.district}", headers=admin).get_json()
    assert [u["code"] for u in children] == ["xbinhchau"]
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "update",
                                                              AuditEvent.entity_type == "units"))
        assert event.changes["name"] == ["Sở Tài chính", "Sở Tài chính (mới)"]


def test_a_unit_cannot_move_under_its_own_sub_unit(app, client, people):
    admin = api_token(client, "admin")
    response = client.patch(f"/api/v1/units/{people.province}", headers=admin, json={"parent_id": people.district})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "cycle"
    with app.app_context():
        assert db.session.get(Unit, people.province).parent_id is None


def test_duplicate_code_is_refused(client, people):
    admin = api_token(client, "admin")
    response = client.post("/api/v1/units", headers=admin, json={"code": "sotc", "name": "X", "kind": "department"})
    assert response.status_code == 409 and response.get_json()["error"]["details"][0]["field"] == "code"


def test_deactivated_units_drop_out_of_the_choices(app, client, people):
    admin = api_token(client, "admin")
    client.patch(f"/api/v1/units/{people.other_department}", headers=admin, json={"active": False})
    active = client.get("/api/v1/units?active=true", headers=admin).get_json()
    assert "soyt" not in [u["code"] for u in active]


def test_unit_form_shows_errors_in_vietnamese(client, people):
    web_login(client, "admin")
    token = csrf_from(client.get("/admin/units/new").get_data(as_text=True))
    response = client.post("/admin/units/new", data={"csrf_token": token, "code": "Sở X", "name": "",
                                                     "kind": "department"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Trường này là bắt buộc" in html


def test_unit_form_creates_a_unit(app, client, people):
    web_login(client, "admin")
    token = csrf_from(client.get("/admin/units/new").get_data(as_text=True))
    response = client.post("/admin/units/new", data={"csrf_token": token, "code": "soxd", "name": "Sở Xây dựng",
                                                     "kind": "department", "parent_id": str(people.province),
                                                     "active": "on", "sort_order": "3"})
    assert response.status_code == 302
    with app.app_context():
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == "soxd"))
        assert unit.parent_id == people.province and unit.active
