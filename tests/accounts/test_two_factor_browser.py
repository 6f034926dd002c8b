"""Two-factor sign-in in a real Chromium against the real server, with the production's required roles."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import timedelta

import pyotp
import pytest

from ecabinet.core.clock import utcnow
from tests.fixtures.browser import ARTIFACTS, DEMO_PASSWORD, serve

pytestmark = pytest.mark.browser

LEADER = "pct2"


@pytest.fixture(scope="module")
def strict_server(seeded_demo, tmp_path_factory):
    """The demo served as production is configured: admins, leaders and office leaders need a second factor."""
    workdir = tmp_path_factory.mktemp("two-factor-live")
    yield from serve(seeded_demo.copy_to(workdir), workdir, ECABINET_SCHEDULER_IN_PROCESS="false",
                     ECABINET_TWO_FACTOR_REQUIRED_ROLES="admin,leader,office_leader")


def token_request(server: str, code: str | None = None) -> tuple[int, dict]:
    """``POST /api/v1/auth/token`` for the leader: the status and the JSON answer."""
    body = {"username": LEADER, "password": DEMO_PASSWORD, **({"code": code} if code else {})}
    request = urllib.request.Request(server + "/api/v1/auth/token", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def password_step(browser, server: str):
    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    page = context.new_page()
    page.goto(server + "/login")
    page.fill("#username", LEADER)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    return context, page


def enter_code(page, code: str) -> None:
    page.fill("#code", code)
    page.click("#code-submit")


def test_a_leader_enrols_signs_in_with_a_code_and_a_recovery_code_and_is_throttled(strict_server, browser):
    problems: list[str] = []
    assert token_request(strict_server)[0] == 403  # not enrolled: no token at all

    context, page = password_step(browser, strict_server)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.wait_for_url(re.compile(r"/account/two-factor/setup$"))
    assert page.is_visible("#two-factor-required") and page.is_visible("#two-factor-qr svg")
    page.goto(strict_server + "/meetings")  # nothing else until enrolled
    assert page.url.endswith("/account/two-factor/setup")
    totp = pyotp.TOTP(page.inner_text("#two-factor-secret"))
    page.fill("#code", totp.at(utcnow()))
    page.click("#two-factor-setup-submit")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "two-factor-codes-800x1280.png"), full_page=True)
    page.click("#recovery-codes-done")
    assert "10" in page.inner_text("#two-factor-state")
    context.close()

    status, answer = token_request(strict_server)
    assert status == 401 and answer["error"]["code"] == "two_factor_code_required"

    context, page = password_step(browser, strict_server)  # sign in with the app's next code
    page.wait_for_url(re.compile(r"/login/code$"))
    enter_code(page, totp.at(utcnow() + timedelta(seconds=30)))
    page.wait_for_url(strict_server + "/")
    assert page.locator("#logout-form").count() == 1  # signed in
    context.close()

    context, page = password_step(browser, strict_server)  # the phone is lost: a recovery code
    page.wait_for_url(re.compile(r"/login/code$"))
    enter_code(page, codes[0])
    page.wait_for_url(strict_server + "/")
    assert "9" in page.inner_text(".alert-warning")
    context.close()

    status, answer = token_request(strict_server, codes[1])
    assert status == 200 and answer["access_token"]

    context, page = password_step(browser, strict_server)  # someone with the password guesses codes
    page.wait_for_url(re.compile(r"/login/code$"))
    for guess in ("000000", "111111", "222222", "333333", "444444"):
        enter_code(page, guess)
        assert "Mã không đúng" in page.inner_text("main")
    enter_code(page, codes[2])  # even a right code now waits
    assert "Quá nhiều mã sai" in page.inner_text("main")
    assert page.url.endswith("/login/code")
    page.screenshot(path=str(ARTIFACTS / "two-factor-throttled-800x1280.png"), full_page=True)
    context.close()
    assert token_request(strict_server, codes[2])[0] == 429
    assert not problems, problems
