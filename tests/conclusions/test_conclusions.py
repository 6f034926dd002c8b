"""Conclusions and directives: writing them, their checks, who may, the lock by the notice, the live console."""

from __future__ import annotations

import queue

import pytest
import sqlalchemy as sa

from ecabinet.conclusions.models import Conclusion, Directive

from ecabinet.notices.models import Notice, NoticeStatus
from ecabinet.core.db import db
from ecabinet.org.models import Unit
from ecabinet.tasks.models import Task
from tests.fixtures.conclusions import DATE_DEADLINE
from tests.fixtures.live import Tablet


def _conclusions(client, meeting, username="chuyenvien"):
    response = client.get(f"/api/v1/meetings/{meeting.id}/conclusions", headers=meeting.headers[username])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(Conclusion)),
                db.session.scalar(sa.select(sa.func.count()).select_from(Directive)))


def _directive(concluded_meeting, **overrides) -> dict:
    body = {"content": "báo cáo tiến độ giải ngân", "lead_unit_id": concluded_meeting.units["lead"],
            "deadline": {"kind": "working_days", "count": 5}}
    body.update(overrides)
    return body


def test_the_conclusions_come_in_order_with_their_directives_and_unit_names(client, concluded_meeting):
    listing = _conclusions(client, concluded_meeting, "pct")
    assert listing["writable"] is True and listing["notice_id"] is None
    first, second = listing["conclusions"]
    assert [first["id"], second["id"]] == concluded_meeting.conclusions
    assert first["agenda_item_title"] == "Tình hình giải ngân vốn đầu tư công năm 2026"
    assert [d["deadline"] for d in first["directives"]] == [{"kind": "date", "on": DATE_DEADLINE.isoformat()},
                                                            {"kind": "working_days", "count": 10}]
    [coordinated] = second["directives"]
    assert coordinated["lead_unit"]["name"] == "Sở Y tế" and coordinated["report_required"] is True
    assert [u["name"] for u in coordinated["coordinating_units"]] == ["Sở Tài chính", "Ủy ban nhân dân huyện Bình Sơn"]


def test_a_conclusion_is_written_changed_ordered_and_deleted(client, concluded_meeting):
    headers = concluded_meeting.headers["chuyenvien"]
    created = client.post(f"/api/v1/meetings/{concluded_meeting.id}/conclusions", headers=headers,
                          json={"text": "  Giao Văn phòng UBND tỉnh theo dõi, đôn đốc.  "})
    assert created.status_code == 201, created.get_json()
    general = created.get_json()
    assert (general["agenda_item_id"], general["position"], general["text"]) == (None, 3, "Giao Văn phòng UBND tỉnh "
                                                                                          "theo dõi, đôn đốc.")
    changed = client.put(f"/api/v1/conclusions/{general['id']}", headers=headers,
                         json={"version": 1, "text": "Kết luận chung.", "agenda_item_id": concluded_meeting.items[1]})
    assert changed.status_code == 200 and changed.get_json()["version"] == 2
    assert changed.get_json()["agenda_item_id"] == concluded_meeting.items[1]
    kept_item = client.put(f"/api/v1/conclusions/{general['id']}", headers=headers,
                           json={"version": 2, "text": "Kết luận chung (sửa)."}).get_json()
    assert kept_item["agenda_item_id"] == concluded_meeting.items[1] and kept_item["version"] == 3
    stale = client.put(f"/api/v1/conclusions/{general['id']}", headers=headers, json={"version": 2, "text": "Cũ"})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "edit_conflict"
    order = [general["id"], *reversed(concluded_meeting.conclusions)]
    ordered = client.post(f"/api/v1/meetings/{concluded_meeting.id}/conclusions/order", headers=headers,
                          json={"conclusion_ids": order})
    assert [c["id"] for c in ordered.get_json()["conclusions"]] == order
    partial = client.post(f"/api/v1/meetings/{concluded_meeting.id}/conclusions/order", headers=headers,
                          json={"conclusion_ids": order[:2]})
    assert partial.status_code == 422 and partial.get_json()["error"]["code"] == "incomplete_order"
    assert client.delete(f"/api/v1/conclusions/{general['id']}", headers=headers).status_code == 204
    assert [c["id"] for c in _conclusions(client, concluded_meeting)["conclusions"]] == order[:0:-1][::-1]


def test_a_directive_is_changed_and_deleted(app, client, concluded_meeting):
    headers = concluded_meeting.headers["chuyenvien"]
    directive_id = concluded_meeting.directives["coordinated"]
    changed = client.put(f"/api/v1/directives/{directive_id}", headers=headers, json=_directive(
        concluded_meeting, lead_unit_id=concluded_meeting.units["district"],
        coordinating_unit_ids=[concluded_meeting.units["other"]], deadline={"kind": "date", "on": "2027-01-15"}))
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["lead_unit"]["code"] == "hbinhson" and [u["code"] for u in body["coordinating_units"]] == ["soyt"]
    assert body["deadline"] == {"kind": "date", "on": "2027-01-15"} and body["report_required"] is False
    with app.app_context():
        stored = db.session.get(Directive, directive_id)
        assert (stored.deadline_working_days, str(stored.deadline_on)) == (None, "2027-01-15")
    assert client.delete(f"/api/v1/directives/{directive_id}", headers=headers).status_code == 204
    assert _counts(app) == (2, 2)
    assert client.delete(f"/api/v1/directives/{directive_id}", headers=headers).status_code == 404


@pytest.mark.parametrize("overrides, field", [
    ({"content": "   "}, "content"),
    ({"content": "x" * 5001}, "content"),
    ({"lead_unit_id": 99999}, "lead_unit_id"),
    ({"lead_unit_id": "inactive"}, "lead_unit_id"),
    ({"coordinating_unit_ids": ["other", "other"]}, "coordinating_unit_ids"),
    ({"coordinating_unit_ids": ["lead"]}, "coordinating_unit_ids"),
    ({"coordinating_unit_ids": ["inactive"]}, "coordinating_unit_ids"),
    ({"deadline": {"kind": "date", "on": "2026-11-21"}}, "deadline.on"),
    ({"deadline": {"kind": "working_days", "count": 0}}, "deadline.working_days.count"),
    ({"deadline": {"kind": "working_days", "count": 366}}, "deadline.working_days.count"),
    ({"deadline": {"kind": "date"}}, "deadline.date.on"),
    ({"deadline": {"kind": "soon"}}, "deadline"),
    ({"report_required": "yes"}, "report_required"),
])
def test_a_bad_directive_is_refused_field_by_field_and_nothing_is_saved(app, client, concluded_meeting, overrides,
                                                                       field):
    with app.app_context():
        inactive = db.session.get(Unit, concluded_meeting.units["district"])
        inactive.active = False
        db.session.commit()
    names = {**concluded_meeting.units, "inactive": concluded_meeting.units["district"]}

    def unit(value):
        return names.get(value, value) if isinstance(value, str) else value

    for key in ("lead_unit_id",):
        if key in overrides:
            overrides[key] = unit(overrides[key])
    if "coordinating_unit_ids" in overrides:
        overrides["coordinating_unit_ids"] = [unit(v) for v in overrides["coordinating_unit_ids"]]
    before = _counts(app)
    first, _second = concluded_meeting.conclusions
    headers = concluded_meeting.headers["chuyenvien"]
    for response in (
        client.post(f"/api/v1/conclusions/{first}/directives", headers=headers,
                    json=_directive(concluded_meeting, **overrides)),
        client.put(f"/api/v1/directives/{concluded_meeting.directives['date']}", headers=headers,
                   json=_directive(concluded_meeting, **overrides)),
    ):
        assert response.status_code == 422, response.get_json()
        assert field in [d["field"] for d in response.get_json()["error"]["details"]]
    assert _counts(app) == before
    assert _conclusions(client, concluded_meeting)["conclusions"][0]["directives"][0]["deadline"]["kind"] == "date"


def test_several_faults_are_reported_together(client, concluded_meeting):
    response = client.post(f"/api/v1/conclusions/{concluded_meeting.conclusions[0]}/directives",
                           headers=concluded_meeting.headers["chuyenvien"],
                           json=_directive(concluded_meeting, lead_unit_id=99999,
                                           deadline={"kind": "date", "on": "2026-01-01"}))
    assert response.status_code == 422
    assert [d["field"] for d in response.get_json()["error"]["details"]] == ["lead_unit_id", "deadline.on"]
    assert "ngày họp (22/11/2026)" in response.get_json()["error"]["details"][1]["message"]


def test_an_agenda_item_of_another_meeting_is_refused(client, concluded_meeting, schedule_meeting, people):
    [other] = schedule_meeting(title="Họp khác", starts_at="2026-12-02T01:00:00+00:00",
                               ends_at="2026-12-02T03:00:00+00:00")
    headers = concluded_meeting.headers["chuyenvien"]
    item = client.post(f"/api/v1/meetings/{other['id']}/agenda", headers=headers,
                       json={"title": "Nội dung khác", "presenting_unit_id": people.department}).get_json()["id"]
    response = client.post(f"/api/v1/meetings/{concluded_meeting.id}/conclusions", headers=headers,
                           json={"agenda_item_id": item, "text": "Sai cuộc họp"})
    assert response.status_code == 422 and response.get_json()["error"]["details"][0]["field"] == "agenda_item_id"
    not_held = client.post(f"/api/v1/meetings/{other['id']}/conclusions", headers=headers, json={"text": "Sớm quá"})
    assert not_held.status_code == 409 and not_held.get_json()["error"]["code"] == "meeting_not_held"


def test_only_the_chair_secretary_and_office_write(client, concluded_meeting):
    url = f"/api/v1/meetings/{concluded_meeting.id}/conclusions"
    for username, status in (("sotc", 403), ("quansat", 403), ("pct", 201), ("chanhvp", 201)):
        response = client.post(url, headers=concluded_meeting.headers[username], json={"text": f"Ý kiến {username}"})
        assert response.status_code == status, (username, response.get_json())
    directive = f"/api/v1/directives/{concluded_meeting.directives['date']}"
    assert client.delete(directive, headers=concluded_meeting.headers["sotc"]).status_code == 403
    assert client.get(url, headers=concluded_meeting.headers["quansat"]).status_code == 200


def test_a_confidential_meetings_conclusions_are_hidden_from_outsiders(client, schedule_meeting, secretary, people):
    from tests.fixtures.web import api_token

    [hidden] = schedule_meeting(title="Họp mật về nhân sự", confidentiality="confidential")
    viewer = api_token(client, "quansat")
    for response in (client.get(f"/api/v1/meetings/{hidden['id']}/conclusions", headers=viewer),
                     client.post(f"/api/v1/meetings/{hidden['id']}/conclusions", headers=viewer, json={"text": "x"})):
        assert response.status_code == 404
    assert client.get(f"/api/v1/meetings/{hidden['id']}/conclusions", headers=secretary).status_code == 200


def _add_notice(app, meeting_id: int, status: NoticeStatus, corrects_id: int | None = None) -> int:
    with app.app_context():
        notice = Notice(meeting_id=meeting_id, status=status, corrects_id=corrects_id,
                        summary="Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp")
        db.session.add(notice)
        db.session.commit()
        return notice.id


def _set_status(app, notice_id: int, status: NoticeStatus) -> None:
    with app.app_context():
        db.session.get(Notice, notice_id).status = status
        db.session.commit()


def _writes(client, meeting) -> list[int]:
    headers = meeting.headers["chuyenvien"]
    first = meeting.conclusions[0]
    return [
        client.post(f"/api/v1/meetings/{meeting.id}/conclusions", headers=headers, json={"text": "Mới"}).status_code,
        client.put(f"/api/v1/conclusions/{first}", headers=headers, json={"version": 1, "text": "Sửa"}).status_code,
        client.post(f"/api/v1/conclusions/{first}/directives", headers=headers,
                    json=_directive(meeting)).status_code,
        client.delete(f"/api/v1/directives/{meeting.directives['date']}", headers=headers).status_code,
    ]


def test_a_submitted_notice_locks_the_conclusions_and_its_correcting_draft_unlocks_them(app, client,
                                                                                        concluded_meeting):
    notice = _add_notice(app, concluded_meeting.id, NoticeStatus.IN_REVIEW)
    assert _writes(client, concluded_meeting) == [409] * 4
    locked = client.post(f"/api/v1/meetings/{concluded_meeting.id}/conclusions",
                         headers=concluded_meeting.headers["chuyenvien"], json={"text": "Mới"}).get_json()["error"]
    assert locked["code"] == "notice_locked" and locked["message"].startswith("Thông báo kết luận đã gửi duyệt")
    listing = _conclusions(client, concluded_meeting)
    assert (listing["writable"], listing["notice_id"], listing["notice_status"]) == (False, notice, "in_review")
    assert _counts(app) == (2, 3)
    _set_status(app, notice, NoticeStatus.APPROVED)
    _add_notice(app, concluded_meeting.id, NoticeStatus.DRAFT, corrects_id=notice)
    assert _writes(client, concluded_meeting) == [201, 200, 201, 204]


def test_a_directive_that_became_a_task_stays(app, client, concluded_meeting):
    directive_id = concluded_meeting.directives["working_days"]
    with app.app_context():
        db.session.add(Task(content="Rà soát, điều chuyển vốn", directive_id=directive_id,
                            lead_unit_id=concluded_meeting.units["lead"]))
        db.session.commit()
    headers = concluded_meeting.headers["chuyenvien"]
    refused = client.delete(f"/api/v1/directives/{directive_id}", headers=headers)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "directive_has_task"
    whole = client.delete(f"/api/v1/conclusions/{concluded_meeting.conclusions[0]}", headers=headers)
    assert whole.status_code == 409 and _counts(app) == (2, 3)
    listing = _conclusions(client, concluded_meeting)
    assert [d["has_task"] for d in listing["conclusions"][0]["directives"]] == [False, True]


class Console(Tablet):
    """A console's Socket.IO client that also keeps the conclusions it is sent."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        super().__init__(url, headers)
        self.events["conclusions:changed"] = queue.Queue()
        self.sio.on("conclusions:changed", self.events["conclusions:changed"].put)


def test_every_change_reaches_the_console_live(client, concluded_meeting, app_server):
    chair = Console(app_server, concluded_meeting.headers["pct"]).connect()
    viewer = Console(app_server, concluded_meeting.headers["quansat"]).connect()
    try:
        assert chair.join(concluded_meeting.id)["ok"]
        viewer.join(concluded_meeting.id)
        headers = concluded_meeting.headers["chuyenvien"]
        client.put(f"/api/v1/conclusions/{concluded_meeting.conclusions[1]}", headers=headers,
                   json={"version": 1, "text": "Thống nhất triển khai Đề án chuyển đổi số."})
        changed = chair.next("conclusions:changed")
        assert changed["meeting_id"] == concluded_meeting.id
        assert changed["conclusions"][1]["text"] == "Thống nhất triển khai Đề án chuyển đổi số."
        client.delete(f"/api/v1/directives/{concluded_meeting.directives['coordinated']}", headers=headers)
        assert chair.next("conclusions:changed")["conclusions"][1]["directives"] == []
        refused = client.post(f"/api/v1/meetings/{concluded_meeting.id}/conclusions/order", headers=headers,
                              json={"conclusion_ids": [1]})
        assert refused.status_code == 422 and chair.none("conclusions:changed")
        assert viewer.none("conclusions:changed")
    finally:
        chair.close()
        viewer.close()


# --- the page --------------------------------------------------------------------------------

def _page(client, meeting_id: int) -> str:
    response = client.get(f"/meetings/{meeting_id}/conclusions")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_secretary_writes_on_the_page_and_sees_errors_next_to_the_fields(app, client, concluded_meeting):
    from tests.fixtures.web import csrf_from, web_login

    web_login(client, "chuyenvien")
    html = _page(client, concluded_meeting.id)
    first = concluded_meeting.conclusions[0]
    assert f'id="conclusion-{first}-text"' in html and "Tổng hợp danh mục dự án chậm giải ngân" in html
    assert 'id="new-general-form"' in html
    token = csrf_from(html)
    url = f"/meetings/{concluded_meeting.id}/conclusions/{first}/directives"
    refused = client.post(url, data={"csrf_token": token, "content": "Kiểm tra", "lead_unit_id": "99999",
                                     "deadline_kind": "date", "deadline_on": "01/01/2026"})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert f'id="new-directive-{first}-lead_unit_id-error"' in body
    assert "Cơ quan chủ trì không tồn tại hoặc đã ngừng hoạt động." in body
    assert "Thời hạn không được trước ngày họp (22/11/2026)." in body and ">Kiểm tra</textarea>" in body
    assert _counts(app) == (2, 3)
    saved = client.post(url, data={"csrf_token": token, "content": "Báo cáo kết quả rà soát",
                                   "lead_unit_id": str(concluded_meeting.units["other"]),
                                   "coordinating_unit_ids": [str(concluded_meeting.units["lead"])],
                                   "deadline_kind": "working_days", "deadline_count": "7", "report_required": "1"})
    assert saved.status_code == 302
    [added] = [d for d in _conclusions(client, concluded_meeting)["conclusions"][0]["directives"]
               if d["content"] == "Báo cáo kết quả rà soát"]
    assert added["deadline"] == {"kind": "working_days", "count": 7} and added["report_required"] is True
    stale = client.post(f"/meetings/{concluded_meeting.id}/conclusions/{first}",
                        data={"csrf_token": token, "version": "0", "text": "Sửa"})
    assert stale.status_code == 409 and "Kết luận đã được người khác sửa" in stale.get_data(as_text=True)


def test_a_viewer_reads_the_page_without_forms(client, concluded_meeting):
    from tests.fixtures.web import csrf_from, web_login

    web_login(client, "quansat")
    html = _page(client, concluded_meeting.id)
    assert "Xây dựng kế hoạch triển khai Đề án" in html and "Sở Y tế" in html
    assert "<form method=\"post\"" not in html.split('id="conclusions"')[1]
    refused = client.post(f"/meetings/{concluded_meeting.id}/conclusions", data={"text": "x",
                                                                               "csrf_token": csrf_from(html)})
    assert refused.status_code == 403
