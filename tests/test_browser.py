"""A real Chromium signs in on a tablet against the real server (gevent, as `make run` serves)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.servers import free_port, wait_healthy

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """`flask db upgrade`, `flask seed-demo`, then `python -m ecabinet.serve`, as `make run` does."""
    workdir = tmp_path_factory.mktemp("live")
    port = free_port()
    env = {**os.environ, "ECABINET_DATABASE_URL": f"sqlite:///{workdir / 'live.sqlite3'}",
           "ECABINET_STORAGE_DIR": str(workdir / "storage"), "ECABINET_ENV": "development",
           "FLASK_APP": "ecabinet", "HOST": "127.0.0.1", "PORT": str(port)}
    flask = [sys.executable, "-m", "flask"]
    for command in (["db", "upgrade"], ["seed-demo", "--if-empty"]):
        subprocess.run(flask + command, env=env, cwd=ROOT, check=True, capture_output=True)
    # Its log goes to a file: a pipe nobody reads fills up (64 KiB of request lines) and blocks the server.
    log_path = workdir / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen([sys.executable, "-m", "ecabinet.serve"], env=env, cwd=ROOT,
                                  stdout=log, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server, log_path.read_text)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing in CI: .ci/run installs it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.mark.parametrize("width, height", [(800, 1280), (1280, 800)])
def test_leader_signs_in_on_a_tablet_and_sees_the_home_page_in_vietnamese(live_server, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True)
    page = context.new_page()
    page.goto(live_server + "/")
    assert page.url.startswith(live_server + "/login")
    assert "Đăng nhập" in page.content()
    page.fill("#username", "pct1")
    page.fill("#password", "demo")
    page.click("#login-submit")
    page.wait_for_selector("main#home")
    assert page.locator("h1").first.inner_text().strip() == "Trang chủ"
    body = page.inner_text("body")
    assert "Phó Chủ tịch" in body
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing overflows the tablet
    stylesheet_ok = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert stylesheet_ok  # Bootstrap's CSS is served by the app and applied
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-{width}x{height}.png"))
    context.close()


def test_wrong_password_shows_a_vietnamese_message(live_server, browser):
    context = browser.new_context(viewport={"width": 800, "height": 1280})
    page = context.new_page()
    page.goto(live_server + "/login")
    page.fill("#username", "pct1")
    page.fill("#password", "sai")
    page.click("#login-submit")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.inner_text("body")
    context.close()
