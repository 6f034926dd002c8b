"""The task API: entering, the lifecycle with its 409s, reports with files, extensions, parts."""

from __future__ import annotations

from datetime import date, timedelta


from tests.fixtures import TODAY
from tests.fixtures.tasks import PDF, report
from tests.fixtures.web import ok


def test_the_office_enters_a_task_and_the_lead_agency_is_told(client, app, task_people, h):
    body = {"content": "Xây dựng kế hoạch chuyển đổi số năm 2027", "lead_unit_id": task_people.unit_a,
            "coordinating_unit_ids": [task_people.unit_b], "deadline_on": "2026-12-15", "source": "government",
            "source_reference": "Công văn số 45/VPCP-KSTT", "assigned_by_id": task_people.leader,
            "priority": "high"}
    task = ok(client.post("/api/v1/tasks", headers=h("office"), json=body), 201)
    assert task["status"] == "new" and task["original_deadline_on"] == "2026-12-15"
    assert task["derived"] == "not_yet_due" and task["assigned_by"]["id"] == task_people.leader
    assert [u["id"] for u in task["coordinating_units"]] == [task_people.unit_b]
    with app.app_context():
        from ecabinet.notify.models import Notification
        from ecabinet.core.db import db
        import sqlalchemy as sa
        recipients = db.session.scalars(sa.select(Notification.user_id).where(
            Notification.event_key == f"task:{task['id']}:assigned")).all()
    assert recipients == [task_people.liaison_a]
    assert client.post("/api/v1/tasks", headers=h("liaison_a"), json=body).status_code == 403
    assert client.post("/api/v1/tasks", headers=h("office"), json={**body, "source": "notice"}).status_code == 422
    refused = client.post("/api/v1/tasks", headers=h("office"), json={**body, "assigned_by_id": task_people.office})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "unknown_leader"


def test_lifecycle_with_wrong_states_refused(client, task_factory, h):
    task_id = task_factory(deadline=TODAY + timedelta(days=3))
    task = ok(client.get(f"/api/v1/tasks/{task_id}", headers=h("liaison_a")))
    assert task["derived"] == "due_soon"
    verify_new = client.post(f"/api/v1/tasks/{task_id}/verify", headers=h("office"), json={"version": 1})
    assert verify_new.status_code == 409 and verify_new.get_json()["error"]["code"] == "wrong_status"
    assert "Mới giao" in verify_new.get_json()["error"]["message"]
    started = ok(client.post(f"/api/v1/tasks/{task_id}/start", headers=h("liaison_a"), json={"version": 1}))
    assert started["status"] == "in_progress"
    again = client.post(f"/api/v1/tasks/{task_id}/start", headers=h("liaison_a"), json={"version": started["version"]})
    assert again.status_code == 409
    stale = report(client, h("liaison_a"), task_id, version=1)
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "edit_conflict"
    done = ok(report(client, h("liaison_a"), task_id, done="true", text="Đã hoàn thành"), 201)
    assert done["done"] and done["percent"] == 100
    task = ok(client.get(f"/api/v1/tasks/{task_id}", headers=h("office")))
    assert task["status"] == "reported_done" and task["completed_on"] == TODAY.isoformat()
    assert task["derived"] == "done_on_time"
    assert report(client, h("liaison_a"), task_id).status_code == 409  # reported: no more reports
    returned = ok(client.post(f"/api/v1/tasks/{task_id}/return", headers=h("office"),
                              json={"version": task["version"], "reason": "Chưa kèm danh mục dự án"}))
    assert returned["status"] == "in_progress" and returned["completed_on"] is None
    ok(report(client, h("liaison_a"), task_id, done="true", completed_on=TODAY.isoformat()), 201)
    task = ok(client.get(f"/api/v1/tasks/{task_id}", headers=h("office")))
    assert client.post(f"/api/v1/tasks/{task_id}/verify", headers=h("liaison_a"),
                       json={"version": task["version"]}).status_code == 403
    verified = ok(client.post(f"/api/v1/tasks/{task_id}/verify", headers=h("office"),
                              json={"version": task["version"]}))
    assert verified["status"] == "verified_done" and verified["verified_at"]
    cancel = client.post(f"/api/v1/tasks/{task_id}/cancel", headers=h("office"),
                         json={"version": verified["version"], "reason": "Không cần nữa"})
    assert cancel.status_code == 409
    assert [r["done"] for r in verified["reports"]] == [True, True]


def test_a_report_in_the_future_and_a_bad_percent_are_refused(client, task_factory, h):
    task_id = task_factory()
    future = report(client, h("liaison_a"), task_id, done="true", completed_on=(TODAY + timedelta(days=1)).isoformat())
    assert future.status_code == 422 and future.get_json()["error"]["code"] == "completed_in_future"
    assert report(client, h("liaison_a"), task_id, percent=101).status_code == 422
    first = ok(report(client, h("liaison_a"), task_id, percent=30), 201)
    assert first["percent"] == 30
    task = ok(client.get(f"/api/v1/tasks/{task_id}", headers=h("liaison_a")))
    assert task["status"] == "in_progress" and task["progress_percent"] == 30  # started by the first report


def test_cancel_and_merge(client, task_factory, h):
    keep, duplicate, closed = task_factory(), task_factory(), task_factory(status="cancelled")
    ok(report(client, h("liaison_a"), duplicate, percent=20), 201)
    version = ok(client.get(f"/api/v1/tasks/{duplicate}", headers=h("office")))["version"]
    into_self = client.post(f"/api/v1/tasks/{duplicate}/merge", headers=h("office"),
                            json={"version": version, "reason": "Trùng", "into_id": duplicate})
    assert into_self.status_code == 422
    into_closed = client.post(f"/api/v1/tasks/{duplicate}/merge", headers=h("office"),
                              json={"version": version, "reason": "Trùng", "into_id": closed})
    assert into_closed.status_code == 409
    merged = ok(client.post(f"/api/v1/tasks/{duplicate}/merge", headers=h("office"),
                            json={"version": version, "reason": "Trùng nhiệm vụ tại Công văn 123", "into_id": keep}))
    assert merged["status"] == "merged" and merged["merged_into_id"] == keep and merged["derived"] == "closed"
    assert len(merged["reports"]) == 1  # the duplicate's reports stay
    no_reason = client.post(f"/api/v1/tasks/{keep}/cancel", headers=h("office"), json={"version": 1, "reason": ""})
    assert no_reason.status_code == 422
    cancelled = ok(client.post(f"/api/v1/tasks/{keep}/cancel", headers=h("office"),
                               json={"version": 1, "reason": "Không còn phù hợp"}))
    assert cancelled["status"] == "cancelled" and cancelled["status_reason"] == "Không còn phù hợp"


def test_update_keeps_the_deadline_history(client, task_factory, task_people, h):
    task_id = task_factory(deadline=date(2026, 12, 10))
    body = {"content": "Nội dung mới", "lead_unit_id": task_people.unit_a, "deadline_on": "2026-12-20",
            "version": 1}
    updated = ok(client.put(f"/api/v1/tasks/{task_id}", headers=h("office"), json=body))
    assert updated["deadline_on"] == "2026-12-20" and updated["original_deadline_on"] == "2026-12-10"
    assert [(c["old_deadline_on"], c["new_deadline_on"]) for c in updated["deadline_changes"]] == [
        ("2026-12-10", "2026-12-20")]
    stale = client.put(f"/api/v1/tasks/{task_id}", headers=h("office"), json=body)
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "edit_conflict"


def test_attachments_are_stored_checked_and_downloadable(client, task_factory, task_people, h, app):
    task_id = task_factory(coordinating=[task_people.district])
    bad = report(client, h("liaison_a"), task_id, files=[("bao-cao.exe", b"MZ\x90\x00")])
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "attachment_type"
    renamed = report(client, h("liaison_a"), task_id, files=[("bao-cao.pdf", b"not a pdf")])
    assert renamed.status_code == 422
    app.config["TASK_ATTACHMENT_MAX_BYTES"] = 100
    big = report(client, h("liaison_a"), task_id, files=[("bao-cao.pdf", PDF + b"x" * 200)])
    assert big.status_code == 422 and big.get_json()["error"]["code"] == "attachment_too_large"
    assert "20 MB" in big.get_json()["error"]["message"]
    app.config.pop("TASK_ATTACHMENT_MAX_BYTES")
    made = ok(report(client, h("liaison_a"), task_id, files=[("Báo cáo.pdf", PDF), ("anh.png", b"\x89PNG\r\n\x1a\n1")]),
              201)
    assert [(a["filename"], a["content_type"]) for a in made["attachments"]] == [
        ("Báo cáo.pdf", "application/pdf"), ("anh.png", "image/png")]
    url = f"/api/v1/tasks/{task_id}/attachments/{made['attachments'][0]['id']}"
    for who in ("liaison_a", "office", "leader"):
        response = client.get(url, headers=h(who))
        assert response.status_code == 200 and response.data == PDF
        assert response.headers["Content-Type"] == "application/pdf"
    assert client.get(url, headers=h("liaison_b")).status_code == 404
    other = task_factory()
    assert client.get(f"/api/v1/tasks/{other}/attachments/{made['attachments'][0]['id']}",
                      headers=h("office")).status_code == 404


def test_two_extensions_keep_the_original_and_the_history_in_order(client, task_factory, task_people, h):
    task_id = task_factory(deadline=date(2026, 12, 10))
    first = ok(client.post(f"/api/v1/tasks/{task_id}/extensions", headers=h("liaison_a"),
                           json={"new_deadline": "2026-12-20", "reason": "Chờ số liệu của các huyện"}), 201)
    second_pending = client.post(f"/api/v1/tasks/{task_id}/extensions", headers=h("liaison_a"),
                                 json={"new_deadline": "2026-12-25", "reason": "Thêm thời gian"})
    assert second_pending.status_code == 409
    earlier = client.post(f"/api/v1/tasks/{task_id}/extensions", headers=h("liaison_a"),
                          json={"new_deadline": "2026-12-09", "reason": "x"})
    assert earlier.status_code in (409, 422)
    assert client.post(f"/api/v1/task-extensions/{first['id']}/decide", headers=h("liaison_a"),
                       json={"grant": True}).status_code == 403
    granted = ok(client.post(f"/api/v1/task-extensions/{first['id']}/decide", headers=h("leader"),
                             json={"grant": True, "note": "Đồng ý"}))
    assert granted["status"] == "granted" and granted["decided_by"]["id"] == task_people.leader
    assert client.post(f"/api/v1/task-extensions/{first['id']}/decide", headers=h("leader"),
                       json={"grant": False, "note": "x"}).status_code == 409
    not_later = client.post(f"/api/v1/tasks/{task_id}/extensions", headers=h("liaison_a"),
                            json={"new_deadline": "2026-12-20", "reason": "x"})
    assert not_later.status_code == 422 and not_later.get_json()["error"]["code"] == "deadline_not_later"
    second = ok(client.post(f"/api/v1/tasks/{task_id}/extensions", headers=h("liaison_a"),
                            json={"new_deadline": "2027-01-15", "reason": "Vướng kỳ nghỉ cuối năm"}), 201)
    refused = client.post(f"/api/v1/task-extensions/{second['id']}/decide", headers=h("office_leader"),
                          json={"grant": False})
    assert refused.status_code == 422  # refusing needs a reason
    ok(client.post(f"/api/v1/task-extensions/{second['id']}/decide", headers=h("office_leader"),
                   json={"grant": True, "note": ""}))
    task = ok(client.get(f"/api/v1/tasks/{task_id}", headers=h("liaison_a")))
    assert task["original_deadline_on"] == "2026-12-10" and task["deadline_on"] == "2027-01-15"
    assert [(c["old_deadline_on"], c["new_deadline_on"], c["extension_request_id"])
            for c in task["deadline_changes"]] == [("2026-12-10", "2026-12-20", first["id"]),
                                                   ("2026-12-20", "2027-01-15", second["id"])]
    assert [e["status"] for e in task["extension_requests"]] == ["granted", "granted"]


def test_split_into_parts_and_roll_up(client, task_factory, task_people, h):
    parent_id = task_factory(deadline=date(2026, 12, 31), coordinating=[task_people.district])
    one_unit = client.post(f"/api/v1/tasks/{parent_id}/split", headers=h("office"),
                           json={"version": 1, "unit_ids": [task_people.unit_a, task_people.unit_a]})
    assert one_unit.status_code == 422
    parent = ok(client.post(f"/api/v1/tasks/{parent_id}/split", headers=h("office"),
                            json={"version": 1, "unit_ids": [task_people.unit_a, task_people.unit_b]}))
    part_a, part_b = (p["id"] for p in parent["parts"])
    assert [p["lead_unit"]["id"] for p in parent["parts"]] == [task_people.unit_a, task_people.unit_b]
    assert parent["status"] == "new"
    assert report(client, h("office"), parent_id).status_code == 409  # a split task is reported by its parts
    ok(report(client, h("liaison_a"), part_a, percent=40), 201)
    parent = ok(client.get(f"/api/v1/tasks/{parent_id}", headers=h("office")))
    assert parent["status"] == "in_progress" and parent["progress_percent"] == 20
    ok(report(client, h("liaison_a"), part_a, done="true", completed_on="2026-11-20"), 201)
    ok(report(client, h("liaison_b"), part_b, done="true"), 201)
    parent = ok(client.get(f"/api/v1/tasks/{parent_id}", headers=h("office")))
    assert parent["status"] == "reported_done" and parent["completed_on"] == TODAY.isoformat()
    for part in (part_a, part_b):
        version = ok(client.get(f"/api/v1/tasks/{part}", headers=h("office")))["version"]
        ok(client.post(f"/api/v1/tasks/{part}/verify", headers=h("office"), json={"version": version}))
    parent = ok(client.get(f"/api/v1/tasks/{parent_id}", headers=h("office")))
    assert parent["status"] == "verified_done" and parent["completed_on"] == TODAY.isoformat()
    assert parent["progress_percent"] == 100


def test_cancelling_a_split_task_cancels_its_parts(client, task_factory, task_people, h):
    parent_id = task_factory()
    parent = ok(client.post(f"/api/v1/tasks/{parent_id}/split", headers=h("office"),
                            json={"version": 1, "unit_ids": [task_people.unit_a, task_people.unit_b]}))
    cancelled = ok(client.post(f"/api/v1/tasks/{parent_id}/cancel", headers=h("office"),
                               json={"version": parent["version"], "reason": "Đã có chỉ đạo khác"}))
    assert [p["status"] for p in cancelled["parts"]] == ["cancelled", "cancelled"]
