"""The notification centre page, the navbar bell and the preferences page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.notify import operations as notify
from ecabinet.notify.models import NotificationPreference
from tests.fixtures.web import csrf_from, web_login


def _notify(app, user_id: int, key: str, link: str | None = "/meetings/4") -> int:
    with app.app_context():
        created = notify.notify(key, [user_id], notify.Message(kind="meeting.rescheduled",
                                                               subject=f"Họp dời lịch {key}",
                                                               body="Dòng một\nDòng hai", link=link))
        db.session.commit()
        return created[0].id


def _bell(html: str) -> str | None:
    match = re.search(r'id="notification-count"[^>]*>([^<]+)<', html)
    return match.group(1) if match else None


def test_the_bell_counts_unread_and_the_page_marks_them(app, client, people):
    first = _notify(app, people.leader, "a")
    _notify(app, people.leader, "b")
    _notify(app, people.secretary, "c")
    web_login(client, "pct")
    home = client.get("/").get_data(as_text=True)
    assert _bell(home) == "2" and 'id="nav-notifications"' in home
    page = client.get("/notifications").get_data(as_text=True)
    assert "Thông báo" in page and "Họp dời lịch a" in page and "Họp dời lịch c" not in page
    assert page.count('data-unread="true"') == 2 and page.index("Họp dời lịch b") < page.index("Họp dời lịch a")
    assert "<div>Dòng hai</div>" in page
    response = client.post(f"/notifications/{first}/read", data={"csrf_token": csrf_from(page),
                                                                "next": "/notifications"})
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    assert _bell(client.get("/").get_data(as_text=True)) == "1"
    response = client.post("/notifications/read-all", data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert _bell(html) is None and "Đã đánh dấu 1 thông báo là đã đọc." in html


def test_open_marks_read_and_follows_the_link(app, client, people):
    notification_id = _notify(app, people.leader, "a", link="/meetings/4")
    web_login(client, "pct")
    token = csrf_from(client.get("/notifications").get_data(as_text=True))
    response = client.post(f"/notifications/{notification_id}/open", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/meetings/4"
    assert client.get("/notifications?unread_only=1").get_data(as_text=True).count('data-unread="true"') == 0


def test_forms_need_csrf_and_others_ids_are_not_found(app, client, people):
    theirs = _notify(app, people.secretary, "c")
    web_login(client, "pct")
    token = csrf_from(client.get("/notifications").get_data(as_text=True))
    assert client.post(f"/notifications/{theirs}/read", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/notifications/{theirs}/open", data={"csrf_token": token}).status_code == 404
    assert client.post("/notifications/read-all", data={}).status_code == 400


def test_an_unsafe_next_goes_back_to_the_list(app, client, people):
    mine = _notify(app, people.leader, "a")
    web_login(client, "pct")
    token = csrf_from(client.get("/notifications").get_data(as_text=True))
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(f"/notifications/{mine}/read", data={"csrf_token": token, "next": target})
        assert response.headers["Location"] == "/notifications"


def test_the_preferences_page_turns_email_off(app, client, people):
    _notify(app, people.leader, "a")
    web_login(client, "pct")
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert 'data-kind="*"' in page and 'data-kind="meeting.rescheduled"' in page
    assert "Cuộc họp đổi thời gian" in page
    form = {"csrf_token": csrf_from(page), "kind": ["*", "meeting.rescheduled"],
            "in_app:*": "on", "in_app:meeting.rescheduled": "on"}
    response = client.post("/notifications/preferences", data=form, follow_redirects=True)
    assert "Đã lưu cài đặt nhận thông báo của bạn." in response.get_data(as_text=True)
    with app.app_context():
        rows = db.session.execute(sa.select(NotificationPreference.kind, NotificationPreference.in_app,
                                            NotificationPreference.email)).all()
    assert rows == [("*", True, False)]  # the kind's row said what the default says: not stored


def test_the_notifications_page_needs_a_sign_in(client, people):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
