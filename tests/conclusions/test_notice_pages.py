"""The notice pages (and one run in a real Chromium against the demo server): the list, the draft's form (errors
next to the fields, nothing half-saved), the workflow buttons each person is allowed, the reason forms, who may
see the page; and the register page."""

from __future__ import annotations

import re
import time
import urllib.error

import pytest
import sqlalchemy as sa

from ecabinet.notices.models import Notice, NoticeStatus
from ecabinet.core.db import db
from ecabinet.registers.models import NumberStatus, RegisterNumber
from tests.fixtures.browser import ARTIFACTS, DEMO_MEETING, demo_token, server_api, sign_in_page
from tests.fixtures.notices import draft, to_approved
from tests.fixtures.web import csrf_from, ok, signed_in


def state(app, notice_id: int) -> Notice:
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        db.session.expunge(notice)
        return notice


def test_the_secretary_edits_and_submits_the_draft_through_the_page(app, pages, client, concluded_meeting,
                                                                    desk):
    notice = draft(app, client, concluded_meeting.id, desk)
    page = signed_in(pages, "chuyenvien")
    listing = page.get("/notices").get_data(as_text=True)
    assert f'id="notice-{notice["id"]}"' in listing and 'data-status="draft"' in listing
    html = page.get(f"/notices/{notice['id']}").get_data(as_text=True)
    assert 'id="notice-form"' in html and 'id="submit-button"' in html and 'id="notice-pdf"' in html
    assert 'id="review-button"' not in html and 'id="issue-button"' not in html
    assert "Số:      /TB-UBND" in html  # the draft's text preview, number left blank

    base = {"csrf_token": csrf_from(html), "version": str(notice["version"]), "opening": notice["opening"],
            "closing": notice["closing"], "symbol": "TB-UBND", "signer_id": str(notice["signer"]["id"]),
            "signature_authority": "TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG", "archive_mark": "KTTH",
            "unit_ids": [str(concluded_meeting.units["lead"])], "user_ids": [str(concluded_meeting.chair)],
            "labels": "Chủ tịch, các PCT UBND tỉnh"}
    refused = page.post(f"/notices/{notice['id']}/edit", data={**base, "summary": ""})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert 'id="summary-error"' in body and "bắt buộc" in body
    assert state(app, notice["id"]).archive_mark == "VP"  # nothing saved

    saved = page.post(f"/notices/{notice['id']}/edit", data={**base, "summary": "Kết luận về đầu tư công"})
    assert saved.status_code == 302
    stored = state(app, notice["id"])
    assert stored.summary == "Kết luận về đầu tư công" and stored.archive_mark == "KTTH"
    with app.app_context():
        labels = [r.label for r in db.session.get(Notice, notice["id"]).recipients]
    assert labels == ["Phó Chủ tịch UBND tỉnh Nguyễn Văn Pct (để báo cáo)", "Chủ tịch, các PCT UBND tỉnh",
                      "Sở Tài chính"]

    # The same form again (an older version) is refused as a conflict, nothing changed.
    stale = page.post(f"/notices/{notice['id']}/edit", data={**base, "summary": "Khác"})
    assert stale.status_code == 409 and "người khác sửa" in stale.get_data(as_text=True)
    assert state(app, notice["id"]).summary == "Kết luận về đầu tư công"

    html = page.get(f"/notices/{notice['id']}").get_data(as_text=True)
    assert page.post(f"/notices/{notice['id']}/submit",
                     data={"csrf_token": csrf_from(html)}).status_code == 302
    assert state(app, notice["id"]).status == NoticeStatus.IN_REVIEW
    html = page.get(f"/notices/{notice['id']}").get_data(as_text=True)
    assert 'id="notice-form"' not in html and 'id="submit-button"' not in html


def test_review_approval_rejection_and_issue_through_the_pages(app, pages, client, concluded_meeting,
                                                              desk):
    nid = draft(app, client, concluded_meeting.id, desk)["id"]
    ok(client.post(f"/api/v1/notices/{nid}/submit", headers=desk["chuyenvien"]))

    leader = signed_in(pages, "chanhvp")
    html = leader.get(f"/notices/{nid}").get_data(as_text=True)
    assert 'id="review-button"' in html and 'id="reject-form"' in html
    refused = leader.post(f"/notices/{nid}/reject", data={"csrf_token": csrf_from(html), "reason": ""})
    assert refused.status_code == 422 and 'id="reject-reason-error"' in refused.get_data(as_text=True)
    assert state(app, nid).status == NoticeStatus.IN_REVIEW
    leader.post(f"/notices/{nid}/reject", data={"csrf_token": csrf_from(html), "reason": "Thiếu kết luận mục 2"})
    assert state(app, nid).status == NoticeStatus.DRAFT
    assert "Thiếu kết luận mục 2" in leader.get(f"/notices/{nid}").get_data(as_text=True)

    ok(client.post(f"/api/v1/notices/{nid}/submit", headers=desk["chuyenvien"]))
    html = leader.get(f"/notices/{nid}").get_data(as_text=True)
    leader.post(f"/notices/{nid}/review", data={"csrf_token": csrf_from(html)})
    # The office leader may not approve: that is the chair's.
    assert leader.post(f"/notices/{nid}/approve", data={"csrf_token": csrf_from(html)}).status_code == 403

    chair = signed_in(pages, "pct")
    html = chair.get(f"/notices/{nid}").get_data(as_text=True)
    assert 'id="approve-button"' in html
    chair.post(f"/notices/{nid}/approve", data={"csrf_token": csrf_from(html)})
    assert state(app, nid).status == NoticeStatus.APPROVED

    clerk = signed_in(pages, "vanthu")
    html = clerk.get(f"/notices/{nid}").get_data(as_text=True)
    assert 'id="issue-button"' in html
    issued = clerk.post(f"/notices/{nid}/issue", data={"csrf_token": csrf_from(html)}, follow_redirects=True)
    assert issued.status_code == 200
    text = issued.get_data(as_text=True)
    assert "Số: 01/TB-UBND" in text and 'id="notice-tasks"' in text and "31/12/2026" in text
    # Issued twice by a stale page: refused with a message, no second number.
    again = clerk.post(f"/notices/{nid}/issue", data={"csrf_token": csrf_from(html)}, follow_redirects=True)
    assert "đã ban hành" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RegisterNumber)) == 1


def test_who_sees_the_notice_pages(app, pages, client, concluded_meeting, desk):
    nid = draft(app, client, concluded_meeting.id, desk)["id"]
    for username in ("sotc", "sokhdt"):
        page = signed_in(pages, username)
        assert page.get(f"/notices/{nid}").status_code == 404
        assert f'id="notice-{nid}"' not in page.get("/notices").get_data(as_text=True)
    to_approved(client, nid, desk)
    ok(client.post(f"/api/v1/notices/{nid}/issue", headers=desk["vanthu"]))
    recipient = signed_in(pages, "sotc")
    html = recipient.get(f"/notices/{nid}").get_data(as_text=True)
    assert "Số: 01/TB-UBND" in html and 'id="correct-button"' not in html and 'id="notice-form"' not in html
    assert f'id="notice-{nid}"' in recipient.get("/notices").get_data(as_text=True)
    assert signed_in(pages, "sokhdt").get(f"/notices/{nid}").status_code == 404


def test_the_approver_reads_the_draft_as_it_will_be_issued(app, pages, client, concluded_meeting, desk):
    from tests.fixtures.pdf_text import full_text, norm

    nid = draft(app, client, concluded_meeting.id, desk)["id"]
    ok(client.post(f"/api/v1/notices/{nid}/submit", headers=desk["chuyenvien"]))
    ok(client.post(f"/api/v1/notices/{nid}/review", headers=desk["chanhvp"]))
    chair = signed_in(pages, "pct")
    html = chair.get(f"/notices/{nid}").get_data(as_text=True)
    assert 'id="approve-button"' in html and f'href="/notices/{nid}/read" id="notice-read"' in html
    reader = chair.get(f"/notices/{nid}/read")
    body = reader.get_data(as_text=True)
    assert reader.status_code == 200 and f'data-file-url="/api/v1/notices/{nid}.pdf"' in body
    assert 'id="reader-draft"' in body and "js/reader.js" in body and 'id="reader-notes"' not in body
    pdf = chair.get(f"/api/v1/notices/{nid}.pdf")
    text = norm(full_text(pdf.data))
    assert pdf.data.startswith(b"%PDF") and "DỰ THẢO" in text and "Lưu: VT" in text and "Số: /TB-UBND" in text
    for username in ("sotc", "sokhdt"):  # not yet theirs: neither the page nor the file
        outsider = signed_in(pages, username)
        assert outsider.get(f"/notices/{nid}/read").status_code == 404
        assert outsider.get(f"/api/v1/notices/{nid}.pdf").status_code == 404


# --- the register --------------------------------------------------------------------------------

def test_the_register_page_lists_numbers_and_records_a_cancellation(app, pages, client, concluded_meeting,
                                                                    desk):
    nid = draft(app, client, concluded_meeting.id, desk)["id"]
    to_approved(client, nid, desk)
    issued = ok(client.post(f"/api/v1/notices/{nid}/issue", headers=desk["vanthu"]))
    year = issued["issued_on"][:4]
    assert client.get("/api/v1/registers", headers=desk["sotc"]).status_code == 403

    clerk = signed_in(pages, "vanthu")
    html = clerk.get(f"/registers?year={year}").get_data(as_text=True)
    [number_id] = re.findall(r'id="number-(\d+)"', html)
    assert "01/TB-UBND" in html and f'href="/notices/{nid}"' in html
    refused = clerk.post(f"/register-numbers/{number_id}/cancel", data={"csrf_token": csrf_from(html), "reason": ""})
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.get(RegisterNumber, int(number_id)).status == NumberStatus.ISSUED
    # The number of a notice in force is cancelled only with the notice withdrawn: refused, said on the page.
    in_force = clerk.post(f"/register-numbers/{number_id}/cancel",
                          data={"csrf_token": csrf_from(html), "reason": "Văn bản bị thu hồi theo chỉ đạo"})
    assert in_force.status_code == 409 and "thông báo đính chính" in in_force.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(RegisterNumber, int(number_id)).status == NumberStatus.ISSUED
    register = ok(client.get("/api/v1/registers", headers=desk["chanhvp"], query_string={"year": year}))
    assert register["numbers"][0]["status"] == "issued" and register["gaps"] == []
    # The secretary sees the register but may not cancel numbers.
    assert client.post(f"/api/v1/register-numbers/{number_id}/cancel", headers=desk["chuyenvien"],
                       json={"reason": "x"}).status_code == 403
    assert signed_in(pages, "sotc").get("/registers").status_code == 403


# --- in a real browser ---------------------------------------------------------------------------

def _ended_demo_meeting_with_a_draft(server: str) -> int:
    """End the demo's UBND session with a conclusion, then wait for the scheduler to draft its notice."""
    token = demo_token(server)
    [meeting] = [m for m in server_api(server + "/api/v1/meetings?mine=true", token)["items"]
                 if m["title"] == DEMO_MEETING]
    for action, args in (("start", {"reason": "Họp sớm theo chỉ đạo"}), ("end", {})):  # the demo's day may not be today
        server_api(f"{server}/api/v1/meetings/{meeting['id']}/live/actions", token, {"action": action, "args": args})
    server_api(f"{server}/api/v1/meetings/{meeting['id']}/conclusions", token,
         {"text": "Ủy ban nhân dân tỉnh thống nhất thông qua các nội dung trình tại phiên họp."})
    deadline = time.monotonic() + 90  # the drafting job runs every 30 seconds
    while time.monotonic() < deadline:
        try:
            return server_api(f"{server}/api/v1/meetings/{meeting['id']}/notice", token)["id"]
        except urllib.error.HTTPError as exc:
            assert exc.code == 404
            time.sleep(2)
    raise AssertionError("the scheduler did not draft the notice")


@pytest.mark.browser
def test_the_secretary_submits_the_draft_in_chromium(live_server, browser):
    notice_id = _ended_demo_meeting_with_a_draft(live_server)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in_page(page, live_server, "chuyenvien1")
        page.goto(f"{live_server}/notices")
        page.click(f"#notice-{notice_id} a")
        page.wait_for_selector('#notice-page [data-status="draft"]')
        pdf = page.request.get(live_server + page.locator("#notice-pdf").get_attribute("href"))
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")
        assert "THÔNG BÁO" in page.locator("#notice-text").inner_text()
        page.fill("#archive_mark", "TH")
        page.click("#save-button")
        page.wait_for_selector("#notice-actions")
        assert page.locator("#archive_mark").input_value() == "TH"
        page.click("#submit-button")
        page.wait_for_selector('#notice-page [data-status="in_review"]')
        assert page.locator("#notice-form").count() == 0
        page.click("#notice-read")  # the document as it will be issued, in the app's reader
        page.wait_for_selector('#reader[data-state="ready"]')
        assert re.fullmatch(r"/ \d+", page.locator("#reader-page-count [aria-hidden]").inner_text().strip())
        assert page.locator("#reader-draft").is_visible() and page.locator("#reader-page-list canvas").count() >= 1
        page.go_back()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "notice-submitted.png"), full_page=True)
        assert errors == []
    finally:
        context.close()
