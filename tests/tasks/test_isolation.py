"""An agency's liaison sees and changes only its own agency's tasks (and comments on those it coordinates):
through the API, the pages, the attachments and the parts shown in a parent's detail."""

from __future__ import annotations

from io import BytesIO

import pytest

from tests.fixtures.web import csrf_from, web_login
from tests.fixtures.tasks import PDF, report
from tests.fixtures.web import ok


@pytest.fixture
def a_task(client, task_factory, h):
    """Agency A's task with a report carrying a file, and a pending extension request: (task id, attachment id,
    extension request id)."""
    task_id = task_factory()
    made = ok(report(client, h("liaison_a"), task_id, files=[("bao-cao.pdf", PDF)]), 201)
    extension = ok(client.post(f"/api/v1/tasks/{task_id}/extensions", headers=h("liaison_a"),
                               json={"new_deadline": "2027-03-01", "reason": "Chờ số liệu"}), 201)
    return task_id, made["attachments"][0]["id"], extension["id"]


API_CHANGES = [
    ("PUT", "", {"content": "x", "lead_unit_id": 1, "version": 2}),
    ("POST", "/start", {"version": 2}),
    ("POST", "/verify", {"version": 2}),
    ("POST", "/return", {"version": 2, "reason": "x"}),
    ("POST", "/cancel", {"version": 2, "reason": "x"}),
    ("POST", "/merge", {"version": 2, "reason": "x", "into_id": 1}),
    ("POST", "/split", {"version": 2, "unit_ids": [1, 2]}),
    ("POST", "/comments", {"text": "Ý kiến"}),
    ("POST", "/extensions", {"new_deadline": "2027-05-01", "reason": "x"}),
]


@pytest.mark.parametrize("who", ["liaison_b", "viewer"])
def test_another_agency_cannot_see_or_change_the_task_through_the_api(client, a_task, h, who):
    task_id, attachment_id, extension_id = a_task
    headers = h(who)
    assert client.get(f"/api/v1/tasks/{task_id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/tasks/{task_id}/attachments/{attachment_id}", headers=headers).status_code == 404
    for method, suffix, body in API_CHANGES:
        response = client.open(f"/api/v1/tasks/{task_id}{suffix}", method=method, headers=headers, json=body)
        assert response.status_code == 404, (method, suffix, response.get_json())
    assert report(client, headers, task_id).status_code == 404
    assert client.post(f"/api/v1/task-extensions/{extension_id}/decide", headers=headers,
                       json={"grant": True}).status_code == 404
    # nothing changed: agency A still sees its task as it was
    task = ok(client.get(f"/api/v1/tasks/{task_id}", headers=h("liaison_a")))
    assert task["comments"] == [] and len(task["reports"]) == 1 and task["extension_requests"][0]["status"] == \
        "pending"


def test_another_agency_cannot_see_or_change_the_task_through_the_pages(app, a_task):
    task_id, attachment_id, extension_id = a_task
    client = app.test_client()
    web_login(client, "soyt")
    token = csrf_from(client.get("/account/password").get_data(as_text=True))
    assert client.get(f"/tasks/{task_id}").status_code == 404
    assert client.get(f"/tasks/{task_id}/edit").status_code == 404
    assert client.get(f"/tasks/{task_id}/attachments/{attachment_id}").status_code == 404
    for action in ("start", "verify", "return", "cancel", "merge", "split", "comment", "extension", "edit",
                   f"extensions/{extension_id}/decide"):
        response = client.post(f"/tasks/{task_id}/{action}", data={"csrf_token": token, "text": "x",
                                                                   "reason": "x", "version": "2"})
        assert response.status_code == 404, action
    upload = client.post(f"/tasks/{task_id}/report", content_type="multipart/form-data",
                         data={"csrf_token": token, "text": "x", "files": [(BytesIO(PDF), "a.pdf")]})
    assert upload.status_code == 404


def test_a_parent_shows_only_the_parts_the_user_may_see(client, app, task_factory, task_people, h):
    parent_id = task_factory(lead_unit=task_people.unit_b)
    parent = ok(client.post(f"/api/v1/tasks/{parent_id}/split", headers=h("office"),
                            json={"version": 1, "unit_ids": [task_people.unit_a, task_people.unit_b]}))
    part_a, part_b = (p["id"] for p in parent["parts"])
    seen_by_b = ok(client.get(f"/api/v1/tasks/{parent_id}", headers=h("liaison_b")))
    assert [p["id"] for p in seen_by_b["parts"]] == [part_b]
    assert client.get(f"/api/v1/tasks/{part_a}", headers=h("liaison_b")).status_code == 404
    assert client.get(f"/api/v1/tasks/{parent_id}", headers=h("liaison_a")).status_code == 404  # A: its part only
    ok(client.get(f"/api/v1/tasks/{part_a}", headers=h("liaison_a")))
    page_client = app.test_client()
    web_login(page_client, "soyt")
    html = page_client.get(f"/tasks/{parent_id}").get_data(as_text=True)
    assert f'id="task-row-{part_b}"' in html and f'id="task-row-{part_a}"' not in html
    web_login(page_client := app.test_client(), "sotc")
    part_page = page_client.get(f"/tasks/{part_a}").get_data(as_text=True)
    assert 'id="parent-link"' not in part_page  # the parent is not A's to open


def test_a_coordinating_agency_sees_and_comments_but_does_not_report(client, task_factory, task_people,
                                                                     h):
    task_id = task_factory(coordinating=[task_people.unit_b])
    seen = ok(client.get(f"/api/v1/tasks/{task_id}", headers=h("liaison_b")))
    assert seen["lead_unit"]["id"] == task_people.unit_a
    ok(client.post(f"/api/v1/tasks/{task_id}/comments", headers=h("liaison_b"),
                   json={"text": "Sở Y tế thống nhất, đề nghị bổ sung số liệu y tế cơ sở"}), 201)
    assert report(client, h("liaison_b"), task_id).status_code == 403
    assert client.post(f"/api/v1/tasks/{task_id}/extensions", headers=h("liaison_b"),
                       json={"new_deadline": "2027-05-01", "reason": "x"}).status_code == 403
    assert client.post(f"/api/v1/tasks/{task_id}/start", headers=h("liaison_b"),
                       json={"version": 1}).status_code == 403
    task = ok(client.get(f"/api/v1/tasks/{task_id}", headers=h("liaison_a")))
    assert [c["author"]["username"] for c in task["comments"]] == ["soyt"] and task["status"] == "new"
