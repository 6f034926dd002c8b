"""Task lists: filters, sorting, pagination and the liaison's isolation, through the API."""

from __future__ import annotations

from datetime import timedelta

from tests.fixtures import TODAY


def _ids(client, headers, **params) -> list[int]:
    response = client.get("/api/v1/tasks", query_string=params, headers=headers)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_filters_by_derived_status_unit_and_text(client, task_people, task_factory):
    overdue = task_factory(deadline=TODAY - timedelta(days=3), content="Báo cáo giải phóng mặt bằng")
    due_today = task_factory(deadline=TODAY, lead_unit=task_people.unit_b)
    coordinated = task_factory(lead_unit=task_people.unit_b, coordinating=[task_people.unit_a])
    late = task_factory(deadline=TODAY - timedelta(days=10), status="reported_done",
                        completed_on=TODAY - timedelta(days=4))
    headers = task_people.headers(client, "office")
    assert _ids(client, headers, derived="overdue") == [overdue]
    assert _ids(client, headers, derived="due_soon") == [due_today]
    assert _ids(client, headers, derived="done_late") == [late]
    assert sorted(_ids(client, headers, unit_id=task_people.unit_a)) == sorted([overdue, coordinated, late])
    assert sorted(_ids(client, headers, lead_unit_id=task_people.unit_b)) == sorted([due_today, coordinated])
    assert _ids(client, headers, q="GIẢI PHÓNG") in ([overdue], [])  # SQLite lowers ASCII only
    assert _ids(client, headers, q="giải phóng") == [overdue]


def test_sorting_and_pagination(client, task_people, task_factory):
    ids = [task_factory(deadline=TODAY + timedelta(days=d)) for d in (5, 1, 9, 3)]
    no_deadline = task_factory(deadline=None)
    headers = task_people.headers(client, "office")
    by_deadline = [ids[1], ids[3], ids[0], ids[2], no_deadline]
    assert _ids(client, headers, sort="deadline") == by_deadline
    assert _ids(client, headers, sort="deadline", order="desc")[:4] == list(reversed(by_deadline[:4]))
    response = client.get("/api/v1/tasks", query_string={"per_page": 2, "page": 2}, headers=headers).get_json()
    assert response["total"] == 5 and [i["id"] for i in response["items"]] == by_deadline[2:4]
    assert client.get("/api/v1/tasks", query_string={"per_page": 500}, headers=headers).status_code == 422


def test_parents_count_through_their_parts(client, task_people, task_factory):
    parent = task_factory(lead_unit=task_people.office_unit)
    parts = [task_factory(parent=parent, lead_unit=unit) for unit in (task_people.unit_a, task_people.unit_b)]
    headers = task_people.headers(client, "office")
    assert sorted(_ids(client, headers)) == sorted(parts)
    assert sorted(_ids(client, headers, include_parents="true")) == sorted([parent, *parts])


def test_liaison_sees_only_its_agency_even_when_asking_for_another(client, task_people, task_factory):
    own = task_factory(lead_unit=task_people.unit_a)
    coordinated = task_factory(lead_unit=task_people.unit_b, coordinating=[task_people.unit_a])
    foreign = task_factory(lead_unit=task_people.unit_b, deadline=TODAY - timedelta(days=2))
    headers = task_people.headers(client, "liaison_a")
    assert sorted(_ids(client, headers)) == sorted([own, coordinated])
    assert _ids(client, headers, lead_unit_id=task_people.unit_b) == [coordinated]  # visible as a coordinator
    response = client.get("/api/v1/tasks", query_string={"lead_unit_id": task_people.unit_b, "derived": "overdue"},
                          headers=headers).get_json()
    assert response["items"] == [] and response["total"] == 0
    stats = client.get("/api/v1/task-statistics", query_string={"lead_unit_id": task_people.unit_b},
                       headers=headers).get_json()
    assert stats["totals"]["total"] == 1 and stats["overdue"] == []
    assert stats["totals"]["overdue"] == 0
    assert foreign not in _ids(client, headers, derived="overdue")


def test_portfolio_of_a_leader(client, task_people, task_factory):
    mine = task_factory(assigned_by=task_people.leader)
    other = task_factory(assigned_by=None)
    headers = task_people.headers(client, "leader")
    assert _ids(client, headers, portfolio="me") == [mine]
    assert sorted(_ids(client, headers)) == sorted([mine, other])
    assert _ids(client, headers, leader_id="none") == [other]


def test_period_on_the_deadline_or_the_day_entered(client, task_people, task_factory):
    from datetime import datetime, timezone

    in_december = task_factory(deadline=TODAY + timedelta(days=15),
                               created_at=datetime(2026, 10, 31, 18, 0, tzinfo=timezone.utc))  # 01/11 in Hà Nội
    task_factory(deadline=TODAY + timedelta(days=60))
    headers = task_people.headers(client, "office")
    assert _ids(client, headers, period_from="01/12/2026", period_to="31/12/2026") == [in_december]
    assert _ids(client, headers, period_on="created", period_from="01/11/2026", period_to="01/11/2026") == \
        [in_december]


def test_a_viewer_without_task_scope_is_refused(client, task_people, task_factory):
    task_factory()
    response = client.get("/api/v1/tasks", headers=task_people.headers(client, "viewer"))
    assert response.status_code == 403
