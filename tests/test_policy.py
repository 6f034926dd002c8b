"""The permission policy: one module decides, and pages and the API obey it."""

import pytest

from ecabinet.accounts.models import User
from ecabinet.core.db import db
from ecabinet.org.models import Unit
from ecabinet.policy import WRITE_ACTIONS, Action, PermissionDenied, allowed, require
from tests.fixtures.web import api_token, web_login


@pytest.fixture
def ctx(app, people):
    with app.app_context():
        yield people


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def test_a_liaison_cannot_act_as_secretariat(ctx):
    liaison, secretary = _user(ctx.liaison), _user(ctx.secretary)
    assert not allowed(liaison, Action.SECRETARIAT_WORK)
    assert allowed(secretary, Action.SECRETARIAT_WORK)
    with pytest.raises(PermissionDenied):
        require(liaison, Action.SECRETARIAT_WORK)


def test_a_liaison_acts_only_for_its_own_unit(ctx):
    liaison = _user(ctx.liaison)
    assert allowed(liaison, Action.ACT_FOR_UNIT, db.session.get(Unit, ctx.department))
    assert not allowed(liaison, Action.ACT_FOR_UNIT, db.session.get(Unit, ctx.other_department))
    assert not allowed(liaison, Action.ACT_FOR_UNIT)


@pytest.mark.parametrize("action", sorted(WRITE_ACTIONS))
def test_a_viewer_cannot_write(ctx, action):
    viewer = _user(ctx.viewer)
    assert not allowed(viewer, action, db.session.get(Unit, ctx.office))


def test_deactivated_and_anonymous_users_may_do_nothing(ctx):
    admin = _user(ctx.admin)
    admin.active = False
    assert not any(allowed(admin, action) for action in Action)
    assert not any(allowed(None, action) for action in Action)


def test_only_admins_manage_users_and_read_the_audit_log(ctx):
    for name in ("secretary", "office_leader", "leader", "liaison", "viewer"):
        user = _user(getattr(ctx, name))
        assert not allowed(user, Action.MANAGE_USERS) and not allowed(user, Action.VIEW_AUDIT), name
    assert allowed(_user(ctx.admin), Action.MANAGE_USERS) and allowed(_user(ctx.admin), Action.VIEW_AUDIT)


def test_api_enforces_the_policy(client, people):
    liaison = api_token(client, "sotc")
    response = client.post("/api/v1/users", headers=liaison, json={
        "username": "x1", "full_name": "X", "unit_id": people.department, "roles": ["secretariat"],
        "password": "mat-khau-2026"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/users", headers=liaison).status_code == 403
    viewer = api_token(client, "quansat")
    response = client.patch(f"/api/v1/units/{people.department}", headers=viewer, json={"name": "Đổi tên"})
    assert response.status_code == 403
    assert client.get(f"/api/v1/units/{people.department}", headers=viewer).get_json()["name"] == "Sở Tài chính"
    assert client.get(f"/api/v1/users/{people.liaison}", headers=liaison).status_code == 200  # oneself
    assert client.get(f"/api/v1/users/{people.admin}", headers=liaison).status_code == 403


def test_pages_enforce_the_policy(client, people):
    web_login(client, "sotc")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/units/new").status_code == 403
    home = client.get("/").get_data(as_text=True)
    assert "/admin/audit" not in home and "/admin/users" not in home
