"""Task statistics: the numbers per group and their links, on the API and on the pages."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl

import pytest

from tests.fixtures.browser import ARTIFACTS, signed_in_page
from tests.fixtures.web import web_login
from tests.fixtures import TODAY


@pytest.fixture
def mixed_tasks(task_people, task_factory):
    a, b = task_people.unit_a, task_people.unit_b
    return {
        "on_time": task_factory(lead_unit=a, deadline=TODAY - timedelta(days=5), status="verified_done",
                                completed_on=TODAY - timedelta(days=6)),
        "late": task_factory(lead_unit=a, deadline=TODAY - timedelta(days=10), status="reported_done",
                             completed_on=TODAY - timedelta(days=4)),
        "overdue_a": task_factory(lead_unit=a, deadline=TODAY - timedelta(days=2)),
        "overdue_b": task_factory(lead_unit=b, deadline=TODAY - timedelta(days=9), status="in_progress"),
        "soon": task_factory(lead_unit=b, deadline=TODAY + timedelta(days=7)),
        "later": task_factory(lead_unit=b, deadline=TODAY + timedelta(days=8)),
        "cancelled": task_factory(lead_unit=b, status="cancelled"),
    }


def test_statistics_by_agency(client, task_people, mixed_tasks):
    body = client.get("/api/v1/task-statistics", query_string={"group_by": "agency"},
                      headers=task_people.headers(client, "office")).get_json()
    totals = body["totals"]
    assert totals["total"] == 7
    assert totals["counts"] == {
        "done_on_time": 1, "done_late": 1, "overdue": 2, "due_soon": 1, "not_yet_due": 1, "closed": 1}
    assert totals["on_time_rate"] == 0.5 and totals["average_delay_days"] == 6
    groups = {g["key"]: g for g in body["groups"]}
    assert groups[task_people.unit_a]["total"] == 3 and groups[task_people.unit_b]["overdue"] == 1
    assert groups[task_people.unit_a]["label"] == "Sở Tài chính"
    assert [t["id"] for t in body["overdue"]] == [mixed_tasks["overdue_b"], mixed_tasks["overdue_a"]]
    assert [t["days_overdue"] for t in body["overdue"]] == [9, 2]
    link = dict(parse_qsl(groups[task_people.unit_b]["query"]), derived="overdue")
    assert link == {"lead_unit_id": str(task_people.unit_b), "derived": "overdue", "portfolio": "all"}
    listed = client.get("/api/v1/tasks", query_string=link, headers=task_people.headers(client, "office")).get_json()
    assert [t["id"] for t in listed["items"]] == [mixed_tasks["overdue_b"]]


def test_original_deadline_basis_counts_extensions_as_late(client, task_people, task_factory):
    task_factory(deadline=TODAY + timedelta(days=20), original_deadline=TODAY - timedelta(days=1))
    headers = task_people.headers(client, "office")
    final = client.get("/api/v1/task-statistics", headers=headers).get_json()["totals"]
    original = client.get("/api/v1/task-statistics", query_string={"basis": "original"},
                          headers=headers).get_json()["totals"]
    assert final["counts"]["not_yet_due"] == 1 and final["counts"]["overdue"] == 0
    assert original["counts"]["overdue"] == 1 and "basis=original" in original["query"]


def test_statistics_by_month_link_to_the_month(client, task_people, task_factory):
    task_factory(deadline=TODAY + timedelta(days=15))  # 07/12/2026
    task_factory(deadline=None)
    body = client.get("/api/v1/task-statistics", query_string={"group_by": "month"},
                      headers=task_people.headers(client, "office")).get_json()
    groups = {g["key"]: g for g in body["groups"]}
    december = dict(parse_qsl(groups["2026-12"]["query"]))
    assert december["period_from"] == "2026-12-01" and december["period_to"] == "2026-12-31"
    assert dict(parse_qsl(groups[None]["query"]))["has_deadline"] == "false"


def test_statistics_page_numbers_open_their_lists(client, task_people, mixed_tasks):
    web_login(client, "chuyenvien")
    page = client.get("/tasks/statistics")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="total-overdue"' in html and 'data-count="2"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and 'id="task-stats-data"' in html
    listed = client.get(f"/tasks?derived=overdue&lead_unit_id={task_people.unit_a}&portfolio=all")
    assert f'id="task-{mixed_tasks["overdue_a"]}"' in listed.get_data(as_text=True)
    assert f'id="task-{mixed_tasks["overdue_b"]}"' not in listed.get_data(as_text=True)


def test_liaison_pages_show_only_its_agency(client, task_people, mixed_tasks):
    web_login(client, "sotc")
    html = client.get(f"/tasks?unit_id={task_people.unit_b}").get_data(as_text=True)
    assert "Nhiệm vụ của cơ quan" in html or "Tasks of the agency" in html
    assert f'id="task-{mixed_tasks["overdue_b"]}"' not in html and 'id="no-tasks"' in html
    stats = client.get("/tasks/statistics").get_data(as_text=True)
    assert f'id="overdue-{mixed_tasks["overdue_b"]}"' not in stats
    assert f'id="overdue-{mixed_tasks["overdue_a"]}"' in stats


def test_leader_opens_on_its_portfolio(client, task_people, task_factory):
    mine = task_factory(assigned_by=task_people.leader)
    other = task_factory(assigned_by=None)
    web_login(client, "pct")
    html = client.get("/tasks").get_data(as_text=True)
    assert f'id="task-{mine}"' in html and f'id="task-{other}"' not in html
    html = client.get("/tasks?portfolio=all").get_data(as_text=True)
    assert f'id="task-{other}"' in html


# --- in a real Chromium against the real server (the demo province) --------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(800, 1280), (1280, 800)])
def test_statistics_page_draws_its_charts_on_a_tablet(live_server, browser, width, height):
    context, page = signed_in_page(browser, live_server, "chuyenvien1", width, height)
    page.goto(live_server + "/tasks/statistics")
    page.wait_for_selector("#chart-derived[data-ready='true']")
    page.wait_for_selector("#chart-groups[data-ready='true']")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.text_content("#task-stats-title").startswith("Thống kê nhiệm vụ") or \
        page.text_content("#task-stats-title").startswith("Task statistics")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"task-statistics-{width}x{height}.png"), full_page=True)
    total = page.get_attribute("#total-all", "data-count")
    page.goto(live_server + "/tasks?portfolio=all")
    page.wait_for_selector("#task-list-title")
    if int(total or 0):
        assert page.locator("#task-list tbody tr").count() == min(int(total), 50)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(ARTIFACTS / f"task-list-{width}x{height}.png"), full_page=True)
    context.close()


def _groups(n: int) -> list[dict]:
    keys = ("done_on_time", "done_late", "overdue", "due_soon", "not_yet_due", "closed")
    return [{"key": i, "label": f"Cơ quan {i}", "query": f"lead_unit_id={i}", "total": i,
             "counts": {k: (i if k == "overdue" else 0) for k in keys}} for i in range(1, n + 1)]


def test_the_bar_chart_draws_the_largest_agencies_but_every_period():
    from ecabinet.tasks.statistics.routes import CHART_GROUPS, chart_data

    labels = {"derived": {k: k for k in ("done_on_time", "done_late", "overdue", "due_soon", "not_yet_due",
                                         "closed")}}
    totals = _groups(1)[0]

    def link(group, derived):
        return f"/tasks?{group['query']}&derived={derived}"

    many = chart_data({"group_by": "agency", "groups": _groups(40), "totals": totals}, labels, link)["groups"]
    assert len(many["labels"]) == CHART_GROUPS and not many["all"]
    assert many["labels"][0] == "Cơ quan 40" and many["labels"][-1] == f"Cơ quan {40 - CHART_GROUPS + 1}"
    overdue = next(s for s in many["series"] if s["key"] == "overdue")
    assert overdue["counts"][0] == 40 and overdue["links"][0] == "/tasks?lead_unit_id=40&derived=overdue"
    months = chart_data({"group_by": "month", "groups": _groups(40), "totals": totals}, labels, link)["groups"]
    assert len(months["labels"]) == 40 and months["all"]
