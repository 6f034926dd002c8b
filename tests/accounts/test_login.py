"""Sign-in on the web and by token, throttling, sign-out, password change."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ecabinet.accounts import throttling
from ecabinet.accounts.models import ApiToken, User
from ecabinet.audit.models import AuditEvent
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from tests.fixtures.web import PASSWORD, api_token, csrf_from, web_login


def test_web_login_sets_a_protected_session_cookie(client, people):
    response = web_login(client, "chuyenvien")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("ecabinet_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = client.get("/")
    assert home.status_code == 200
    assert "Nguyễn Văn Chuyenvien" in home.get_data(as_text=True)


def test_wrong_password_is_refused_and_audited(app, client, people):
    response = web_login(client, "chuyenvien", "sai-mat-khau")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "login_failed"))
        assert event.changes["reason"] == "bad-credentials" and event.ip_address == "127.0.0.1"


def test_login_form_without_csrf_token_is_refused(client, people):
    response = client.post("/login", data={"username": "chuyenvien", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_repeated_failures_are_throttled_with_a_growing_delay(app, people):
    with app.test_request_context(), app.app_context():
        now = utcnow()

        def attempt(password, address="10.0.0.7"):
            return throttling.authenticate("chuyenvien", password, address, channel="web", now=now)

        for _ in range(3):  # three free tries; the third failure starts the wait
            with pytest.raises(throttling.BadCredentials):
                attempt("wrong")
        delays = []
        for _ in range(3):
            with pytest.raises(throttling.LoginThrottled) as throttled:
                attempt(PASSWORD)  # even the right password waits
            delays.append(throttled.value.retry_after)
            now += timedelta(seconds=throttled.value.retry_after)
            with pytest.raises(throttling.BadCredentials):
                attempt("wrong")
        assert delays == [5, 10, 20]
        assert attempt(PASSWORD, "10.0.0.8").username == "chuyenvien"  # another address is not locked out
        now += timedelta(seconds=40)
        assert attempt(PASSWORD).username == "chuyenvien"  # after the wait; the counter is cleared
        db.session.commit()
        summaries = list(db.session.scalars(sa.select(AuditEvent.summary).where(AuditEvent.action == "login_failed")))
        assert sum("throttled" in s for s in summaries) == 3 and len(summaries) == 9


def test_throttled_api_login_is_a_429_with_retry_after(client, people):
    for _ in range(3):
        assert client.post("/api/v1/auth/token", json={"username": "pct", "password": "x"}).status_code == 401
    response = client.post("/api/v1/auth/token", json={"username": "pct", "password": PASSWORD})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["error"]["details"]["retry_after"] == 5


def test_throttled_web_login_tells_the_user_how_long_to_wait(client, people):
    for _ in range(3):
        web_login(client, "pct", "x")
    response = web_login(client, "pct")
    assert response.status_code == 429
    assert "5 giây" in response.get_data(as_text=True)


def test_token_grants_api_access_until_revoked(client, people):
    response = client.post("/api/v1/auth/token", json={"username": "PCT ", "password": PASSWORD})
    body = response.get_json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 8 * 3600 and len(body["access_token"]) > 30
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["username"] == "pct" and me["roles"] == ["leader"]
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_expired_token_is_refused(app, client, people):
    headers = api_token(client, "pct")
    with app.app_context():
        db.session.execute(sa.update(ApiToken).values(created_at=utcnow() - timedelta(days=2),
                                                      expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_logout_ends_the_session(client, people):
    web_login(client, "pct")
    token = csrf_from(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_ends_other_sessions_and_tokens(app, people):
    first, second = app.test_client(), app.test_client()
    web_login(first, "pct")
    web_login(second, "pct")
    headers = api_token(first, "pct")
    page = first.get("/account/password").get_data(as_text=True)
    response = first.post("/account/password", data={
        "csrf_token": csrf_from(page), "current_password": PASSWORD,
        "new_password": "mat-khau-moi-2026", "confirm_password": "mat-khau-moi-2026"})
    assert response.status_code == 302
    assert first.get("/").status_code == 200          # the one who changed it stays in
    assert second.get("/").status_code == 302         # every other session is out
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401  # tokens too
    new_password = {"username": "pct", "password": "mat-khau-moi-2026"}
    assert first.post("/api/v1/auth/token", json=new_password).status_code == 200


def test_password_change_validates(client, people):
    headers = api_token(client, "pct")
    wrong = client.post("/api/v1/me/password", headers=headers,
                        json={"current_password": "x", "new_password": "mat-khau-moi-2026"})
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "wrong_password"
    weak = client.post("/api/v1/me/password", headers=headers,
                       json={"current_password": PASSWORD, "new_password": "123"})
    assert weak.status_code == 422 and weak.get_json()["error"]["details"][0]["field"] == "new_password"


def test_passwords_are_stored_as_argon2_hashes(app, people):
    with app.app_context():
        stored = db.session.get(User, people.pct if hasattr(people, "pct") else people.leader).password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
