"""A directive typed naturally ("Giao Sở … hoàn thiện …") reads well as the task's title and as the notice's
sentence; the form previews that sentence from the same function the notice uses."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ecabinet.conclusions.models import Directive
from ecabinet.conclusions.wording import task_wording
from ecabinet.core.db import db
from tests.fixtures.notices import draft
from tests.fixtures.web import csrf_from, ok, signed_in

LEAD, HEALTH, DISTRICT = "Sở Tài chính", "Sở Y tế", "Ủy ban nhân dân huyện Bình Sơn"


@pytest.mark.parametrize(("typed", "coordinating", "title"), [
    ("Giao Sở Tài chính hoàn thiện hồ sơ dự án.", [], "Hoàn thiện hồ sơ dự án"),
    ("giao Sở Tài chính chủ trì, phối hợp với Sở Y tế và Ủy ban nhân dân huyện Bình Sơn rà soát kế hoạch;",
     [HEALTH, DISTRICT], "Rà soát kế hoạch"),
    ("Đề nghị Sở Tài chính khẩn trương báo cáo  tiến độ", [], "Khẩn trương báo cáo tiến độ"),
    ("Yêu cầu các sở tăng cường kiểm tra", [], "Yêu cầu các sở tăng cường kiểm tra"),
    ("hoàn thiện dự thảo Nghị quyết...", [], "Hoàn thiện dự thảo Nghị quyết"),
    ("UBND huyện lập phương án", [], "UBND huyện lập phương án"),
    ("Giaothông vận tải rà soát", [], "Giaothông vận tải rà soát"),
])
def test_the_task_keeps_only_what_is_to_be_done(typed, coordinating, title):
    assert task_wording(typed, LEAD, coordinating) == title


def _preview(pages, meeting_id: int, token: str, **form) -> tuple[int, dict]:
    response = pages.post(f"/meetings/{meeting_id}/directives/preview", data={"csrf_token": token, **form})
    return response.status_code, response.get_json()


def test_the_form_previews_the_notice_sentence(app, pages, concluded_meeting):
    page = signed_in(pages, "chuyenvien")
    html = page.get(f"/meetings/{concluded_meeting.id}/conclusions").get_data(as_text=True)
    assert f'data-preview-url="/meetings/{concluded_meeting.id}/directives/preview"' in html
    assert 'class="directive-preview' in html
    token, units = csrf_from(html), concluded_meeting.units
    status, shown = _preview(page, concluded_meeting.id, token, content="Giao Sở Tài chính hoàn thiện hồ sơ.",
                             lead_unit_id=units["lead"], deadline_kind="none")
    assert status == 200 and shown == {"title": "Hoàn thiện hồ sơ",
                                       "sentence": "- Giao Sở Tài chính chủ trì hoàn thiện hồ sơ."}
    status, shown = _preview(page, concluded_meeting.id, token,
                             content="GIAO Sở Tài chính chủ trì, phối hợp với Sở Y tế Xây dựng kế hoạch",
                             lead_unit_id=units["lead"], coordinating_unit_ids=[units["other"], units["district"]],
                             deadline_kind="working_days", deadline_count="10", report_required="1")
    assert status == 200 and shown["sentence"] == (
        "- Giao Sở Tài chính chủ trì, phối hợp với Sở Y tế, Ủy ban nhân dân huyện Bình Sơn xây dựng kế hoạch; "
        "hoàn thành trong 10 ngày làm việc kể từ ngày ban hành Thông báo; báo cáo kết quả về Ủy ban nhân dân tỉnh.")
    status, shown = _preview(page, concluded_meeting.id, token, content="Rà soát vốn", lead_unit_id=units["lead"],
                             deadline_kind="date", deadline_on="15/01/2027")
    assert shown["sentence"] == "- Giao Sở Tài chính chủ trì rà soát vốn; hoàn thành trước ngày 15/01/2027."
    status, shown = _preview(page, concluded_meeting.id, token, content="Giao Sở Y tế rà soát vốn",
                             lead_unit_id=units["lead"], deadline_kind="none")
    assert status == 422 and shown["errors"]["content"].startswith("Nội dung chỉ đạo giao nhiệm vụ cho cơ quan khác")
    status, shown = _preview(page, concluded_meeting.id, token, content="", lead_unit_id=units["lead"],
                             deadline_kind="none")
    assert status == 422 and "content" in shown["errors"]
    viewer = signed_in(app.test_client(), "quansat")
    assert viewer.post(f"/meetings/{concluded_meeting.id}/directives/preview",
                       data={"csrf_token": token}).status_code in (400, 403, 404)


def test_a_natural_directive_is_saved_as_its_task_and_printed_grammatically(app, client, concluded_meeting):
    headers = concluded_meeting.headers["chuyenvien"]
    saved = ok(client.post(f"/api/v1/conclusions/{concluded_meeting.conclusions[0]}/directives", headers=headers,
                           json={"content": "Giao Sở Tài chính hoàn thiện phương án phân bổ vốn.",
                                 "lead_unit_id": concluded_meeting.units["lead"],
                                 "coordinating_unit_ids": [concluded_meeting.units["other"]]}), 201)
    assert saved["content"] == "Hoàn thiện phương án phân bổ vốn"
    refused = client.post(f"/api/v1/conclusions/{concluded_meeting.conclusions[0]}/directives", headers=headers,
                          json={"content": "Giao Sở Y tế lập kế hoạch",
                                "lead_unit_id": concluded_meeting.units["lead"]})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "another_lead"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Directive).where(
            Directive.content.like("%lập kế hoạch%"))) == 0
    notice = draft(app, client, concluded_meeting.id, concluded_meeting.headers)
    text = client.get(f"/api/v1/notices/{notice['id']}.txt", headers=headers).get_data(as_text=True)
    assert "- Giao Sở Tài chính chủ trì, phối hợp với Sở Y tế hoàn thiện phương án phân bổ vốn." in text
    assert "Giao Sở Tài chính hoàn thiện" not in text and "chủ trì Giao" not in text
