"""The notification API: one's own notifications and preferences; others' ids are not found."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.notify import operations as notify
from ecabinet.notify.models import EmailDelivery, Notification
from tests.fixtures.web import api_token, csrf_from, web_login


def _message(i: int) -> notify.Message:
    return notify.Message(kind="meeting.invitation", subject=f"Giấy mời họp số {i}", body="Kính mời.",
                          link=f"/meetings/{i}")


@pytest.fixture
def inbox(app, mailable):
    """Five notifications for the leader, one for the secretary; ids by owner."""
    with app.app_context():
        mine = [notify.notify(f"meeting:{i}:invitation", [mailable.leader], _message(i))[0].id for i in range(5)]
        theirs = notify.notify("meeting:9:invitation", [mailable.secretary], _message(9))[0].id
        db.session.commit()
    return {"mine": mine, "theirs": theirs}


def test_listing_is_newest_first_and_paged_with_the_unread_count(client, inbox):
    headers = api_token(client, "pct")
    body = client.get("/api/v1/notifications?per_page=2&page=2", headers=headers).get_json()
    assert body["total"] == 5 and body["unread_count"] == 5 and body["page"] == 2
    assert [item["id"] for item in body["items"]] == inbox["mine"][::-1][2:4]
    item = body["items"][0]
    assert set(item) == {"id", "kind", "subject", "body", "link", "created_at", "read_at"}
    assert item["read_at"] is None and item["link"].startswith("/meetings/")


def test_marking_read_one_and_all(client, inbox):
    headers = api_token(client, "pct")
    first = client.post(f"/api/v1/notifications/{inbox['mine'][0]}/read", headers=headers)
    assert first.status_code == 200 and first.get_json()["read_at"]
    again = client.post(f"/api/v1/notifications/{inbox['mine'][0]}/read", headers=headers).get_json()
    assert again["read_at"] == first.get_json()["read_at"]  # the first reading time stays
    unread = client.get("/api/v1/notifications?unread_only=true", headers=headers).get_json()
    assert unread["total"] == 4 and inbox["mine"][0] not in [i["id"] for i in unread["items"]]
    result = client.post("/api/v1/notifications/read-all", headers=headers).get_json()
    assert result == {"marked": 4, "unread_count": 0}
    theirs = client.get("/api/v1/notifications", headers=api_token(client, "chuyenvien")).get_json()
    assert theirs["unread_count"] == 1  # read-all touched only the caller's


def test_another_users_notification_is_not_found(client, inbox):
    headers = api_token(client, "pct")
    response = client.post(f"/api/v1/notifications/{inbox['theirs']}/read", headers=headers)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert client.post("/api/v1/notifications/2147483647/read", headers=headers).status_code == 404


def test_preferences_default_then_replace(app, client, mailable):
    headers = api_token(client, "pct")
    assert client.get("/api/v1/notifications/preferences", headers=headers).get_json() == [
        {"kind": "*", "in_app": True, "email": True}]
    wanted = [{"kind": "meeting.*", "in_app": True, "email": False}, {"kind": "*", "in_app": True, "email": True}]
    response = client.put("/api/v1/notifications/preferences", json=wanted, headers=headers)
    assert response.status_code == 200
    assert response.get_json() == [wanted[1], wanted[0]]
    with app.app_context():
        notify.notify("meeting:1:invitation", [mailable.leader], _message(1))
        notify.notify("task:1:assigned", [mailable.leader], notify.Message(kind="task.assigned", subject="Giao việc",
                                                                             body=""))
        db.session.commit()
        kinds = db.session.scalars(sa.select(Notification.kind).join(EmailDelivery)).all()
        assert kinds == ["task.assigned"]  # e-mail is off for meetings only
    response = client.put("/api/v1/notifications/preferences", json=[], headers=headers)
    assert response.get_json() == [{"kind": "*", "in_app": True, "email": True}]


@pytest.mark.parametrize("body, status", [
    ([{"kind": "*", "in_app": True, "email": True}, {"kind": "*", "in_app": False, "email": True}], 422),
    ([{"kind": "Meeting", "in_app": True, "email": True}], 422),
    ([{"kind": "meeting.*.x", "in_app": True, "email": True}], 422),
    ([{"kind": "*", "in_app": "yes", "email": True}], 422),
    ([{"kind": "*", "in_app": True}], 422),
    ([{"kind": "*", "in_app": True, "email": True, "sms": True}], 422),
    ({"kind": "*"}, 422),
    ("[{", 400),
])
def test_bad_preferences_are_json_errors(client, people, body, status):
    headers = api_token(client, "pct")
    if isinstance(body, str):
        response = client.put("/api/v1/notifications/preferences", data=body, content_type="application/json",
                              headers=headers)
    else:
        response = client.put("/api/v1/notifications/preferences", json=body, headers=headers)
    assert response.status_code == status
    assert set(response.get_json()) == {"error"}


def test_bad_query_parameters_are_422(client, people):
    response = client.get("/api/v1/notifications?per_page=1000", headers=api_token(client, "pct"))
    assert response.status_code == 422


def test_signing_in_is_required_and_a_cookie_session_needs_the_csrf_header(client, inbox):
    assert client.get("/api/v1/notifications").status_code == 401
    web_login(client, "pct")
    assert client.get("/api/v1/notifications").status_code == 200
    assert client.post("/api/v1/notifications/read-all").status_code == 400
    token = csrf_from(client.get("/notifications").get_data(as_text=True))
    response = client.post("/api/v1/notifications/read-all", headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json()["marked"] == 5


def test_a_viewer_may_read_and_set_their_own(client, people):
    headers = api_token(client, "quansat")
    assert client.get("/api/v1/notifications", headers=headers).status_code == 200
    response = client.put("/api/v1/notifications/preferences", json=[{"kind": "*", "in_app": True, "email": False}],
                          headers=headers)
    assert response.status_code == 200


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert {"/api/v1/notifications", "/api/v1/notifications/{notification_id}/read",
            "/api/v1/notifications/read-all", "/api/v1/notifications/preferences"} <= set(paths)
    assert {"get", "put"} <= set(paths["/api/v1/notifications/preferences"])
