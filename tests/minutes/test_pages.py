"""The minutes page through the test client (who sees what, the sign-off forms, errors in Vietnamese), and in
real Chromium: typing in a section is autosaved and is there after a reload."""

from __future__ import annotations

import html as htmllib
import json
import re

import pytest

from tests.fixtures.browser import ARTIFACTS, demo_meeting_id, sign_in_page, signed_in_page
from tests.fixtures.minutes import SECTION_TEXT, get_minutes, run_meeting, save, sign
from tests.fixtures.web import csrf_from, signed_in


def _labels(html: str) -> dict[str, str]:
    match = re.search(r"data-labels='([^']*)'", html)
    assert match, "no data-labels in the page"
    return json.loads(htmllib.unescape(match.group(1)))


def test_the_secretarys_page_has_every_section_the_facts_and_the_labels(app, client, room):
    save(client, room, "chuyenvien", get_minutes(client, room)["sections"][1], SECTION_TEXT, 0)
    page = signed_in(app.test_client(), "chuyenvien").get(f"/meetings/{room.id}/minutes")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('class="form-control section-text"') == 5 and "readonly" not in html
    assert SECTION_TEXT in htmllib.unescape(html)
    assert "Kế hoạch đầu tư công năm 2027" in html and "Nguyễn Văn Uyvien4 (lý do: Đi công tác Hà Nội)" in html
    assert 'id="sign-secretary"' in html and 'id="sign-chair"' not in html and 'id="minutes-pdf"' in html
    assert {"saving", "saved", "conflict", "retrying", "restore"} <= set(_labels(html))
    detail = signed_in(app.test_client(), "chuyenvien").get(f"/meetings/{room.id}").get_data(as_text=True)
    assert f'href="/meetings/{room.id}/minutes"' in detail


@pytest.mark.parametrize("username, status, editable", [
    ("pct", 200, True), ("sotc", 200, False), ("quansat", 403, False), ("admin", 404, False)])
def test_who_sees_the_page_and_who_may_write(app, room, username, status, editable):
    page = signed_in(app.test_client(), username).get(f"/meetings/{room.id}/minutes")
    assert page.status_code == status
    if status == 200:
        html = page.get_data(as_text=True)
        assert ("readonly" not in html) is editable
        assert 'id="sign-secretary"' not in html  # the meeting names its secretary


def test_signing_and_returning_through_the_page(app, client, room, people):
    secretary = signed_in(app.test_client(), "chuyenvien")
    token = csrf_from(secretary.get(f"/meetings/{room.id}/minutes").get_data(as_text=True))
    early = secretary.post(f"/meetings/{room.id}/minutes/sign", data={"role": "secretary", "csrf_token": token},
                           follow_redirects=True).get_data(as_text=True)
    assert "Cuộc họp chưa kết thúc" in early
    run_meeting(client, room, people)
    secretary.post(f"/meetings/{room.id}/minutes/sign", data={"role": "secretary", "csrf_token": token})
    assert get_minutes(client, room)["status"] == "secretary_signed"

    chair = signed_in(app.test_client(), "pct")
    html = chair.get(f"/meetings/{room.id}/minutes").get_data(as_text=True)
    assert 'id="sign-chair"' in html and 'id="return-form"' in html and "readonly" in html
    token = csrf_from(html)
    refused = chair.post(f"/meetings/{room.id}/minutes/return", data={"reason": "  ", "csrf_token": token})
    assert refused.status_code == 422 and 'id="reason-error"' in refused.get_data(as_text=True)
    chair.post(f"/meetings/{room.id}/minutes/return", data={"reason": "Bổ sung kết luận", "csrf_token": token})
    assert get_minutes(client, room)["returned_reason"] == "Bổ sung kết luận"
    assert "Bổ sung kết luận" in secretary.get(f"/meetings/{room.id}/minutes").get_data(as_text=True)
    sign(client, room, "chuyenvien", "secretary")
    chair.post(f"/meetings/{room.id}/minutes/sign", data={"role": "chair", "csrf_token": token})
    assert get_minutes(client, room)["status"] == "signed"
    pdf = chair.get(f"/meetings/{room.id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


# --- real Chromium ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(800, 1280), (1280, 800)])
def test_typing_is_autosaved_and_there_after_a_reload(live_server, browser, width, height):
    meeting_id = demo_meeting_id(live_server)
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in_page(page, live_server, "chuyenvien1")
        page.goto(f"{live_server}/meetings/{meeting_id}/minutes")
        section = page.locator(".minutes-section").nth(1)
        text = f"Ý kiến thống nhất của các đồng chí thành viên UBND tỉnh ({width}×{height})."
        section.locator("textarea").fill(text)  # an input event: the autosave starts 1.5 s later
        section.locator('.save-state[data-state="saved"]').wait_for(timeout=15_000)
        labels = json.loads(page.get_attribute("#minutes-sections", "data-labels"))
        assert section.locator(".save-state").inner_text().startswith(labels["saved"].split("{time}")[0].strip())
        assert page.evaluate("document.querySelector('main').scrollWidth") <= width  # the page's own content fits
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"minutes-{width}x{height}.png"), full_page=False)
        page.reload()
        assert page.locator(".minutes-section").nth(1).locator("textarea").input_value() == text
        assert errors == []
    finally:
        context.close()


@pytest.mark.browser
def test_two_editors_meet_a_conflict_keep_their_text_and_restore_a_version(live_server, browser):
    meeting_id = demo_meeting_id(live_server)
    url = f"{live_server}/meetings/{meeting_id}/minutes"
    (first_context, first), (second_context, second) = (signed_in_page(browser, live_server, "chuyenvien1"),
                                                        signed_in_page(browser, live_server, "chutich", 800, 1280))
    try:
        first.goto(url)
        second.goto(url)  # both start from the same revision
        mine = first.locator(".minutes-section").nth(2)
        mine.locator("textarea").fill("Bản của Thư ký.")
        mine.locator('.save-state[data-state="saved"]').wait_for(timeout=15_000)

        theirs = second.locator(".minutes-section").nth(2)
        theirs.locator("textarea").fill("Bản của Chủ trì.")
        theirs.locator(".conflict-panel:not(.d-none)").wait_for(timeout=15_000)
        assert theirs.locator(".conflict-text").inner_text() == "Bản của Thư ký."
        assert "Võ Minh Triết" in theirs.locator(".conflict-message").inner_text()
        theirs.locator(".keep-mine").click()
        theirs.locator('.save-state[data-state="saved"]').wait_for(timeout=15_000)
        assert theirs.locator(".conflict-panel").is_hidden()

        first.reload()
        mine = first.locator(".minutes-section").nth(2)
        assert mine.locator("textarea").input_value() == "Bản của Chủ trì."
        mine.locator(".revisions-toggle").click()
        older = mine.locator(".revision", has_text="Bản của Thư ký.")
        older.wait_for(timeout=15_000)
        assert mine.locator(".revision").count() == 2
        older.locator(".restore-revision").click()
        mine.locator('.save-state[data-state="saved"]').wait_for(timeout=15_000)
        assert mine.locator("textarea").input_value() == "Bản của Thư ký."
        mine.locator(".revision").nth(2).wait_for(timeout=15_000)  # the restore is a new revision
    finally:
        first_context.close()
        second_context.close()
