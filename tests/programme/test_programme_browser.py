"""The work programme in Chromium against the real server and the demo's programme: on the 10-inch tablet upright
(800×1280) the secretariat filters the items behind, puts a coming item on a meeting's agenda and proposes to drop
another; on a landscape screen (1280×800) the programme's chair approves the move awaiting it. Nothing scrolls
sideways and no page breaks a script or the security policy.

The demo's people are looked up by role in its database (its usernames are the demo's, not the test's)."""

from __future__ import annotations

import sqlite3

import pytest

from tests.fixtures.browser import DEMO_SECRETARY, Screen

pytestmark = pytest.mark.browser

WAIT = 20_000


def _chair_username(seeded_demo) -> str:
    with sqlite3.connect(seeded_demo.database) as connection:
        return connection.execute("SELECT u.username FROM programmes p JOIN users u ON u.id = p.chair_id").fetchone()[0]


class ProgrammeScreen(Screen):
    def open(self, path: str) -> None:
        self.page.goto(self.server + path)
        self.check()

    def rows(self) -> list[dict]:
        return self.page.eval_on_selector_all(
            "#programme-items tbody tr", "rows => rows.map(r => ({id: r.id, state: r.dataset.state,"
            " behind: !!r.querySelector('.behind-badge'), title: r.querySelector('a').textContent}))")


def test_the_secretariat_on_the_upright_tablet(live_server, browser):
    screen = ProgrammeScreen(browser, live_server, DEMO_SECRETARY, 800, 1280)
    page = screen.page
    screen.open("/programme")
    everything = screen.rows()
    assert len(everything) >= 10 and any(row["behind"] for row in everything)

    page.check("#filter-behind")
    page.click("#filter-submit")
    page.wait_for_url("**behind=true**", timeout=WAIT)
    screen.check()
    behind = screen.rows()
    assert behind and all(row["behind"] for row in behind) and len(behind) < len(everything)

    coming = [row for row in everything if row["state"] == "planned" and not row["behind"]]
    screen.open(f"/programme/items/{coming[0]['id'].removeprefix('item-')}")
    page.select_option("#meeting_id", index=0)
    page.click("#agenda-submit")
    page.wait_for_selector('#item-state[data-state="on_agenda"]', timeout=WAIT)
    screen.check()
    assert page.is_visible("#item-meeting") and page.is_visible('#item-history [data-kind="put_on_agenda"]')

    screen.open(f"/programme/items/{coming[1]['id'].removeprefix('item-')}")
    page.fill("#drop-reason", "Đã lồng ghép vào báo cáo kinh tế - xã hội năm")
    page.click("#drop-submit")
    page.wait_for_selector("#pending-adjustment", timeout=WAIT)
    assert "Đã lồng ghép" in page.inner_text("#pending-adjustment")
    assert not page.is_visible("#decide-form")  # the secretariat proposes, only the chair decides
    assert screen.problems == []
    screen.context.close()


def test_the_chair_approves_a_move_on_a_landscape_screen(live_server, browser, seeded_demo):
    screen = ProgrammeScreen(browser, live_server, _chair_username(seeded_demo), 1280, 800)
    page = screen.page
    page.click("#nav-more")
    page.click("#nav-programme")
    page.wait_for_selector("#programme-items", timeout=WAIT)
    screen.check()
    page.click("#pending-adjustments a >> nth=0")
    page.wait_for_selector("#decide-form", timeout=WAIT)
    screen.check()
    page.fill("#decision-note", "Đồng ý")
    page.click("#approve")
    page.wait_for_selector('#item-history [data-kind="approved"]', timeout=WAIT)
    assert not page.is_visible("#pending-adjustment")
    assert screen.problems == []
    screen.context.close()
