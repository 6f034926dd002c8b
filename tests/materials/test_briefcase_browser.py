"""The offline briefcase in a real Chromium on a 10-inch tablet against the real server: a leader reads a coming
meeting's material with no network and writes a note that reaches the server when the network is back; the
browser stopping the idle service worker loses nothing while a page is open, and with every page closed the
briefcase stays locked; what the browser keeps is encrypted; signing out, an administrator's revoking the device
and the meeting's closing long enough ago each leave nothing of the meeting in the browser."""

from __future__ import annotations

import base64
import re
import sqlite3
import unicodedata
from datetime import timedelta

import pytest

from ecabinet.core.clock import utcnow
from tests.fixtures import pdfs
from tests.fixtures.browser import (DEMO_PASSWORD, demo_meeting_id, demo_token, serve, server_api, sign_in_page)
from tests.fixtures.materials import demo_upload

LEADER = "chutich"  # chairs the demo's regular session
TITLE = "Tờ trình điều chỉnh quy hoạch khu kinh tế Dung Quất"
PAGES = 5
SECOND_TITLE = "Báo cáo tình hình thực hiện kế hoạch đầu tư công"
SECOND_PAGES = 3
SECOND_SEED = 17


@pytest.fixture(scope="module")
def site_server(seeded_demo, tmp_path_factory):
    """The real server on a copy of the demo whose database the test edits (the meeting's closing)."""
    workdir = tmp_path_factory.mktemp("briefcase")
    site = seeded_demo.copy_to(workdir)
    for url in serve(site, workdir):
        yield site, url


HELD = """async () => {
  const names = await caches.keys();
  const cached = [];
  for (const name of names) {
    for (const request of await (await caches.open(name)).keys()) cached.push(new URL(request.url).pathname);
  }
  const databases = (await indexedDB.databases()).map((d) => d.name);
  const records = [];
  if (databases.includes('ecabinet-briefcase')) {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('ecabinet-briefcase');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    if (db.objectStoreNames.contains('records')) {
      const all = await new Promise((resolve) => {
        const request = db.transaction('records').objectStore('records').getAll();
        request.onsuccess = () => resolve(request.result);
      });
      const raw = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));
      for (const record of all) records.push({id: String(record.id), data: raw(record.data),
                                               clear: JSON.stringify(record, (k, v) => k === 'data' ? undefined : v)});
    }
    db.close();
  }
  return {cached, databases, records};
}"""


def _fold(text: str) -> str:
    """What the reader's search compares: lower case, no diacritics, đ as d."""
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return plain.replace("đ", "d").replace("Đ", "D").lower()


def _searched_word() -> tuple[str, int]:
    """A word with diacritics of the second material that its first page lacks, and the first page that has it."""
    pages = pdfs.page_texts(SECOND_PAGES, seed=SECOND_SEED)
    texts = [_fold(text) for text in pages]
    for text in pages[1:]:
        for word in re.findall(r"\w{6,}", text):
            if _fold(word) != word.lower() and _fold(word) not in texts[0]:
                return word, next(n for n, t in enumerate(texts, start=1) if _fold(word) in t)
    raise AssertionError("no word to search")


def _search(page, query: str, expected_page: int) -> None:
    """Search from the first page: the first match is on ``expected_page``, shown and highlighted."""
    page.evaluate("() => window.ecabinetReader.goTo(1)")
    page.tap("#reader-search-toggle")
    page.fill("#reader-search-text", query)
    page.tap("#reader-search-next")
    page.wait_for_selector(f"#page-{expected_page} .reader-search-hit")
    assert re.fullmatch(r"1/\d+", page.inner_text("#reader-search-count").strip())
    assert page.evaluate("() => window.ecabinetReader.currentPage()") == expected_page
    page.tap("#reader-search-toggle")  # closed: the highlight goes
    page.wait_for_selector(".reader-search-hit", state="detached")


def _stop_service_worker(context, page, page_holds_key: bool = True) -> None:
    """What the browser does to an idle worker, once the open page holds the key (as a page open for a while does);
    returns once DevTools reports it stopped."""
    if page_holds_key:
        page.wait_for_selector("#briefcase[data-key=held]", state="attached", timeout=20_000)
    cdp = context.new_cdp_session(page)
    stopped: set[str] = set()  # the versions seen stopped (a page's message may start one again at once)
    cdp.on("ServiceWorker.workerVersionUpdated", lambda event: stopped.update(
        v["versionId"] for v in event["versions"] if v["runningStatus"] == "stopped"))
    cdp.send("ServiceWorker.enable")
    cdp.send("ServiceWorker.stopAllWorkers")
    for _ in range(600):  # each round trip to the page delivers DevTools' pending events
        if stopped:
            break
        page.evaluate("() => new Promise(requestAnimationFrame)")
    cdp.detach()
    assert stopped, "DevTools never reported the service worker stopped"


def _held(page) -> dict:
    return page.evaluate(HELD)


def _of_meeting(held: dict, meeting_id: int, material_id: int) -> list[str]:
    """What the browser keeps that names the meeting or its material."""
    ids = [r["id"] for r in held["records"] if r["id"].startswith((f"f:{meeting_id}:", f"p:{material_id}",
                                                                  f"n:{material_id}"))]
    return ids + [url for url in held["cached"] if not url.startswith("/static/") and url != "/offline"]


def _wait_ready(page, base: str, meeting_id: int) -> None:
    page.goto(f"{base}/meetings/{meeting_id}")
    page.wait_for_selector(f'[data-briefcase-meeting="{meeting_id}"][data-state=ready]', timeout=30_000)
    page.wait_for_selector("#briefcase[data-state=synced]", state="attached", timeout=30_000)


def _sign_in(page, base: str) -> None:
    sign_in_page(page, base, LEADER, DEMO_PASSWORD)


def _close_long_ago(site, meeting_id: int) -> None:
    """The meeting was held three days ago and closed: past the 24 hours a briefcase keeps it."""
    held = utcnow() - timedelta(days=3)  # the server's clock: the suite moves it
    with sqlite3.connect(site.database) as connection:
        connection.execute("UPDATE meetings SET status = 'closed', starts_at = ?, ends_at = ? WHERE id = ?",
                           (held.strftime("%Y-%m-%d %H:%M:%S.%f"),
                            (held + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S.%f"), meeting_id))


@pytest.mark.browser
def test_a_leader_reads_offline_and_the_briefcase_is_wiped(site_server, browser):
    site, base = site_server
    meeting_id = demo_meeting_id(base)
    material = demo_upload(base, browser, TITLE, pdfs.text_pdf(PAGES, seed=16))
    second_id = demo_upload(base, browser, SECOND_TITLE, pdfs.text_pdf(SECOND_PAGES, seed=SECOND_SEED))["id"]
    server_api(f"{base}/api/v1/meetings/{meeting_id}/publications", demo_token(base), {"note": ""})
    material_id = material["id"]
    leader_token = demo_token(base, LEADER)

    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    _sign_in(page, base)
    _wait_ready(page, base, meeting_id)
    assert page.inner_text(f'[data-briefcase-meeting="{meeting_id}"]').strip() == "Sẵn sàng ngoại tuyến"
    session_key = page.evaluate("async () => (await (await fetch('/api/v1/briefcase/key')).json()).key")
    stored = page.evaluate("() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
    assert session_key not in stored  # the key is in the pages' and the worker's memory only
    page.goto(f"{base}/")  # the leader's home marks the meeting too
    page.wait_for_selector(f'#pending [data-briefcase-meeting="{meeting_id}"][data-state=ready]', timeout=30_000)
    page.goto(f"{base}/materials/{material_id}/read")
    page.wait_for_selector("#reader[data-state=ready]", timeout=20_000)
    page.wait_for_selector("#reader-notes[data-state=ready]", state="attached")

    # no network: the reader page, the file and the notes come from the briefcase
    context.set_offline(True)
    held_page = page.reload()
    assert "script-src 'self'" in held_page.headers["content-security-policy"]  # the server's policy, kept
    page.wait_for_selector("#reader[data-state=ready]", timeout=20_000)
    page.wait_for_selector("#offline-badge", state="visible")
    assert page.evaluate("() => window.ecabinetReader.pageCount()") == PAGES
    for number in range(1, PAGES + 1):
        page.evaluate("(n) => window.ecabinetReader.goTo(n)", number)
        page.wait_for_selector(f"#page-{number}.is-drawn", timeout=10_000)
    page.evaluate("() => window.ecabinetReader.goTo(2)")
    page.tap("#reader-notes-toggle")
    page.wait_for_selector("#reader-notes", state="visible")
    page.fill("#reader-notes-text", "Ghi chú khi mất mạng")
    page.tap("#reader-notes-save")
    page.wait_for_selector("#reader-notes-page-list .reader-note")

    # a stolen copy of the storage: no PDF, no title, not even in the record's clear fields
    held = _held(page)
    assert any(r["id"] == f"f:{meeting_id}:{material_id}" for r in held["records"])
    for record in held["records"]:
        data = base64.b64decode(record["data"])
        assert b"%PDF" not in data and TITLE.encode() not in data and "Ghi chú khi mất mạng".encode() not in data
        assert TITLE not in record["clear"] and "%PDF" not in record["clear"] and session_key not in record["clear"]

    # the browser stops the idle worker: the open page gives it the key again; another material opens, every page
    # renders, and the search finds a word with or without its diacritics
    _stop_service_worker(context, page)
    page.goto(f"{base}/materials/{second_id}/read")
    page.wait_for_selector("#reader[data-state=ready]", timeout=20_000)
    for number in range(1, SECOND_PAGES + 1):
        page.evaluate("(n) => window.ecabinetReader.goTo(n)", number)
        page.wait_for_selector(f"#page-{number}.is-drawn", timeout=10_000)
    word, found_on = _searched_word()
    for query in (word, _fold(word).upper()):
        _search(page, query, found_on)

    # a page the briefcase does not hold: the offline page, linking to the materials it holds
    _stop_service_worker(context, page)
    page.goto(f"{base}/meetings/{meeting_id}")
    page.wait_for_selector("#offline-held", state="visible")
    assert "Không có kết nối mạng" in page.inner_text("#offline-title")
    page.tap(f'a.offline-material[href="/materials/{material_id}/read"]')
    page.wait_for_selector("#reader[data-state=ready]", timeout=20_000)

    # every page closed and the worker stopped (the browser closed): the briefcase stays locked until the network
    page.close()
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(str(error)))
    _stop_service_worker(context, page, page_holds_key=False)
    page.goto(f"{base}/materials/{material_id}/read")
    page.wait_for_selector("#offline-locked", state="visible")
    assert "Cần kết nối mạng một lần" in page.inner_text("#offline-locked")

    # back online: the note reaches the server
    context.set_offline(False)
    _wait_ready(page, base, meeting_id)  # the queued note is sent first
    notes = server_api(f"{base}/api/v1/materials/{material_id}/notes", leader_token)
    assert [(n["page"], n["text"]) for n in notes] == [(2, "Ghi chú khi mất mạng")]

    # signing out wipes everything
    page.goto(f"{base}/")
    page.tap(".navbar-toggler")  # the tablet's menu is folded
    page.wait_for_selector("#main-nav.show")
    page.tap("#user-menu")
    page.tap("#logout-submit")
    page.wait_for_url(f"{base}/login")
    page.wait_for_selector("#briefcase[data-state=wiped]", state="attached")
    held = _held(page)
    assert held["records"] == [] and held["cached"] == [], held

    # an administrator revokes the device: at its next connection it is signed out and wiped
    _sign_in(page, base)
    _wait_ready(page, base, meeting_id)
    assert _of_meeting(_held(page), meeting_id, material_id)
    admin_context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    admin = admin_context.new_page()
    sign_in_page(admin, base, "admin")
    leader_id = server_api(f"{base}/api/v1/me", leader_token)["id"]
    admin.goto(f"{base}/admin/users/{leader_id}/devices")
    device = page.evaluate("() => localStorage.getItem('ecabinet-briefcase-device')")
    admin.tap(f'tr[data-device-id="{device}"] .device-revoke')
    admin.wait_for_selector(f'tr[data-device-id="{device}"] .badge')
    assert admin.locator("#devices-table tbody tr").count() == 1  # signing in again is the same device
    admin_context.close()
    page.goto(f"{base}/meetings/{meeting_id}")
    page.wait_for_selector("#briefcase[data-state=wiped]", state="attached", timeout=15_000)
    assert "/login" in page.url
    assert _of_meeting(_held(page), meeting_id, material_id) == []

    # the meeting closed three days ago: the next sync deletes what the tablet kept of it
    _sign_in(page, base)
    _wait_ready(page, base, meeting_id)
    assert _of_meeting(_held(page), meeting_id, material_id)
    _close_long_ago(site, meeting_id)
    page.goto(f"{base}/meetings/{meeting_id}")  # the meetings' pages always sync, others every few minutes
    page.wait_for_selector("#briefcase[data-state=synced]", state="attached", timeout=30_000)
    assert _of_meeting(_held(page), meeting_id, material_id) == []
    assert problems == []
    context.close()
