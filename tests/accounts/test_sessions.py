"""Issue 14, hole 5 and item 14: sign-in sessions live on the server; each user sees and ends their own sessions
and API tokens; an administrator signs a user out everywhere."""

from datetime import timedelta

import sqlalchemy as sa

from ecabinet.accounts import sessions
from ecabinet.accounts.models import User, UserSession
from ecabinet.audit.models import AuditEvent
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from tests.fixtures.web import api_token, csrf_from, form_token, ok, web_login

COOKIE = "ecabinet_session"


def _signed_in(app, username: str = "pct"):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = f"Trình duyệt của {username}"
    assert web_login(client, username).status_code == 302
    return client


def _with_cookie_of(app, client):
    """A new browser holding a copy of ``client``'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def test_a_cookie_saved_before_sign_out_is_refused_after(app, people):
    client = _signed_in(app)
    copy = _with_cookie_of(app, client)
    assert copy.get("/").status_code == 200
    assert client.post("/logout", data={"csrf_token": form_token(client)}).status_code == 302
    assert copy.get("/").status_code == 302
    assert copy.get("/api/v1/me").status_code == 401


def test_a_cookie_of_another_era_is_refused(app, people):
    """The cookie names a session by a secret; a user id alone (the old cookies) names none."""
    client = _signed_in(app)
    with client.session_transaction() as session:
        session["_user_id"] = f"{people.leader}:1"
    assert client.get("/api/v1/me").status_code == 401


def test_a_user_lists_and_ends_their_own_sessions(app, people):
    phone, laptop = _signed_in(app), _signed_in(app)
    listed = ok(laptop.get("/api/v1/me/sessions"))
    assert len(listed) == 2 and [s["current"] for s in listed].count(True) == 1
    assert {s["user_agent"] for s in listed} == {"Trình duyệt của pct"}
    other = next(s for s in listed if not s["current"])
    headers = {"X-CSRFToken": form_token(laptop)}
    assert laptop.delete(f"/api/v1/me/sessions/{other['id']}", headers=headers).status_code == 204
    assert phone.get("/").status_code == 302 and laptop.get("/").status_code == 200
    assert laptop.delete(f"/api/v1/me/sessions/{other['id']}", headers=headers).status_code == 404


def test_no_one_ends_another_users_session(app, people):
    victim, attacker = _signed_in(app, "pct"), _signed_in(app, "chuyenvien")
    with app.app_context():
        victim_session = db.session.scalar(sa.select(UserSession.id).where(UserSession.user_id == people.leader))
    token = form_token(attacker)
    assert attacker.post(f"/account/sessions/{victim_session}/end", data={"csrf_token": token}).status_code == 404
    assert attacker.delete(f"/api/v1/me/sessions/{victim_session}",
                           headers={"X-CSRFToken": token}).status_code == 404
    assert victim.get("/").status_code == 200


def test_the_sessions_page_ends_a_device_and_a_token(app, people):
    browser, other = _signed_in(app), _signed_in(app)
    headers = api_token(app.test_client(), "pct")
    page = browser.get("/account/sessions")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Thiết bị này" in html and html.count('id="session-') == 2
    with app.app_context():
        session_ids = list(db.session.scalars(sa.select(UserSession.id).order_by(UserSession.id)))
        token_id = sessions.tokens_of(db.session.get(User, people.leader))[0].id
    token = csrf_from(html)
    assert browser.post(f"/account/tokens/{token_id}/end", data={"csrf_token": token}).status_code == 302
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    assert browser.post(f"/account/sessions/{session_ids[1]}/end", data={"csrf_token": token}).status_code == 302
    assert other.get("/").status_code == 302 and browser.get("/").status_code == 200


def test_sign_out_everywhere_else_keeps_the_one_in_use(app, people):
    keep, lose = _signed_in(app), _signed_in(app)
    first, second = api_token(app.test_client(), "pct"), api_token(app.test_client(), "pct")
    assert app.test_client().post("/api/v1/me/sessions/end-others", headers=first).status_code == 204
    assert ok(app.test_client().get("/api/v1/me", headers=first))["username"] == "pct"
    assert app.test_client().get("/api/v1/me", headers=second).status_code == 401
    assert keep.get("/").status_code == 302 and lose.get("/").status_code == 302
    tokens = ok(app.test_client().get("/api/v1/me/tokens", headers=first))
    assert len(tokens) == 1 and tokens[0]["current"] is True and "token" not in tokens[0]


def test_an_admin_signs_a_user_out_everywhere(app, people):
    browser, admin = _signed_in(app), _signed_in(app, "admin")
    headers = api_token(app.test_client(), "pct")
    assert 'id="end-user-sessions"' in admin.get(f"/admin/users/{people.leader}").get_data(as_text=True)
    response = admin.post(f"/admin/users/{people.leader}/sessions/end", data={"csrf_token": form_token(admin)})
    assert response.status_code == 302
    assert browser.get("/").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "session_ended"))
        assert (event.actor_id, event.entity_id) == (people.admin, str(people.leader))
    admin_api = api_token(app.test_client(), "admin")
    assert app.test_client().post(f"/api/v1/users/{people.leader}/sessions/end",
                                  headers=admin_api).status_code == 204
    own = app.test_client().post(f"/api/v1/users/{people.admin}/sessions/end", headers=admin_api)
    assert own.status_code == 422 and own.get_json()["error"]["code"] == "self_end_sessions"


def test_only_an_admin_signs_others_out(app, people):
    headers = api_token(app.test_client(), "chanhvp")
    response = app.test_client().post(f"/api/v1/users/{people.leader}/sessions/end", headers=headers)
    assert response.status_code == 403
    office_leader = _signed_in(app, "chanhvp")
    response = office_leader.post(f"/admin/users/{people.leader}/sessions/end",
                                  data={"csrf_token": form_token(office_leader)})
    assert response.status_code == 403


def test_a_credential_is_live_until_it_ends(app, people):
    with app.test_request_context(), app.app_context():
        user = db.session.get(User, people.leader)
        session = sessions.open_session(user, sessions.Device("Firefox", "10.0.0.1"))
        token = sessions.issue_token(user).row
        db.session.flush()
        by_session, by_token = sessions.Credential("session", session.id), sessions.Credential("token", token.id)
        assert sessions.credential_is_live(by_session) and sessions.credential_is_live(by_token)
        later = utcnow() + timedelta(seconds=app.config["PERMANENT_SESSION_LIFETIME"] + 1)
        assert not sessions.credential_is_live(by_session, later)  # a session ends with its cookie's life
        sessions.logout(user, by_session)
        assert not sessions.credential_is_live(by_session) and sessions.credential_is_live(by_token)
        user.active = False
        assert not sessions.credential_is_live(by_token)
        assert not sessions.credential_is_live(sessions.Credential("token", token.id + 1000))


def test_last_seen_is_written_at_most_once_a_minute(app, people):
    with app.test_request_context(), app.app_context():
        start = utcnow()
        session = sessions.open_session(db.session.get(User, people.leader), sessions.Device(), start)
        key = db.session.get(User, people.leader).login_session_key
        db.session.commit()
        assert sessions.session_for_key(key, start + timedelta(seconds=50)).last_seen_at == start
        seen = start + timedelta(seconds=61)
        assert sessions.session_for_key(key, seen).last_seen_at == seen
        assert db.session.get(UserSession, session.id).last_seen_at == seen
