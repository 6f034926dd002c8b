"""A meeting that has ended, with two agenda items and conclusions whose directives cover every deadline kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from tests.fixtures.web import api_token
from tests.meetings.conftest import MONDAY_8H, schedule_meeting, secretary, venue  # noqa: F401

DATE_DEADLINE = date(2026, 12, 31)
"""The deadline of the directive that has a date."""


@dataclass(frozen=True)
class ConcludedMeeting:
    """Ids of an ended meeting, its chair, items, conclusions and directives, and API headers per username.

    ``directives`` is keyed by what each directive shows: "date" (deadline ``DATE_DEADLINE``), "working_days"
    (10 working days from issue) and "coordinated" (coordinating units, no deadline, report required).
    """

    id: int
    chair: int
    secretary: int
    items: list[int]
    conclusions: list[int]
    directives: dict[str, int]
    units: dict[str, int]
    headers: dict[str, dict[str, str]] = field(repr=False)


def _ok(response, status: int = 200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _end_meeting(client, headers, meeting: dict) -> None:
    """Publish, start and end the meeting through the API, as the secretary does it."""
    _ok(client.post(f"/api/v1/meetings/{meeting['id']}/status", headers=headers,
                    json={"version": meeting["version"], "action": "publish", "reason": "Họp gấp theo chỉ đạo"}))
    for action in ("start", "end"):
        _ok(client.post(f"/api/v1/meetings/{meeting['id']}/live/actions", headers=headers,
                        json={"action": action, "args": {}}))


def _conclude(client, headers, meeting_id: int, items: list[int], people) -> tuple[list[int], dict[str, int]]:
    first = _ok(client.post(f"/api/v1/meetings/{meeting_id}/conclusions", headers=headers, json={
        "agenda_item_id": items[0],
        "text": "Ủy ban nhân dân tỉnh thống nhất với báo cáo tình hình giải ngân vốn đầu tư công năm 2026.",
    }), 201)
    second = _ok(client.post(f"/api/v1/meetings/{meeting_id}/conclusions", headers=headers, json={
        "agenda_item_id": items[1], "text": "Thống nhất chủ trương triển khai Đề án chuyển đổi số của tỉnh.",
    }), 201)
    directives = {}
    bodies = {
        "date": (first["id"], {"content": "tổng hợp danh mục dự án chậm giải ngân", "lead_unit_id": people.department,
                               "deadline": {"kind": "date", "on": DATE_DEADLINE.isoformat()}}),
        "working_days": (first["id"], {"content": "rà soát, đề xuất điều chuyển vốn giữa các dự án",
                                       "lead_unit_id": people.department,
                                       "deadline": {"kind": "working_days", "count": 10}}),
        "coordinated": (second["id"], {"content": "xây dựng kế hoạch triển khai Đề án",
                                       "lead_unit_id": people.other_department,
                                       "coordinating_unit_ids": [people.department, people.district],
                                       "deadline": {"kind": "none"}, "report_required": True}),
    }
    for key, (conclusion_id, body) in bodies.items():
        directives[key] = _ok(client.post(f"/api/v1/conclusions/{conclusion_id}/directives", headers=headers,
                                          json=body), 201)["id"]
    return [first["id"], second["id"]], directives


@pytest.fixture
def concluded_meeting(client, people, schedule_meeting, secretary) -> ConcludedMeeting:  # noqa: F811
    """An ended meeting chaired by the Phó Chủ tịch ``pct`` with two agenda items, each with a conclusion."""
    [meeting] = schedule_meeting(title="Cuộc họp nghe báo cáo tình hình thực hiện kế hoạch đầu tư công năm 2026")
    items = []
    for title in ("Tình hình giải ngân vốn đầu tư công năm 2026", "Đề án chuyển đổi số tỉnh Quảng Ngãi"):
        items.append(_ok(client.post(f"/api/v1/meetings/{meeting['id']}/agenda", headers=secretary,
                                     json={"title": title, "presenting_unit_id": people.department}), 201)["id"])
    _end_meeting(client, secretary, meeting)
    conclusions, directives = _conclude(client, secretary, meeting["id"], items, people)
    headers = {name: api_token(client, name) for name in ("pct", "chanhvp", "sotc", "quansat", "admin")}
    headers["chuyenvien"] = secretary
    return ConcludedMeeting(
        id=meeting["id"], chair=people.leader, secretary=people.secretary, items=items, conclusions=conclusions,
        directives=directives, headers=headers,
        units={"lead": people.department, "other": people.other_department, "district": people.district},
    )
