"""Every task page laid out in a real Chromium on the leaders' and liaisons' 10-inch tablet (800×1280, touch) and
on the Office's 1280×800 laptop, as the person who uses it: no sideways scrolling, nothing sticking out of the
viewport except tables that scroll on purpose, the heading and the primary action in sight, touch-sized buttons.

The data is the demo (``flask seed-demo``, which issues a notice whose directives became tasks) plus, through the
API, a task with a progress report and its file, a comment and a pending extension request, and a task split per
agency. A full-page screenshot of each page lands in ``test-artifacts/tasks/``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import openpyxl
import pytest
import requests

from tests.fixtures.browser import ARTIFACTS, DEMO_PASSWORD, signed_in_page
from tests.fixtures.tasks import HEADERS, PDF

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "tasks"
TOUCH_MIN_PX = 40
LONG_FILENAME = "bao-cao-ket-qua-ra-soat-danh-muc-du-an-cham-giai-ngan-von-dau-tu-cong-nam-2026-lan-thu-hai.pdf"

MAX_CELL_LINES = 10
"""A table cell taller than this many lines of its text is a column squeezed to a word or two per line."""

LAYOUT_PROBLEMS = """(maxLines) => {
  const width = window.innerWidth;
  const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  const sticking = [...document.querySelectorAll('body *')]
    .filter(e => !e.closest('.table-responsive') && shown(e) && e.getBoundingClientRect().right > width + 1)
    .map(e => describe(e) + ' right=' + Math.round(e.getBoundingClientRect().right));
  const lines = e => {
    const style = getComputedStyle(e);
    const line = parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize);
    return (e.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)) / line;
  };
  const cramped = [...document.querySelectorAll('td, th')].filter(e => shown(e) && lines(e) > maxLines)
    .map(e => describe(e) + ' ' + Math.round(lines(e)) + ' lines: ' + e.innerText.slice(0, 40));
  const pen = document.createElement('canvas').getContext('2d');
  const cut = [...document.querySelectorAll('select:not([multiple])')].filter(shown).filter(select => {
    const style = getComputedStyle(select);
    pen.font = style.font;
    const text = select.selectedIndex >= 0 ? select.options[select.selectedIndex].text : '';
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return pen.measureText(text).width > room + 1;
  }).map(select => describe(select) + ': ' + select.options[select.selectedIndex].text);
  return {scrollWidth: document.documentElement.scrollWidth, sticking: sticking.slice(0, 10),
          cramped: cramped.slice(0, 10), cut};
}"""


@dataclass(frozen=True)
class Seeded:
    """Ids of what the test adds to the demo."""

    reported: int
    """In progress, led by Sở Tài chính: a report with a file, a comment, a pending extension request."""
    split: int
    """Split into parts for Sở Tài chính and the ward Cẩm Thành."""


class Api:
    """The JSON API of the live server as one user."""

    def __init__(self, server: str, username: str):
        self.base = server + "/api/v1"
        token = requests.post(self.base + "/auth/token", json={"username": username, "password": DEMO_PASSWORD},
                              timeout=30)
        token.raise_for_status()
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def call(self, method: str, path: str, **kwargs) -> dict:
        response = self.session.request(method, self.base + path, timeout=30, **kwargs)
        assert response.status_code < 300, (path, response.status_code, response.text)
        return response.json()


@pytest.fixture(scope="module")
def seeded(live_server) -> Seeded:
    office, liaison, leader = (Api(live_server, name) for name in ("chuyenvien1", "sotc", "pct1"))
    units = {u["code"]: u["id"] for u in office.call("GET", "/units")}
    reported = office.call("POST", "/tasks", json={
        "content": "Chủ trì, phối hợp với Sở Xây dựng, Ủy ban nhân dân xã Bình Sơn rà soát toàn bộ hồ sơ "
                   "thanh toán vốn đầu tư công còn tồn đọng; báo cáo Ủy ban nhân dân tỉnh kết quả xử lý, những "
                   "khó khăn, vướng mắc và đề xuất giải pháp tháo gỡ trước ngày 15/12/2026.",
        "lead_unit_id": units["sotc"], "coordinating_unit_ids": [units["soxd"], units["xbinhson"]],
        "source": "government", "source_reference": "Công văn số 1234/VPCP-KTTH ngày 02/11/2026 của Văn phòng "
                                                    "Chính phủ", "deadline_on": "2026-12-15",
        "assigned_by_id": leader.call("GET", "/me")["id"], "priority": "urgent"})
    started = liaison.call("POST", f"/tasks/{reported['id']}/start", json={"version": reported["version"]})
    liaison.call("POST", f"/tasks/{reported['id']}/reports", data={
        "text": "Đã rà soát 42/57 hồ sơ; còn 15 hồ sơ chờ chủ đầu tư bổ sung chứng từ.\nDự kiến hoàn thành "
                "trong tháng 12.", "percent": "70", "version": str(started["version"])},
        files=[("files", (LONG_FILENAME, PDF, "application/pdf"))])
    liaison.call("POST", f"/tasks/{reported['id']}/comments", json={
        "text": "Đề nghị Văn phòng đôn đốc Thuế tỉnh cung cấp số liệu đối chiếu trước ngày 05/12."})
    liaison.call("POST", f"/tasks/{reported['id']}/extensions", json={
        "new_deadline": "2026-12-31", "reason": "Chờ các chủ đầu tư bổ sung chứng từ thanh toán còn thiếu."})
    split = office.call("POST", "/tasks", json={
        "content": "Tổng hợp, báo cáo tình hình thực hiện các chỉ tiêu kinh tế - xã hội năm 2026 thuộc lĩnh vực "
                   "ngành phụ trách.", "lead_unit_id": units["sotc"], "deadline_on": "2026-12-20",
        "source": "programme", "source_reference": "Chương trình công tác năm 2026"})
    office.call("POST", f"/tasks/{split['id']}/split",
                json={"version": split["version"], "unit_ids": [units["sotc"], units["pcamthanh"]]})
    return Seeded(reported=reported["id"], split=split["id"])


def import_sheet(path) -> str:
    """A sheet of three rows, two with errors: an unknown agency and a bad date; no content and an unknown source."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(["Xây dựng kế hoạch thu ngân sách năm 2027", "Chương trình công tác",
                  "Chương trình công tác năm 2027", "", "sotc", "soxd;xbinhson", "", "15/12/2026", "Bình thường"])
    sheet.append(["Rà soát thủ tục hành chính lĩnh vực y tế", "Nhập trực tiếp", "", "", "sokhongco", "",
                  "", "31/02/2027", "Bình thường"])
    sheet.append(["", "Văn phòng nhập", "", "", "soyt", "", "", "", "Khẩn"])
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return str(path)


def check_layout(page, name: str, heading: str, primary: str, touch: bool, problems: list[str]) -> None:
    """Record what is wrong with the page on screen now, and save its screenshot."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}x{height}.png"), full_page=True)
    where = f"{name} at {width}x{height}"
    found = page.evaluate(LAYOUT_PROBLEMS, MAX_CELL_LINES)
    if found["scrollWidth"] > width:
        problems.append(f"{where}: scrolls sideways ({found['scrollWidth']} px)")
    for kind, what in (("sticking", "past the viewport"), ("cramped", "squeezed table cells"),
                       ("cut", "choice cut short")):
        if found[kind]:
            problems.append(f"{where}: {what}: {found[kind]}")
    for selector in (heading, primary):
        if not page.locator(selector).first.is_visible():
            problems.append(f"{where}: {selector} not visible")
    if touch:
        toolbar = page.locator(f".page-header .btn, {primary}")
        for index in range(toolbar.count()):
            box = toolbar.nth(index).bounding_box()
            if box and box["height"] < TOUCH_MIN_PX:
                problems.append(f"{where}: {toolbar.nth(index).inner_text().strip()!r} is {box['height']:.0f} px tall")


def filters_open(form_id: str, charts: bool = False):
    """Open the folded filter form (a tablet's) and, on the statistics page, wait for both charts."""
    def ready(page) -> None:
        toggle = page.locator(f"#{form_id}-toggle")
        if toggle.is_visible():
            if not page.locator(f"#{form_id}").is_visible():
                toggle.click()
            page.wait_for_selector(f"#{form_id}.show:not(.collapsing)")
            assert toggle.get_attribute("aria-expanded") == "true"
        else:
            assert page.locator(f"#{form_id}").is_visible()
        if charts:
            page.wait_for_selector('#chart-derived[data-ready="true"]')
            page.wait_for_selector('#chart-groups[data-ready="true"]')
    return ready


@pytest.mark.parametrize("width, height", [(800, 1280), (1280, 800)])
def test_every_task_page_fits_the_tablet_and_the_laptop(live_server, browser, seeded, tmp_path,
                                                        width, height):
    touch = width < 1024
    sessions = {name: signed_in_page(browser, live_server, name, width, height)
                for name in ("chuyenvien1", "sotc", "pct1")}
    office, liaison, leader = (sessions[name][1] for name in ("chuyenvien1", "sotc", "pct1"))
    errors: list[str] = []
    problems: list[str] = []
    for _context, page in sessions.values():
        page.on("pageerror", lambda exc: errors.append(str(exc)))

    def visit(page, path: str, name: str, heading: str, primary: str, ready=None) -> None:
        response = page.goto(live_server + path)
        assert response.status == 200, (path, response.status)
        if ready:
            ready(page)
        check_layout(page, name, heading, primary, touch, problems)

    try:
        office.goto(live_server + "/tasks")
        # on the tablet the list comes first, the filters folded behind their button
        assert office.locator("#task-filters").is_visible() is not touch
        if touch:
            check_layout(office, "list-office-folded", "#task-list-title", "#task-filters-toggle", touch, problems)
        visit(office, "/tasks", "list-office", "#task-list-title", "#to-new-task", filters_open("task-filters"))
        visit(liaison, "/tasks", "list-liaison", "#task-list-title", "#task-filters-submit",
              filters_open("task-filters"))
        visit(leader, "/tasks", "list-leader", "#task-list-title", "#task-filters-submit",
              filters_open("task-filters"))
        assert leader.locator("#filter-portfolio").input_value() == "me"
        assert liaison.locator("#task-list tbody tr").count() >= 2

        visit(leader, "/tasks/statistics?group_by=agency&portfolio=all", "stats-agency", "#task-stats-title",
              "#stats-filters-submit", filters_open("stats-filters", charts=True))
        visit(office, "/tasks/statistics?group_by=month", "stats-month", "#task-stats-title",
              "#stats-filters-submit", filters_open("stats-filters", charts=True))

        task = f"/tasks/{seeded.reported}"
        visit(liaison, task, "detail-liaison", "#task-title", "#report-button")
        assert LONG_FILENAME in liaison.locator("#task-reports").inner_text()
        assert liaison.locator("#extension-requests").is_visible() and liaison.locator("#task-comments li").count()
        form, history = (liaison.locator(s).bounding_box() for s in ("#report-form", "#task-reports"))
        if touch:  # what the liaison came to do comes right after the facts, before the history
            assert form["y"] < history["y"]
        else:  # beside the facts and the history
            assert form["x"] > history["x"] + history["width"]
        visit(leader, task, "detail-leader", "#task-title", "#grant-button")
        visit(office, task, "detail-office", "#task-title", "#edit-link")
        visit(office, f"/tasks/{seeded.split}", "detail-split", "#task-title", "#edit-link")
        assert office.locator("#task-parts tbody tr").count() == 2

        visit(office, "/tasks/new", "form-new", "#task-form-page h1", "#save-button")
        office.click("#save-button")
        office.wait_for_selector("#content-error")
        check_layout(office, "form-errors", "#task-form-page h1", "#save-button", touch, problems)
        visit(office, f"{task}/edit", "form-edit", "#task-form-page h1", "#save-button")

        visit(office, "/tasks/import", "import", "#import-title", "#upload-submit")
        office.set_input_files("#file", import_sheet(tmp_path / "nhiem-vu.xlsx"))
        office.click("#upload-submit")
        office.wait_for_selector("#preview-table")
        assert office.locator("#error-summary").get_attribute("data-error-rows") == "2"
        assert office.locator("#row-3").get_attribute("data-errors") == "2"
        check_layout(office, "import-preview", "#import-title", "#upload-submit", touch, problems)

        assert not problems, "\n".join(problems)
        assert errors == []
    finally:
        for context, _page in sessions.values():
            context.close()
