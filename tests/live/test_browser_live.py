"""The live room in real Chromium against the real gevent server and the demo data: the secretary's console and
two leaders' tablets (800×1280 and 1280×800) in separate browser contexts stay in step without a reload."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import demo_meeting_id
from tests.fixtures.live import WAIT, Screen

pytestmark = pytest.mark.browser


def test_console_and_two_tablets_stay_in_step(live_server, browser):
    meeting_id = demo_meeting_id(live_server)
    console = Screen(browser, live_server, "chuyenvien1", 1280, 800, f"/meetings/{meeting_id}/console")
    tablets = [Screen(browser, live_server, "pct1", 800, 1280, f"/meetings/{meeting_id}/live"),
               Screen(browser, live_server, "pct2", 1280, 800, f"/meetings/{meeting_id}/live")]
    screens = [console, *tablets]
    try:
        for screen in screens:
            assert screen.page.evaluate("document.documentElement.lang") == "vi"
            screen.wait("#live-agenda li[data-item-id]")
        assert console.text("#live-status") == "Chưa bắt đầu"

        console.page.fill("#console-start-reason", "Họp theo giờ của bộ kiểm thử")  # the demo's time is not now
        asked = []
        console.page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        console.page.click("#console-start")
        for screen in screens:
            screen.wait('#live-status[data-status="running"]')
        assert tablets[0].text("#live-status") == "Đang họp"
        assert asked == ["Bắt đầu cuộc họp ngay bây giờ?"]

        before = console.page.get_attribute("#live-agenda li.is-current", "data-item-id") \
            if console.page.query_selector("#live-agenda li.is-current") else None
        console.page.click("#console-next")
        console.page.wait_for_function(
            "(before) => { const li = document.querySelector('#live-agenda li.is-current');"
            " return li && li.dataset.itemId !== before; }", arg=before, timeout=WAIT)
        current = console.page.get_attribute("#live-agenda li.is-current", "data-item-id")
        title = console.text("#live-current-item")
        for tablet in tablets:
            tablet.wait(f'#live-agenda li.is-current[data-item-id="{current}"]')
            assert tablet.text("#live-current-item") == title

        for tablet in tablets:  # each leader checks in from the tablet
            tablet.page.click("#live-check-in")
            tablet.wait("#live-checked-in:not(.d-none)")
        console.wait('#console-members li.is-present')

        console.page.fill("#console-vote-question", "Thông qua dự thảo Nghị quyết về kế hoạch đầu tư công năm 2027")
        console.page.click("#console-open-vote")
        console.wait("#console-vote-open:not(.d-none)")
        for tablet in tablets:
            tablet.wait("#live-vote:not(.d-none) button[data-choice='agree']:not([disabled])")
            assert "kế hoạch đầu tư công năm 2027" in tablet.text("#live-vote-question")
            assert tablet.text("#live-vote button[data-choice='abstain']") == "Không biểu quyết"
        assert console.text("#tally-agree") == "0"

        tablets[0].page.click("#live-vote button[data-choice='agree']")
        console.page.wait_for_function("() => document.getElementById('tally-agree').textContent === '1'", timeout=WAIT)
        assert console.text("#tally-cast") == "1"
        tablets[0].wait("#live-voted:not(.d-none)")
        assert tablets[0].page.is_disabled("#live-vote button[data-choice='disagree']")
        tablets[1].page.wait_for_function("() => document.getElementById('live-vote-state').textContent.includes('1/')",
                                          timeout=WAIT)

        for tablet, name in zip(tablets, ("tablet-800x1280", "tablet-1280x800")):
            tablet.check_layout(name)
        console.check_layout("console-1280x800")

        console.page.click("#console-close-vote")
        for screen in screens:
            screen.wait("#live-vote-result:not(.d-none)")
            assert screen.text("#result-agree") == "1"

        _speakers(console, tablets)
        _presentation(console, tablets)
        _refused_action(console, tablets)
        _reconnect(console, tablets[1])
        for screen in screens:
            assert screen.errors == [], screen.errors
    finally:
        for screen in screens:
            screen.context.close()


def _speakers(console: Screen, tablets: list[Screen]) -> None:
    """A leader asks to speak from the tablet; the console gives the floor; every screen shows who speaks."""
    tablets[0].page.click("#live-request-floor")
    tablets[0].wait("#live-withdraw-floor:not(.d-none)")
    console.wait("#live-queue li[data-request-id] .live-give-floor")
    name = console.text("#live-queue li[data-request-id] .live-queue-name")
    tablets[1].wait("#live-queue li[data-request-id]")
    console.page.click("#live-queue li[data-request-id] .live-give-floor")
    for screen in (console, *tablets):
        screen.wait("#live-floor.has-speaker")
        assert screen.text("#live-floor-name") == name
    assert tablets[0].page.is_hidden("#live-request-floor") and tablets[0].page.is_hidden("#live-withdraw-floor")
    console.page.click("#console-end-floor")
    tablets[1].wait("#live-floor:not(.has-speaker)")


def _reader_page(screen: Screen, page: int) -> None:
    screen.page.wait_for_function(
        "(page) => { const frame = document.getElementById('live-reader');"
        " const reader = frame && frame.contentWindow && frame.contentWindow.ecabinetReader;"
        " return !!reader && reader.currentPage() === page; }", arg=page, timeout=WAIT)


def _presentation(console: Screen, tablets: list[Screen]) -> None:
    """The console presents a material; following tablets turn its pages; one that stops following stays put
    and comes back with "Quay lại theo dõi"."""
    material = console.page.evaluate(
        "() => [...document.querySelectorAll('#console-material option')]"
        ".find((o) => Number(o.dataset.pageCount) >= 3).value")
    console.page.select_option("#console-material", material)
    console.page.fill("#console-page", "2")
    console.page.click("#console-present")
    for tablet in tablets:
        tablet.wait("#live-reader:not(.d-none)")
        _reader_page(tablet, 2)
        assert "Trang 2/" in tablet.text("#live-presented")
    tablets[0].page.uncheck("#live-follow")
    tablets[0].wait("#live-return-follow:not(.d-none)")
    console.page.click("#console-page-next")
    _reader_page(tablets[1], 3)
    tablets[0].page.wait_for_function(
        "() => document.getElementById('live-presented').textContent.includes('Trang 3/')", timeout=WAIT)
    assert tablets[0].page.evaluate("document.getElementById('live-reader').contentWindow.ecabinetReader"
                                    ".currentPage()") == 2
    tablets[0].page.click("#live-return-follow")
    _reader_page(tablets[0], 3)
    assert tablets[0].page.is_checked("#live-follow") and tablets[0].page.is_hidden("#live-return-follow")
    tablets[0].check_layout("tablet-presenting-800x1280")
    _browse_away(tablets[0])


def _browse_away(tablet: Screen) -> None:
    """Scrolling the reader to another page leaves follow mode (the presenter's next page no longer moves it)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    tablet.page.frame_locator("#live-reader").locator("#reader-pages").hover()
    for _ in range(20):  # the first moments after a jump to the presenter's page are the presenter's
        tablet.page.mouse.wheel(0, 1200)
        try:
            tablet.page.wait_for_selector("#live-follow:not(:checked)", state="attached", timeout=500)
            break
        except PlaywrightTimeout:
            continue
    assert not tablet.page.is_checked("#live-follow")
    tablet.wait("#live-return-follow:not(.d-none)")


def _refused_action(console: Screen, tablets: list[Screen]) -> None:
    """An action the server refuses (no item before the first) shows the server's message; the next one clears it."""
    first = console.page.get_attribute("#live-agenda li[data-item-id]:first-child", "data-item-id")
    console.page.click("#live-agenda li[data-item-id]:first-child .live-goto")
    for screen in (console, *tablets):
        screen.wait(f'#live-agenda li.is-current[data-item-id="{first}"]')
    console.page.click("#console-previous")
    console.wait("#live-error:not(.d-none)")
    assert console.text("#live-error")
    console.page.click("#console-next")
    console.page.wait_for_selector("#live-error", state="hidden", timeout=WAIT)
    for tablet in tablets:
        tablet.wait('#live-agenda li.is-current:nth-child(2)')


def _reconnect(console: Screen, tablet: Screen) -> None:
    """A tablet that loses the network says so, and after it comes back shows what changed meanwhile."""
    before = len(tablet.errors)
    tablet.context.set_offline(True)
    tablet.wait('#live-connection:not([data-state="connected"])')
    assert tablet.text("#live-connection-text") in ("Đang kết nối lại…", "Mất kết nối")
    console.page.click("#console-pause")
    console.wait('#live-status[data-status="paused"]')
    tablet.context.set_offline(False)
    tablet.wait('#live-connection[data-state="connected"]')
    tablet.wait('#live-status[data-status="paused"]')
    dropped = tablet.errors[before:]  # the browser reports the connection it lost; nothing else may fail
    assert all("WebSocket connection" in e or "ERR_INTERNET_DISCONNECTED" in e for e in dropped), dropped
    del tablet.errors[before:]
