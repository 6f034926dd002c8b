"""Shared steps of the materials tests: a meeting, uploads, publishing, the pack builder job."""

from __future__ import annotations

from io import BytesIO

import pytest

from ecabinet.core.db import db
from tests.meetings.conftest import schedule_meeting, secretary, venue  # noqa: F401  (shared fixtures)


@pytest.fixture
def meeting(schedule_meeting):  # noqa: F811
    [created] = schedule_meeting()
    return created


def upload(client, headers, meeting_id, data, **fields):
    form = {"title": "Tờ trình về kế hoạch đầu tư công năm 2027", "doc_type": "submission", **fields,
            "file": (BytesIO(data), "to-trinh.pdf")}
    return client.post(f"/api/v1/meetings/{meeting_id}/materials", headers=headers, data=form,
                       content_type="multipart/form-data")


def publish(client, headers, meeting_id, note: str = ""):
    response = client.post(f"/api/v1/meetings/{meeting_id}/publications", headers=headers, json={"note": note})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def build_packs(app) -> int:
    """Run the pack builder job until the queue is empty; how many packs it built."""
    from ecabinet.materials import packs

    built = 0
    with app.app_context():
        while packs.build_queued():
            built += 1
        db.session.remove()
    return built
