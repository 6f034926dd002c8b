"""Private notes in the material reader (the "Ghi chú" panel): the page through the test client, then a real Chromium
on a tablet against the real server — add a note on page 2, reload, edit, delete; another user sees none of it."""

from __future__ import annotations

import re

import pytest

from tests.fixtures import pdfs
from tests.fixtures.browser import ARTIFACTS, DEMO_SECRETARY, demo_token, sign_in_page
from tests.fixtures.materials import READER_OVERFLOW, demo_upload, html_attribute, upload_pdf
from tests.fixtures.web import signed_in

# --- the page through the test client ------------------------------------------------------------------


def test_the_reader_has_a_notes_panel_in_vietnamese(app, client, meeting, secretary):
    material = upload_pdf(client, secretary, meeting["id"], pages=4)
    page = signed_in(app.test_client(), "chuyenvien")
    html = page.get(f"/materials/{material['id']}/read?page=3").get_data(as_text=True)
    assert 'id="reader-notes-toggle"' in html and 'aria-controls="reader-notes"' in html
    assert re.search(r'<aside class="reader-notes" id="reader-notes" hidden', html)
    for label in ("Ghi chú", "Ghi chú riêng", "Hiện hoặc ẩn ghi chú riêng của bạn", "Chỉ bạn xem được các ghi chú này.",
                  "Trang này", "Tất cả ghi chú", "Ghi chú trang 3", "Thêm ghi chú cho trang 3", "Lưu ghi chú",
                  "Trang này chưa có ghi chú.", "Bạn chưa có ghi chú nào trên tài liệu này.", "Đóng ghi chú",
                  "Đang tải ghi chú…"):
        assert label in html, label
    for english in ("Private notes", "Save the note", "All notes", "This page", "Only you can see",
                    "Written on version", "Delete this note"):
        assert english not in html, english
    assert html_attribute(html, "data-list-url") == f"/api/v1/materials/{material['id']}/notes"
    assert html_attribute(html, "data-note-url") == "/api/v1/notes/{id}"
    token = html_attribute(html, "data-csrf-token")
    assert len(token) > 20
    assert html_attribute(html, "data-label-page-notes") == "Ghi chú trang {page}"
    assert html_attribute(html, "data-label-add") == "Thêm ghi chú cho trang {page}"
    assert html_attribute(html, "data-label-older-version") == "Ghi trên phiên bản {version}"
    assert html_attribute(html, "data-label-count") == "{count} ghi chú"
    assert html_attribute(html, "data-label-edit") == "Sửa" and html_attribute(html, "data-label-delete") == "Xóa"
    assert html_attribute(html, "data-label-save") == "Lưu" and html_attribute(html, "data-label-cancel") == "Hủy"
    assert html_attribute(html, "data-label-confirm-delete") == "Xóa ghi chú này?"
    assert html_attribute(html, "data-label-offline").startswith("Không kết nối được máy chủ.")
    assert '<script type="module" src="/static/js/reader-notes.js' in html

    # the token in the page is the one the API takes from this session's cookie
    created = page.post(f"/api/v1/materials/{material['id']}/notes", json={"page": 2, "text": "Hỏi lại số liệu"},
                        headers={"X-CSRFToken": token})
    assert created.status_code == 201, created.get_json()
    assert page.post(f"/api/v1/materials/{material['id']}/notes",
                     json={"page": 2, "text": "Không có mã"}).status_code == 400  # no token: refused


def test_a_paper_only_material_has_no_notes_panel(app, client, meeting, secretary):
    response = client.post(f"/api/v1/meetings/{meeting['id']}/paper-materials", headers=secretary,
                           json={"title": "Bản đồ quy hoạch khổ A0"})
    assert response.status_code == 201, response.get_json()
    reader = signed_in(app.test_client(), "chuyenvien")
    html = reader.get(f"/materials/{response.get_json()['id']}/read").get_data(as_text=True)
    assert "Phát bản giấy tại cuộc họp" in html
    assert "reader-notes" not in html and "Ghi chú riêng" not in html


# --- a real Chromium on a tablet -----------------------------------------------------------------------

OTHER_SECRETARY = "chuyenvien2"  # another secretary: may read the material, must not see the first one's notes


def _tablet(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True,
                                  device_scale_factor=1.5)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return context, page, problems


def _open(page, base: str, material_id: int, query: str = "") -> None:
    page.goto(f"{base}/materials/{material_id}/read{query}")
    page.wait_for_selector("#reader[data-state=ready]", timeout=20_000)
    page.wait_for_selector("#reader-notes[data-state=ready]", state="attached")


def _api_notes(page, base: str, material_id: int) -> list[dict]:
    response = page.request.get(f"{base}/api/v1/materials/{material_id}/notes")
    assert response.ok, response.text()
    return response.json()


NOTES_OVERFLOW = """() => {
  const panel = document.querySelector('#reader-notes');
  const scroller = panel.querySelector('.reader-notes-scroll');
  return {panel: panel.scrollWidth - panel.clientWidth, list: scroller.scrollWidth - scroller.clientWidth,
          right: Math.round(panel.getBoundingClientRect().right - document.documentElement.clientWidth)};
}"""

SMALL_TARGETS = """() => [...document.querySelectorAll(
    '#reader-notes-toggle, #reader-notes button, #reader-notes textarea')]
  .filter(el => el.offsetParent !== null)
  .map(el => [el.id || el.dataset.action || el.className, Math.round(el.getBoundingClientRect().height)])
  .filter(([, height]) => height < 48)"""


def _no_overflow(page) -> None:
    assert page.evaluate(READER_OVERFLOW) == {"page": 0, "toolbar": 0, "header": 0}
    notes = page.evaluate(NOTES_OVERFLOW)
    assert notes["panel"] <= 0 and notes["list"] <= 0 and notes["right"] <= 0, notes
    assert page.evaluate(SMALL_TARGETS) == []


@pytest.mark.browser
def test_a_tablet_writes_edits_and_deletes_a_private_note(live_server, browser):
    material = demo_upload(live_server, browser, "Tờ trình phân bổ vốn đầu tư công năm 2027",
                            pdfs.text_pdf(4, seed=77))
    mid = material["id"]
    long_text = "Đề nghị Sở Kế hoạch và Đầu tư làm rõ cơ sở phân bổ 1.250 tỷ đồng cho các dự án chuyển tiếp; " * 4
    context, page, problems = _tablet(browser, 800, 1280)
    sign_in_page(page, live_server, DEMO_SECRETARY)
    _open(page, live_server, mid)

    assert page.is_hidden("#reader-notes") and page.is_hidden("#reader-notes-count")
    assert page.get_attribute("#reader-notes-toggle", "aria-pressed") == "false"
    assert page.text_content("#reader-notes-label").strip() == "Ghi chú"  # shown in landscape, read out in portrait
    assert page.evaluate("document.querySelector('.reader-toolbar').getBoundingClientRect().height") < 70  # one row
    page.tap("#reader-notes-toggle")
    page.wait_for_selector("#reader-notes", state="visible")
    assert page.get_attribute("#reader-notes-toggle", "aria-pressed") == "true"
    assert page.inner_text("#reader-notes-page-title") == "Ghi chú trang 1"
    assert page.is_visible("#reader-notes-page-empty") and page.is_hidden("#reader-notes-loading")
    assert page.is_disabled("#reader-notes-save")  # nothing written yet

    page.tap("#reader-next")  # the panel follows the reader
    page.wait_for_function("() => window.ecabinetReader.currentPage() === 2")
    page.wait_for_function("() => document.querySelector('#reader-notes-page-title').textContent === 'Ghi chú trang 2'")
    assert page.inner_text("#reader-notes-add-label").strip() == "Thêm ghi chú cho trang 2"
    page.fill("#reader-notes-text", long_text)
    page.tap("#reader-notes-save")
    page.wait_for_selector("#reader-notes-page-list .reader-note")
    assert page.input_value("#reader-notes-text") == ""
    assert page.inner_text("#reader-notes-page-list .reader-note-text") == long_text.strip()
    assert page.inner_text("#reader-notes-count") == "1" and page.is_visible("#reader-notes-count")
    assert page.locator("#reader-notes-page-list .reader-note-version").count() == 0  # the current version
    [saved] = _api_notes(page, live_server, mid)
    assert saved["page"] == 2 and saved["text"] == long_text.strip() and saved["written_on_version"] == 1
    page.wait_for_selector("#thumb-2.has-notes")
    _no_overflow(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reader-notes-800x1280.png"))

    page.tap("#reader-prev")  # page 1 has none; all the notes, by page, lead back to page 2
    page.wait_for_function("() => document.querySelector('#reader-notes-page-title').textContent === 'Ghi chú trang 1'")
    assert page.locator("#reader-notes-page-list .reader-note").count() == 0
    page.tap("#reader-notes-view-all")
    page.wait_for_selector("#reader-notes-all", state="visible")
    assert " ".join(page.inner_text("#reader-notes-view-all").split()) == "Tất cả ghi chú (1)"
    group = page.locator("#reader-notes-groups .reader-notes-go")
    assert group.count() == 1 and group.get_attribute("data-go-to") == "2"
    assert group.get_attribute("aria-label") == "Đến trang 2"
    assert "Trang 2" in group.inner_text()
    group.tap()
    page.wait_for_function("() => window.ecabinetReader.currentPage() === 2")
    page.wait_for_selector("#reader-notes-page", state="visible")
    assert page.locator("#reader-notes-page-list .reader-note").count() == 1

    page.wait_for_function("() => new URL(location.href).searchParams.get('page') === '2'")  # remembered after 300 ms
    page.reload()  # the note is on the server, the panel stays open
    page.wait_for_selector("#reader[data-state=ready]", timeout=20_000)
    page.wait_for_selector("#reader-notes-page-list .reader-note")
    assert page.evaluate("window.ecabinetReader.currentPage()") == 2
    assert page.is_visible("#reader-notes") and page.inner_text("#reader-notes-count") == "1"
    assert page.inner_text("#reader-notes-page-list .reader-note-text") == long_text.strip()

    note = f"#reader-note-{saved['id']}"
    page.tap(f"{note} [data-action=edit]")
    page.wait_for_selector(f"#reader-note-edit-{saved['id']}")
    page.tap(f"{note} [data-action=cancel-edit]")  # cancelled: nothing changes
    page.wait_for_selector(f"{note} .reader-note-text")
    page.tap(f"{note} [data-action=edit]")
    page.fill(f"#reader-note-edit-{saved['id']}", "  Hỏi lại tổng mức đầu tư dự án đường ven biển  ")
    page.tap(f"{note} [data-action=save]")
    page.wait_for_function(f"""() => document.querySelector('{note} .reader-note-text')?.textContent
                                    === 'Hỏi lại tổng mức đầu tư dự án đường ven biển'""")
    assert [n["text"] for n in _api_notes(page, live_server, mid)] == ["Hỏi lại tổng mức đầu tư dự án đường ven biển"]

    # another user reads the same material and sees none of it
    other_context, other, other_problems = _tablet(browser, 1280, 800)
    sign_in_page(other, live_server, OTHER_SECRETARY)
    _open(other, live_server, mid, "?page=2")
    other.tap("#reader-notes-toggle")
    other.wait_for_selector("#reader-notes-page-empty", state="visible")
    assert other.is_hidden("#reader-notes-count") and other.locator(".reader-note").count() == 0
    assert "Hỏi lại" not in other.inner_text("#reader-notes")
    assert _api_notes(other, live_server, mid) == []
    assert other.request.get(f"{live_server}/api/v1/notes/{saved['id']}").status == 404
    assert not other_problems, other_problems
    other_context.close()

    # a new version: the note stays and says on which version it was written
    api = browser.new_context().request
    headers = {"Authorization": f"Bearer {demo_token(live_server)}"}
    replaced = api.post(f"{live_server}/api/v1/materials/{mid}/versions", headers=headers, multipart={
        "file": {"name": "to-trinh-v2.pdf", "mimeType": "application/pdf", "buffer": pdfs.text_pdf(4, seed=78)}})
    assert replaced.status == 201, replaced.text()
    page.reload()
    page.wait_for_selector("#reader[data-state=ready]", timeout=20_000)
    page.wait_for_selector(f"{note} .reader-note-version")
    assert page.inner_text(f"{note} .reader-note-version").strip() == "Ghi trên phiên bản 1"
    page.tap("#reader-notes-view-all")
    assert page.inner_text("#reader-notes-groups .reader-note-version").strip() == "Ghi trên phiên bản 1"
    page.tap("#reader-notes-view-page")

    page.set_viewport_size({"width": 1280, "height": 800})  # landscape: the panel beside the pages
    page.wait_for_function("""() => Math.abs(document.querySelector('#page-2').getBoundingClientRect().width
                                 - document.querySelector('#reader-pages').clientWidth) < 40""")
    box = page.evaluate("""() => [document.querySelector('#reader-notes').getBoundingClientRect(),
                                  document.querySelector('#reader-pages').getBoundingClientRect()]
                                 .map(r => ({left: r.left, right: r.right}))""")
    assert box[0]["left"] >= box[1]["right"] - 1, box  # to the right of the pages
    _no_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "reader-notes-1280x800.png"))

    page.tap(f"{note} [data-action=delete]")  # deleting asks first, in place
    page.wait_for_selector(f"{note} .reader-note-confirm")
    assert page.inner_text(f"{note} .reader-note-confirm") == "Xóa ghi chú này?"
    page.tap(f"{note} [data-action=cancel-delete]")
    page.wait_for_selector(f"{note} [data-action=delete]")
    page.tap(f"{note} [data-action=delete]")
    page.tap(f"{note} [data-action=confirm-delete]")
    page.wait_for_selector(note, state="detached")
    assert page.is_visible("#reader-notes-page-empty") and page.is_hidden("#reader-notes-count")
    assert _api_notes(page, live_server, mid) == []
    page.reload()
    page.wait_for_selector("#reader[data-state=ready]", timeout=20_000)
    page.wait_for_selector("#reader-notes[data-state=ready]", state="attached")
    assert page.locator(".reader-note").count() == 0 and page.is_hidden("#reader-notes-count")
    page.tap("#reader-notes-close")
    page.wait_for_selector("#reader-notes", state="hidden")
    assert not problems, problems
    context.close()


@pytest.mark.browser
def test_an_error_from_the_server_is_shown_in_vietnamese(live_server, browser):
    """A note deleted in another tab: editing it answers 404, said with the server's own Vietnamese message."""
    material = demo_upload(live_server, browser, "Báo cáo kết quả giải ngân vốn đầu tư công",
                            pdfs.text_pdf(3, seed=79))
    context, page, problems = _tablet(browser, 800, 1280)
    sign_in_page(page, live_server, DEMO_SECRETARY)
    page.evaluate(f"() => localStorage.setItem('ecabinet.reader.notes:/materials/{material['id']}/read', 'shown')")
    _open(page, live_server, material["id"], "?page=3")
    assert page.is_visible("#reader-notes")
    page.fill("#reader-notes-text", "Ghi chú sẽ bị xóa ở thẻ khác")
    page.tap("#reader-notes-save")
    page.wait_for_selector("#reader-notes-page-list .reader-note")
    [note] = _api_notes(page, live_server, material["id"])
    assert note["page"] == 3
    token = page.get_attribute("#reader-notes", "data-csrf-token")
    deleted = page.request.delete(f"{live_server}/api/v1/notes/{note['id']}", headers={"X-CSRFToken": token})
    assert deleted.status == 204, deleted.text()

    page.tap(f"#reader-note-{note['id']} [data-action=edit]")
    page.fill(f"#reader-note-edit-{note['id']}", "Sửa lại")
    page.tap(f"#reader-note-{note['id']} [data-action=save]")
    page.wait_for_selector("#reader-notes-error", state="visible")
    assert page.inner_text("#reader-notes-error").strip() == "Không tìm thấy."
    assert page.locator(f"#reader-note-edit-{note['id']}").count() == 1  # what was typed is kept
    # the browser logs the 404 response itself; nothing else went wrong
    assert all("404" in problem for problem in problems), problems

    page.route("**/api/v1/materials/*/notes", lambda route: route.abort())  # the network is down
    page.tap(f"#reader-note-{note['id']} [data-action=cancel-edit]")
    page.fill("#reader-notes-text", "Không gửi được")
    page.tap("#reader-notes-save")
    page.wait_for_function("""() => document.querySelector('#reader-notes-error').textContent
                                    .startsWith('Không kết nối được máy chủ.')""")
    assert page.input_value("#reader-notes-text") == "Không gửi được"  # kept, to try again
    context.close()
