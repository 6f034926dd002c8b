from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.fixtures.web import api_token

MONDAY_8H = datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc)  # 08:00 in Hà Nội, Monday 30/11/2026


@pytest.fixture
def venue(app, people):
    from tests.fixtures.factories import make_venue

    with app.app_context():
        return make_venue(people)


@pytest.fixture
def secretary(client, people):
    return api_token(client, "chuyenvien")


@pytest.fixture
def schedule_meeting(client, people, venue, secretary):
    """POST a meeting as the secretariat; keyword arguments override the defaults."""

    def schedule(expect: int = 201, headers=None, **overrides):
        body = {"title": "Họp về kế hoạch đầu tư công năm 2027", "kind_id": venue.kind, "chair_id": people.leader,
                "secretary_id": people.secretary, "starts_at": MONDAY_8H.isoformat(),
                "ends_at": (MONDAY_8H + timedelta(hours=2)).isoformat(), "room_id": venue.room,
                "invitee_ids": [people.office_leader], "unit_ids": [people.department]}
        body.update(overrides)
        response = client.post("/api/v1/meetings", json=body, headers=headers or secretary)
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    return schedule


from tests.notify.conftest import mailable  # noqa: E402,F401  (people with e-mail addresses)
