"""The live room's pages through the test client: who gets the tablet and the console (200/403/404), in
Vietnamese, with the labels the script needs; the links from the meeting's page."""

from __future__ import annotations

import html as htmllib
import json
import re
from io import BytesIO

import pytest

from tests.fixtures import pdfs
from tests.fixtures.web import signed_in
from tests.fixtures.materials import publish, upload


def _labels(html: str) -> dict[str, str]:
    match = re.search(r"data-labels='([^']*)'", html)
    assert match, "no data-labels in the page"
    return json.loads(htmllib.unescape(match.group(1)))


@pytest.mark.parametrize("username, tablet, console", [
    ("pct", 200, 200),          # the chair
    ("chuyenvien", 200, 200),   # the secretary
    ("chanhvp", 200, 200),      # the Office's leader, invited
    ("sotc", 200, 403),         # the invited agency's liaison follows, does not run
    ("quansat", 403, 403),      # a viewer sees the meeting but is not part of it
    ("admin", 404, 404),        # an administrator does not see meetings at all
])
def test_who_gets_the_tablet_and_the_console(app, meeting, username, tablet, console):
    page = signed_in(app.test_client(), username)
    assert page.get(f"/meetings/{meeting['id']}/live").status_code == tablet
    assert page.get(f"/meetings/{meeting['id']}/console").status_code == console


def test_an_unknown_or_unseen_meeting_is_a_404(app, schedule_meeting):
    [confidential] = schedule_meeting(confidentiality="confidential")
    viewer = signed_in(app.test_client(), "quansat")
    for path in ("live", "console"):
        assert viewer.get(f"/meetings/{confidential['id']}/{path}").status_code == 404
        assert signed_in(app.test_client(), "chuyenvien").get(f"/meetings/999999/{path}").status_code == 404


def test_signed_out_users_are_sent_to_sign_in(app, meeting):
    response = app.test_client().get(f"/meetings/{meeting['id']}/live")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_tablet_is_in_vietnamese_with_the_labels_the_script_needs(app, meeting):
    response = signed_in(app.test_client(), "pct").get(f"/meetings/{meeting['id']}/live")
    html = response.get_data(as_text=True)
    assert meeting["title"] in html
    assert 'id="live-room" data-mode="tablet"' in html and f'data-meeting-id="{meeting["id"]}"' in html
    assert f'data-me-url="/api/v1/meetings/{meeting["id"]}/live/me"' in html
    for text in ("Theo dõi phiên họp", "Điểm danh", "Đăng ký phát biểu", "Rút đăng ký", "Theo dõi trình chiếu",
                 "Quay lại theo dõi", "Chương trình họp", "Biểu quyết", "Điều hành"):
        assert text in html, text
    for english in ("Ask to speak", "Follow the presentation", "Back to following", "Check in", "Speakers",
                    "Follow the meeting"):
        assert english not in html, english
    assert '<script src="/static/vendor/socket.io/socket.io.min.js' in html
    assert '<script src="/static/js/live-room.js' in html
    labels = _labels(html)
    assert labels["connected"] == "Đã kết nối" and labels["reconnecting"] == "Đang kết nối lại…"
    assert labels["offline"] == "Mất kết nối"
    assert labels["agree"] == "Tán thành" and labels["disagree"] == "Không tán thành"
    assert labels["abstain"] == "Không biểu quyết"
    assert labels["present_of"] == "{present}/{expected} có mặt"
    assert labels["page_of"] == "Trang {page}/{count}"
    for key, text in labels.items():
        assert not re.search(r"\b(the|of|is|has|for)\b", text), (key, text)  # nothing left in English


def test_the_console_lists_the_readable_materials_to_present(app, client, meeting, secretary):
    uploaded = upload(client, secretary, meeting["id"], pdfs.text_pdf(4, seed=3), title="Tờ trình đầu tư công")
    assert uploaded.status_code == 201, uploaded.get_json()
    publish(client, secretary, meeting["id"])
    material = uploaded.get_json()
    html = signed_in(app.test_client(), "pct").get(f"/meetings/{meeting['id']}/console").get_data(as_text=True)
    assert 'id="live-room" data-mode="console"' in html
    assert re.search(rf'<option value="{material["id"]}" data-page-count="4">Tờ trình đầu tư công</option>', html)
    for text in ("Điều hành", "Bắt đầu", "Tạm dừng", "Tiếp tục", "Kết thúc cuộc họp", "Nội dung trước",
                 "Nội dung tiếp theo", "Mở biểu quyết", "Kết thúc biểu quyết", "Biểu quyết kín", "Trình chiếu",
                 "Dừng trình chiếu"):
        assert text in html, text
    for english in ("Start", "Pause", "Open the vote", "Close the vote", "Secret vote", "Next item"):
        assert f">{english}<" not in html and f"{english}</" not in html, english


def test_a_console_without_published_materials_says_so(app, meeting):
    html = signed_in(app.test_client(), "chuyenvien").get(f"/meetings/{meeting['id']}/console").get_data(as_text=True)
    assert 'id="console-no-materials"' in html and "Chưa có tài liệu đã phát hành để trình chiếu." in html


@pytest.mark.parametrize("username, room, console", [
    ("pct", True, True), ("sotc", True, False), ("quansat", False, False),
])
def test_the_meeting_page_links_to_the_live_room(app, meeting, username, room, console):
    html = signed_in(app.test_client(), username).get(f"/meetings/{meeting['id']}").get_data(as_text=True)
    assert (f'href="/meetings/{meeting["id"]}/live" id="live-room-link"' in html) is room
    assert (f'href="/meetings/{meeting["id"]}/console" id="live-console-link"' in html) is console
    if room:
        assert "Theo dõi phiên họp" in html


def test_an_unpublished_material_is_not_offered_to_the_chair(app, client, meeting, secretary):
    response = client.post(f"/api/v1/meetings/{meeting['id']}/materials", headers=secretary,
                           data={"title": "Dự thảo chưa phát hành", "doc_type": "submission",
                                 "file": (BytesIO(pdfs.text_pdf(2, seed=5)), "du-thao.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    html = signed_in(app.test_client(), "pct").get(f"/meetings/{meeting['id']}/console").get_data(as_text=True)
    assert "Dự thảo chưa phát hành" not in html
    assert "Dự thảo chưa phát hành" in signed_in(app.test_client(), "chuyenvien").get(
        f"/meetings/{meeting['id']}/console").get_data(as_text=True)
