"""Conclusions in real Chromium against the real server and the demo data: the secretary writes them on the
conclusions page (a 800×1280 tablet) while the console (1280×800) shows them live, without a reload."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import ARTIFACTS, demo_meeting_id, demo_token, server_api, sign_in_page
from tests.fixtures.live import Screen

pytestmark = pytest.mark.browser

TEXT = "Thống nhất thông qua nội dung Tờ trình; giao các cơ quan hoàn thiện hồ sơ trình HĐND tỉnh."


def _check_width(page, width: int, name: str) -> None:
    """Nothing in the page's own content (``main``) runs off the screen; a screenshot for the reviewer."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"conclusions-{name}.png"), full_page=True)
    wide = page.evaluate("(w) => Array.from(document.querySelectorAll('main *'))"
                         ".filter(e => e.getBoundingClientRect().right > w + 1)"
                         ".map(e => e.tagName + '#' + e.id)", width)
    assert wide == [], name


def test_the_console_shows_the_conclusions_as_the_secretary_writes_them(live_server, browser):
    meeting_id = demo_meeting_id(live_server)
    server_api(f"{live_server}/api/v1/meetings/{meeting_id}/live/actions", demo_token(live_server),
         {"action": "start", "args": {"reason": "Họp theo giờ của bộ kiểm thử"}})  # the demo's time is not now
    console = Screen(browser, live_server, "chuyenvien1", 1280, 800, f"/meetings/{meeting_id}/console")
    writer = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    page = writer.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        console.wait("#console-conclusions")
        assert console.page.is_visible("#console-conclusions-empty")
        sign_in_page(page, live_server, "chuyenvien1")
        page.goto(f"{live_server}/meetings/{meeting_id}/conclusions")
        new_form = page.locator('#conclusions form[id^="new-"]').first
        new_form.locator("textarea").fill(TEXT)
        new_form.locator('button[type="submit"]').click()
        page.wait_for_selector("article.conclusion")
        console.wait("#console-conclusions-list .console-conclusion")
        assert console.text("#console-conclusions-list .console-conclusion-text") == TEXT
        assert not console.page.is_visible("#console-conclusions-empty")

        page.locator('summary[id^="new-directive-"]').first.click()
        form = page.locator('form[id^="new-directive-"]').first
        form.locator("textarea").fill("Hoàn thiện hồ sơ trình Hội đồng nhân dân tỉnh")
        form.locator('select[name="lead_unit_id"]').select_option(index=1)
        preview = form.locator('[data-preview="sentence"]')  # the notice's sentence, worded by the server
        preview.wait_for(state="visible")
        assert preview.inner_text().startswith("- Giao ") and preview.inner_text().endswith(
            " chủ trì hoàn thiện hồ sơ trình Hội đồng nhân dân tỉnh.")
        assert form.locator('[data-preview="title"]').inner_text() == "Hoàn thiện hồ sơ trình Hội đồng nhân dân tỉnh"
        form.locator('select[name="deadline_kind"]').select_option("date")
        assert not form.locator('input[name="deadline_count"]').is_visible()
        form.locator('input[name="deadline_on"]').fill("01/01/2020")
        form.locator('button[type="submit"]').click()
        page.wait_for_selector("#conclusions-refused")
        refused = page.locator('form[id^="new-directive-"] .invalid-feedback').first.inner_text()
        assert refused.startswith("Thời hạn không được trước ngày họp")
        form = page.locator('form[id^="new-directive-"]').first
        form.locator('input[name="deadline_on"]').fill("31/12/2026")
        form.locator('button[type="submit"]').click()
        page.wait_for_selector("li.directive")
        console.wait("#console-conclusions-list .console-directive")
        assert "Hoàn thiện hồ sơ trình Hội đồng nhân dân tỉnh" in console.text("#console-conclusions-list")
        assert "31/12/2026" in console.text("#console-conclusions-list")
        _check_width(page, 800, "page-800x1280")
        _check_width(console.page, 1280, "console-1280x800")
        console.page.goto(f"{live_server}/meetings/{meeting_id}/conclusions")
        console.page.wait_for_selector("li.directive")
        _check_width(console.page, 1280, "page-1280x800")
        assert errors == [] and console.errors == []
    finally:
        writer.close()
        console.context.close()
