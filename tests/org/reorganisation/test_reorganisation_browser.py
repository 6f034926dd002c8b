"""In a real Chromium on the demo, at tablet and desktop size: a split assigned item by item on the admin's page,
then the statistics filter offering the reorganised unit only while counting as recorded at the time."""

from __future__ import annotations

import pytest

from tests.fixtures import TODAY
from tests.fixtures.browser import ARTIFACTS, DEMO_SECRETARY, demo_token, server_api, signed_in_page


def _units(server: str, size: int) -> list[int]:
    """A unit with a sub-unit (the item to assign), and the two units it is split into; made for this test."""
    token = demo_token(server, "admin")

    def make(code: str, name: str, parent_id: int | None = None) -> int:
        body = {"code": f"{code}{size}", "name": f"{name} {size}", "kind": "other", "parent_id": parent_id}
        return server_api(f"{server}/api/v1/units", token, body)["id"]

    split = make("bantach", "Ban được tách")
    return [split, make("phongthuoc", "Phòng trực thuộc", split), make("banmot", "Ban tiếp nhận 1"),
            make("banhai", "Ban tiếp nhận 2")]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(800, 1280), (1280, 800)])
def test_a_split_is_assigned_on_the_page_and_counted_as_recorded(live_server, browser, width, height):
    split, division, first, second = _units(live_server, width)
    context, page = signed_in_page(browser, live_server, "admin", width, height)
    page.goto(f"{live_server}/admin/reorganisations")
    page.select_option("#kind", "split")
    page.select_option("#predecessor_ids", str(split))
    page.select_option("#successor_ids", [str(first), str(second)])
    page.fill("#effective_on", TODAY.strftime("%d/%m/%Y"))
    page.fill("#decision", "Quyết định số 45/QĐ-UBND về việc tách Ban")
    page.click("#reorganisation-preview")
    choice = f'tr[data-subject="sub_unit"][data-row="{division}"] select'
    page.wait_for_selector(choice)
    assert page.input_value(choice) == f"sub_unit:{division}:{first}"  # the first successor until chosen
    page.select_option(choice, f"sub_unit:{division}:{second}")
    assert _fits(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"reorganisation-split-{width}x{height}.png"), full_page=True)
    page.click("#reorganisation-repreview")
    page.wait_for_selector(f'{choice} option[value="sub_unit:{division}:{second}"][selected]', state="attached")
    page.click("#reorganisation-submit")
    page.wait_for_selector("#reorganisation-moves")
    assert f"Ban tiếp nhận 2 {width}" in page.text_content(f'#reorganisation-moves tr[data-row="{division}"]')
    assert _fits(page)
    context.close()

    context, page = signed_in_page(browser, live_server, DEMO_SECRETARY, width, height)
    page.goto(f"{live_server}/tasks/statistics?units=today")
    reorganised = "#filter-unit-reorganised"
    page.wait_for_selector(reorganised, state="attached")
    assert page.eval_on_selector(reorganised, "group => group.disabled")
    page.select_option("#filter-units", "recorded")
    assert not page.eval_on_selector(reorganised, "group => group.disabled")
    page.select_option("#filter-unit", str(split))
    page.select_option("#filter-units", "today")  # the reorganised unit is let go with its option group
    assert page.eval_on_selector(reorganised, "group => group.disabled") and page.input_value("#filter-unit") == ""
    context.close()
