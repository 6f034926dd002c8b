"""A real Chromium signs in on a tablet against the real server (gevent, as `make run` serves)."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import ARTIFACTS

pytestmark = pytest.mark.browser


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
