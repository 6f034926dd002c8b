"""Two-factor sign-in: enrolment, the code step, recovery codes, the throttle, required roles and API tokens."""

import json
import re
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.accounts.twofactor import operations as ops
from ecabinet.accounts.twofactor.models import RecoveryCode, TwoFactor
from ecabinet.audit.models import AuditEvent
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.extensions import socketio
from tests.fixtures.web import PASSWORD, csrf_from, ok, signed_in, web_login

SECRET_RE = re.compile(r'id="two-factor-secret">([A-Z2-7]+)<')
CODE_RE = re.compile(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>")


def now_code(secret: str, steps_ahead: int = 0) -> str:
    """The authenticator app's code, or the one it will show ``steps_ahead`` half-minutes later (still accepted
    for one step: the server allows for a phone's clock running ahead). The suite shifts the server's clock."""
    return pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=30 * steps_ahead))


def enrol(client) -> tuple[str, list[str]]:
    """Set up two-factor sign-in for the signed-in ``client``: its secret and recovery codes."""
    page = client.get("/account/two-factor/setup").get_data(as_text=True)
    secret = SECRET_RE.search(page).group(1)
    done = client.post("/account/two-factor/setup", data={"csrf_token": csrf_from(page), "code": now_code(secret)})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    return secret, CODE_RE.findall(done.get_data(as_text=True))


def code_step(client, code: str, follow: bool = False):
    token = csrf_from(client.get("/login/code").get_data(as_text=True))
    return client.post("/login/code", data={"csrf_token": token, "code": code}, follow_redirects=follow)


def sign_out(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})


@pytest.fixture
def required(app):
    """The production default: admins, leaders and office leaders need a second factor."""
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = "admin,leader,office_leader"


def test_enrolment_shows_a_qr_code_and_needs_a_first_code(app, client, people):
    signed_in(client, "chuyenvien")
    page = client.get("/account/two-factor/setup").get_data(as_text=True)
    secret = SECRET_RE.search(page).group(1)
    assert "<svg" in page and "<script" not in page.split('id="two-factor-qr"')[1].split("</div>")[0]
    assert client.get("/account/two-factor/setup").get_data(as_text=True).count(secret) == 1  # same until confirmed
    wrong = client.post("/account/two-factor/setup", data={"csrf_token": csrf_from(page), "code": "000000"})
    assert wrong.status_code == 422
    with app.app_context():
        assert not ops.is_enrolled(db.session.get(User, people.secretary))
    sign_out(client)
    assert web_login(client, "chuyenvien").headers["Location"] == "/"  # not active before it is confirmed


def test_sign_in_with_a_code_after_the_password(app, client, people):
    other_session = signed_in(app.test_client(), "chuyenvien")
    signed_in(client, "chuyenvien")
    secret, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/").status_code == 200           # the one who enrolled stays in
    assert other_session.get("/").status_code == 302    # a session had with the password alone ends
    with app.app_context():
        audited = list(db.session.scalars(sa.select(AuditEvent.changes).where(AuditEvent.entity_type == "two_factor")))
    assert len(audited) == 2 and secret not in json.dumps(audited)  # set up, confirmed; never the secret
    sign_out(client)

    response = web_login(client, "chuyenvien")
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    assert client.get("/").status_code == 302                   # not signed in between the two steps
    assert client.get("/api/v1/me").status_code == 401
    with app.app_context():
        enrolment_step = db.session.get(TwoFactor, people.secretary).last_used_step
    replayed = pyotp.TOTP(secret).generate_otp(enrolment_step)
    assert code_step(client, replayed).status_code == 401  # the enrolment's code: no replay
    signed = code_step(client, now_code(secret, 1))
    assert signed.status_code == 302
    assert client.get(signed.headers["Location"], follow_redirects=True).status_code == 200
    assert client.get("/api/v1/me").get_json()["username"] == "chuyenvien"


def test_the_code_step_keeps_where_the_user_was_going_and_expires(app, client, people):
    signed_in(client, "chuyenvien")
    secret, _codes = enrol(client)
    sign_out(client)
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login?next=/account/password", data={"username": "chuyenvien", "password": PASSWORD,
                                                        "csrf_token": token})
    arrived = code_step(client, now_code(secret, 1), follow=True)
    assert arrived.request.path == "/account/password"

    sign_out(client)
    app.config["TWO_FACTOR_PENDING_SECONDS"] = 0
    web_login(client, "chuyenvien")
    late = client.get("/login/code")
    assert late.status_code == 302 and late.headers["Location"] == "/login"


def test_recovery_codes_sign_in_once_and_are_stored_hashed(app, client, people):
    signed_in(client, "chuyenvien")
    _secret, codes = enrol(client)
    with app.app_context():
        stored = list(db.session.scalars(sa.select(RecoveryCode.code_hash)))
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & set(stored)
    sign_out(client)

    web_login(client, "chuyenvien")
    signed = code_step(client, codes[3].upper().replace("-", " "), follow=True)  # as typed from paper
    assert signed.status_code == 200 and "còn lại 9 mã" in signed.get_data(as_text=True)
    sign_out(client)
    web_login(client, "chuyenvien")
    assert code_step(client, codes[3]).status_code == 401
    assert code_step(client, codes[4]).status_code == 302


def test_wrong_codes_are_throttled_per_account(app, client, people):
    signed_in(client, "chuyenvien")
    secret, _codes = enrol(client)
    sign_out(client)
    web_login(client, "chuyenvien")
    for _ in range(5):
        assert code_step(client, "123456").status_code == 401
    throttled = code_step(client, now_code(secret, 1))  # even the right code waits
    assert throttled.status_code == 429
    assert "Quá nhiều mã sai" in throttled.get_data(as_text=True)
    api = client.post("/api/v1/auth/token", json={"username": "chuyenvien", "password": PASSWORD,
                                                  "code": now_code(secret, 1)})
    assert api.status_code == 429 and int(api.headers["Retry-After"]) > 0  # the same account, another channel


def test_the_throttle_window_passes(app, people):
    with app.test_request_context():
        user = db.session.get(User, people.secretary)
        enrolment = ops.pending_enrolment(user)
        start = utcnow()
        ops.confirm_enrolment(user, pyotp.TOTP(enrolment.secret).at(start), now=start)
        for _ in range(5):
            with pytest.raises(ops.TwoFactorError):
                ops.verify(user, "999999", start)
        later = start + timedelta(seconds=299)
        with pytest.raises(ops.CodeThrottled) as throttled:
            ops.verify(user, pyotp.TOTP(enrolment.secret).at(later), later)
        assert throttled.value.retry_after == 1
        after = start + timedelta(seconds=300)
        assert ops.verify(user, pyotp.TOTP(enrolment.secret).at(after), after) == "totp"


def test_a_required_role_must_enrol_before_anything_else(app, client, people, required):
    assert web_login(client, "pct").status_code == 302
    assert client.get("/").headers["Location"] == "/account/two-factor/setup"
    assert client.get("/meetings").headers["Location"] == "/account/two-factor/setup"
    refused = client.get("/api/v1/me")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "two_factor_enrolment_required"
    assert not socketio.test_client(app, flask_test_client=client).is_connected()
    no_token = client.post("/api/v1/auth/token", json={"username": "pct", "password": PASSWORD})
    assert no_token.status_code == 403 and no_token.get_json()["error"]["code"] == "two_factor_enrolment_required"
    page = client.get("/account/two-factor/setup").get_data(as_text=True)
    assert 'id="two-factor-required"' in page
    assert signed_in(app.test_client(), "chuyenvien").get("/").status_code == 200  # the secretariat is not required

    enrol(client)
    assert client.get("/").status_code == 200
    assert socketio.test_client(app, flask_test_client=client).is_connected()


def test_an_api_token_needs_the_second_factor(app, client, people, required):
    signed_in(client, "chanhvp")
    headers = {"X-CSRFToken": csrf_from(client.get("/account/two-factor").get_data(as_text=True))}
    enrolment = ok(client.post("/api/v1/me/two-factor/enrolment", headers=headers))
    secret = pyotp.parse_uri(enrolment["otpauth_uri"]).secret
    assert secret == enrolment["secret"]
    codes = ok(client.post("/api/v1/me/two-factor/enrolment/confirm", headers=headers,
                           json={"code": now_code(secret)}))["recovery_codes"]
    credentials = {"username": "chanhvp", "password": PASSWORD}

    missing = client.post("/api/v1/auth/token", json=credentials)
    assert missing.status_code == 401 and missing.get_json()["error"]["code"] == "two_factor_code_required"
    wrong = client.post("/api/v1/auth/token", json={**credentials, "code": "111111"})
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "bad_two_factor_code"
    by_code = ok(client.post("/api/v1/auth/token", json={**credentials, "code": now_code(secret, 1)}))
    by_recovery = ok(client.post("/api/v1/auth/token", json={**credentials, "code": codes[0]}))
    token_user = app.test_client().get("/api/v1/me",
                                       headers={"Authorization": f"Bearer {by_recovery['access_token']}"})
    assert token_user.get_json()["username"] == "chanhvp" and by_code["access_token"]
    status = ok(app.test_client().get("/api/v1/me/two-factor",
                                      headers={"Authorization": f"Bearer {by_code['access_token']}"}))
    assert status == {"enrolled": True, "required": True, "recovery_codes_left": 9}


def test_pending_sign_in_gets_no_token_and_no_api(app, client, people):
    signed_in(client, "chuyenvien")
    secret, _codes = enrol(client)
    sign_out(client)
    web_login(client, "chuyenvien")  # password given, code not yet
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me/two-factor").status_code == 401
    assert client.post("/api/v1/auth/token",
                       json={"username": "chuyenvien", "password": PASSWORD}).status_code == 401


def test_new_recovery_codes_replace_the_old_and_turning_off_needs_password_and_code(app, client, people):
    signed_in(client, "chuyenvien")
    _secret, codes = enrol(client)
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "10" in page
    renewed = client.post("/account/two-factor/recovery-codes", data={"csrf_token": csrf_from(page),
                                                                      "code": codes[0]})
    new_codes = CODE_RE.findall(renewed.get_data(as_text=True))
    assert renewed.status_code == 200 and len(new_codes) == 10 and not set(new_codes) & set(codes)
    wrong_password = client.post("/account/two-factor/disable", data={
        "csrf_token": csrf_from(page), "password": "sai", "code": new_codes[0]})
    assert wrong_password.status_code == 403
    off = client.post("/account/two-factor/disable", data={"csrf_token": csrf_from(page), "password": PASSWORD,
                                                           "code": new_codes[0]})
    assert off.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TwoFactor)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
    sign_out(client)
    assert web_login(client, "chuyenvien").headers["Location"] == "/"  # the password alone again



@pytest.mark.parametrize("code", ["l\x15&Îì", "１２３４５６", "٤٥٦٧٨٩", "mã-số"])
def test_a_code_of_any_characters_is_just_a_wrong_code(app, client, people, code):
    signed_in(client, "chanhvp")
    headers = {"X-CSRFToken": csrf_from(client.get("/account/two-factor").get_data(as_text=True))}
    secret = ok(client.post("/api/v1/me/two-factor/enrolment", headers=headers))["secret"]
    refused = client.post("/api/v1/me/two-factor/enrolment/confirm", headers=headers, json={"code": code})
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "bad_two_factor_code"
    ok(client.post("/api/v1/me/two-factor/enrolment/confirm", headers=headers, json={"code": now_code(secret)}))
    credentials = {"username": "chanhvp", "password": PASSWORD, "code": code}
    token = client.post("/api/v1/auth/token", json=credentials)
    assert token.status_code == 401 and token.get_json()["error"]["code"] == "bad_two_factor_code"
