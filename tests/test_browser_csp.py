"""The Content-Security-Policy (no inline script or style) breaks no page: Chromium reports no violation on the main
pages, each doing its work (the reader draws its pages, Swagger UI lists the operations, the charts are drawn, the
live room connects)."""

from __future__ import annotations

import pytest

from tests.fixtures import pdfs
from tests.fixtures.browser import DEMO_SECRETARY, demo_meeting_id, sign_in_page
from tests.fixtures.materials import demo_upload

pytestmark = pytest.mark.browser

WATCH = """() => {
  window.cspViolations = [];
  document.addEventListener("securitypolicyviolation",
    event => window.cspViolations.push(
      `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`));
}"""


def _visit(page, url: str, ready: str, problems: list[str]) -> None:
    page.goto(url)
    page.wait_for_selector(ready, timeout=20_000)
    page.wait_for_load_state("networkidle")
    problems += [f"{url}: {v}" for v in page.evaluate("window.cspViolations")]


def test_no_page_breaks_the_content_security_policy(live_server, browser):
    material = demo_upload(live_server, browser, "Tờ trình về kế hoạch đầu tư công năm 2027", pdfs.text_pdf(3, seed=7))
    meeting = demo_meeting_id(live_server)
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    context.add_init_script(f"({WATCH})()")
    page = context.new_page()
    page.on("console", lambda message: problems.append(f"console: {message.text}")
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    sign_in_page(page, live_server, DEMO_SECRETARY)
    pages = {
        "/": "main#home",
        f"/meetings/{meeting}": "main",
        f"/meetings/{meeting}/agenda": "main",
        f"/materials/{material['id']}/read": "#reader[data-state=ready] #thumb-1.is-drawn",
        f"/meetings/{meeting}/console": '#live-connection[data-state="connected"]',
        f"/meetings/{meeting}/minutes": "main",
        f"/meetings/{meeting}/conclusions": "main",
        "/meetings": "main",
        "/schedules/": "main",
        "/tasks/statistics": "#chart-derived",
        "/reports/office": "#chart-meetings_by_kind[data-ready=true]",
        "/api/docs": ".swagger-ui .opblock",
    }
    for path, ready in pages.items():
        _visit(page, live_server + path, ready, problems)
        assert page.evaluate("getComputedStyle(document.body).fontFamily")  # the stylesheets were applied
    assert problems == []
    # Swagger UI drew the operations in view (with this many it renders only what the viewport shows)
    assert page.evaluate("document.querySelectorAll('.opblock').length") >= 10
    _visit(page, f"{live_server}/tasks/statistics", "#chart-derived", problems)
    assert page.evaluate("document.querySelector('#chart-derived').width") > 0  # Chart.js drew
    assert page.evaluate("getComputedStyle(document.querySelector('.chart-box')).height") == "260px"
    context.close()

    tablet = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    tablet.add_init_script(f"({WATCH})()")
    leader = tablet.new_page()
    leader.on("console", lambda message: problems.append(f"console: {message.text}")
              if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    sign_in_page(leader, live_server, "pct1")
    _visit(leader, f"{live_server}/meetings/{meeting}/live", '#live-connection[data-state="connected"]', problems)
    tablet.close()
    assert problems == []
