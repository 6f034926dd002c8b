"""A leader's day on the 10-inch tablet (800×1280, touch) in Chromium against the real server and the demo: the home
page says what needs the chairman and the standing vice-chairman now, each item linking to its page; every leader
page offers touch-sized targets (at least 44×44 px) and never scrolls sideways; "my meetings" shows the coming weeks;
the calendar's date field reads "Xem ngày"; the reader's notes panel stays closed on the next document; the live page
names the mode and the room, and shows the presented document first; a missing required field is said in
Vietnamese."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.browser import (
    DEMO_SECRETARY,
    demo_meeting_id,
    demo_token,
    server_api,
    signed_in_page,
)

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 800, 1280
WAIT = 20_000
PENDING = ("pending-materials", "pending-notices", "pending-polls", "pending-tasks")

SMALL_TARGETS = """(min) => {
  const hidden = e => e.closest('.visually-hidden, [hidden], .skip-link') !== null
    || getComputedStyle(e).visibility === 'hidden';
  const box = e => {
    let r = e.getBoundingClientRect();
    let [left, top, right, bottom] = [r.left, r.top, r.right, r.bottom];
    if (e.type === 'checkbox' || e.type === 'radio') {  // the label is part of what a finger hits
      for (const label of e.labels || []) {
        const l = label.getBoundingClientRect();
        [left, top, right, bottom] = [Math.min(left, l.left), Math.min(top, l.top), Math.max(right, l.right),
                                      Math.max(bottom, l.bottom)];
      }
    }
    return {width: right - left, height: bottom - top};
  };
  const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
    + ' "' + (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 30) + '"';
  return [...document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1 && !hidden(e); })
    .map(e => [e, box(e)])
    .filter(([, b]) => b.width < min - 0.5 || b.height < min - 0.5)
    .map(([e, b]) => describe(e) + ' ' + Math.round(b.width) + 'x' + Math.round(b.height));
}"""


class Walk:
    """One signed-in tablet; what each visited page gets wrong is collected and asserted once at the end."""

    def __init__(self, browser, server: str, username: str):
        self.server = server
        self.context, self.page = signed_in_page(browser, server, username, WIDTH, HEIGHT)
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(f"{self.page.url}: {error}"))

    def visit(self, path: str, ready: str = "main") -> None:
        self.page.goto(self.server + path)
        self.page.wait_for_selector(ready, timeout=WAIT)
        self.check()

    def check(self) -> None:
        page = self.page
        page.wait_for_load_state()  # its stylesheets applied: a control is measured as it is shown
        name = page.url.removeprefix(self.server)
        self.problems += [f"{name}: small target {t}" for t in page.evaluate(SMALL_TARGETS, 44)]
        if page.evaluate("document.documentElement.scrollWidth") > WIDTH:
            self.problems.append(f"{name}: scrolls sideways")

    def follow(self, selector: str, url: str) -> None:
        """Taps the link and checks the page it leads to."""
        self.page.locator(selector).first.tap()
        self.page.wait_for_url(re.compile(url), timeout=WAIT)
        self.page.wait_for_selector("main", timeout=WAIT)
        self.check()


def _home_shows_what_needs_me(walk: Walk) -> None:
    page = walk.page
    page.goto(walk.server + "/")
    page.wait_for_selector("main#home #pending")
    for card in PENDING:
        assert int(page.get_attribute(f"#{card}", "data-count")) >= 1, card
        assert page.locator(f"#{card} a.pending-link").count() >= 1, card
    assert page.is_visible("#pending-meeting") and page.is_visible("#pending-live")
    assert page.is_visible("#nav-notifications") and page.is_hidden("#main-nav")  # the bell, the menu folded
    assert int(page.inner_text("#notification-count")) >= 1
    walk.check()


def _pending_pages(walk: Walk) -> None:
    """Each kind of pending item leads to its page, and from the list to the item."""
    for card, url, item in (("pending-notices", r"/notices\?status=awaiting_approval", r"^/notices/\d+$"),
                            ("pending-polls", r"/opinion-polls\?status=open", r"^/opinion-polls/\d+$"),
                            ("pending-tasks", r"/tasks\?.*derived=overdue", r"^/tasks/\d+$")):
        walk.page.goto(walk.server + "/")
        walk.follow(f"#{card} a.pending-link", url)
        hrefs = walk.page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
        items = [href for href in hrefs if re.match(item, href)]
        assert items, card
        walk.follow(f"main a[href='{items[0]}']", item.strip("^$"))


def _reader_notes_stay_closed(walk: Walk, meeting_id: int) -> None:
    """The notes opened on one document are closed on the next, which keeps the whole height for its pages."""
    page = walk.page
    page.goto(walk.server + "/")
    walk.follow("#pending-materials a.pending-link", rf"/meetings/{meeting_id}/agenda")
    readers = page.eval_on_selector_all("a[href$='/read']", "links => links.map(a => a.getAttribute('href'))")
    assert len(readers) >= 2
    walk.visit(readers[0], "#reader[data-state=ready]")
    page.tap("#reader-notes-toggle")
    page.wait_for_selector("#reader-notes", state="visible")
    walk.check()
    walk.visit(readers[1], "#reader[data-state=ready]")
    assert page.is_hidden("#reader-notes")
    assert page.evaluate("document.getElementById('reader-pages').getBoundingClientRect().height") > 900


def _my_meetings_show_the_coming_weeks(walk: Walk, meeting_id: int) -> None:
    """Next week's session is listed under "Sắp tới" while the calendar shows this week, and the period
    navigation still moves the calendar."""
    page = walk.page
    walk.visit("/meetings/mine")
    assert page.locator(f"#upcoming [data-meeting-id='{meeting_id}']").count() == 1
    assert page.locator(f"#week-grid a[href='/meetings/{meeting_id}']").count() == 0  # in a later week
    for _ in range(3):  # the demo's "this week" is the coming one when it is seeded at a weekend
        before = page.inner_text("#period-label")
        page.tap("#period-next")
        page.wait_for_function("(before) => document.getElementById('period-label').innerText !== before",
                               arg=before, timeout=WAIT)
        if page.locator(f"#week-grid a[href='/meetings/{meeting_id}']").count():
            break
    assert page.locator(f"#week-grid a[href='/meetings/{meeting_id}']").count() == 1
    walk.check()
    for view in ("month", "list"):
        walk.visit(f"/meetings/mine?view={view}")
    walk.visit("/meetings?view=month")
    assert page.inner_text("label[for=filter-date]").strip() == "Xem ngày"


def _live_page_names_the_room_and_shows_the_presentation_first(walk: Walk, meeting_id: int) -> None:
    token = demo_token(walk.server, DEMO_SECRETARY)
    materials = server_api(f"{walk.server}/api/v1/meetings/{meeting_id}/materials", token)
    materials = materials["items"] if isinstance(materials, dict) else materials
    shown = next(m for m in materials if m["confidentiality"] == "normal" and m["versions"])
    start = {"reason": "Khai mạc sớm để kiểm tra máy tính bảng"}  # the demo's meeting is on another day
    for action, args in (("start", start), ("present", {"material_id": shown["id"], "page": 1})):
        server_api(f"{walk.server}/api/v1/meetings/{meeting_id}/live/actions", token,
                   {"action": action, "args": args})
    page = walk.page
    walk.visit(f"/meetings/{meeting_id}/live", '#live-connection[data-state="connected"]')
    page.wait_for_selector("#live-reader:not(.d-none)", timeout=WAIT)
    assert page.inner_text("#live-mode").strip() == "Theo dõi phiên họp"
    assert "Phòng họp số 1" in page.inner_text("#live-place")
    assert "Phòng họp trực tuyến" not in page.inner_text("#live-subtitle")
    assert page.title().startswith("Theo dõi phiên họp")
    top = page.evaluate("(s) => document.querySelector(s).getBoundingClientRect().top", "#live-presentation")
    agenda = page.evaluate("(s) => document.querySelector(s).getBoundingClientRect().top", "#live-agenda")
    assert top < agenda and top < 600, (top, agenda)
    walk.check()


def test_a_missing_field_is_said_in_vietnamese(live_server, browser):
    """The browser's own check of a required field speaks the page's language (app.js), not English."""
    context, page = signed_in_page(browser, live_server, DEMO_SECRETARY, WIDTH, HEIGHT)
    page.goto(f"{live_server}/meetings/{demo_meeting_id(live_server)}")
    page.tap("#postpone-submit")
    assert page.evaluate("document.getElementById('postpone-reason').validationMessage") == \
        "Vui lòng nhập thông tin vào ô này."
    assert page.url.endswith(f"/meetings/{demo_meeting_id(live_server)}")  # not sent
    page.fill("#postpone-reason", "Lãnh đạo đi công tác")
    assert page.evaluate("document.getElementById('postpone-reason').validity.valid")
    context.close()


def test_a_leaders_tablet_day(live_server, browser):
    meeting_id = demo_meeting_id(live_server)
    chairman = Walk(browser, live_server, "chutich")
    deputy = Walk(browser, live_server, "pct1")
    try:
        _home_shows_what_needs_me(deputy)  # before the session starts, while it is "the next meeting"
        _home_shows_what_needs_me(chairman)
        _pending_pages(chairman)
        _reader_notes_stay_closed(chairman, meeting_id)
        _my_meetings_show_the_coming_weeks(chairman, meeting_id)
        for path in (f"/meetings/{meeting_id}", "/meetings", "/notifications", "/schedules/", "/notices"):
            chairman.visit(path)
        _live_page_names_the_room_and_shows_the_presentation_first(chairman, meeting_id)
        assert chairman.problems == [] and deputy.problems == [], "\n".join(chairman.problems + deputy.problems)
    finally:
        chairman.context.close()
        deputy.context.close()
