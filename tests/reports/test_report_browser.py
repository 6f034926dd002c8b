"""The Office's report in Chromium against the real server and the demo, on the 10-inch tablet upright (800×1280,
touch) and on a landscape screen (1280×800): every chart is drawn, nothing scrolls sideways, the period picker
moves to another period, a task count opens the task list of exactly that many tasks, the Word draft downloads,
and the page breaks neither a script nor the security policy."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.browser import DEMO_SECRETARY, signed_in_page

pytestmark = pytest.mark.browser

WAIT = 20_000


def _open(browser, server: str, width: int, height: int):
    context, page = signed_in_page(browser, server, DEMO_SECRETARY, width, height)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on("console", lambda message: problems.append(f"console: {message.text}")
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    page.goto(server + "/reports/office")
    return context, page, problems


def _charts_drawn(page, width: int) -> None:
    page.wait_for_function("() => [...document.querySelectorAll('#office-report-page canvas')]"
                           ".every(c => c.dataset.ready === 'true')", timeout=WAIT)
    assert page.locator("#office-report-page canvas").count() == 7  # a chart a table
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("width", "height"), [(800, 1280), (1280, 800)], ids=["tablet", "desktop"])
def test_the_report_draws_and_its_period_picker_moves(live_server, browser, width, height):
    context, page, problems = _open(browser, live_server, width, height)
    _charts_drawn(page, width)
    year = page.input_value("#report-period")
    assert re.fullmatch(r"\d{4}", year)
    page.select_option("#report-period", f"{year}-Q4")
    page.click("#report-show")
    page.wait_for_url(re.compile(rf"period={year}-Q4"), timeout=WAIT)
    _charts_drawn(page, width)
    assert page.inner_text("#office-report-period") == f"quý IV năm {year}"
    assert problems == []
    context.close()


def test_a_task_count_opens_its_list_and_the_draft_downloads(live_server, browser):
    context, page, problems = _open(browser, live_server, 1280, 800)
    _charts_drawn(page, 1280)
    total = page.locator("#total-tasks_by_agency-0")
    count = int(total.get_attribute("data-count"))
    assert count > 0, "the demo assigns tasks this year"
    total.click()
    page.wait_for_url(re.compile(r"/tasks\?.*period_on=created"), timeout=WAIT)
    assert re.search(rf"trên tổng số {count}\b", page.inner_text("main"))
    page.go_back()
    with page.expect_download() as download:
        page.click("#export-docx")
    assert download.value.suggested_filename.endswith(".docx")
    assert problems == []
    context.close()
