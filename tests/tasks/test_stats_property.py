"""Every number of the statistics equals the length of the list behind it, on random tasks (hypothesis):
parts of split tasks, closed tasks, tasks without a deadline, extended deadlines, both deadline bases, every
grouping, the Office and a liaison, agencies as today (after merges, chains included) or as recorded."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures import TODAY

STATUSES = ["new", "in_progress", "reported_done", "verified_done", "cancelled", "merged"]
GROUPS = ["status", "agency", "leader", "source", "sector", "month", "quarter", "year"]

offsets = st.one_of(st.none(), st.integers(min_value=-120, max_value=120))
task_specs = st.fixed_dictionaries({
    "lead": st.integers(0, 2),
    "coordinating": st.lists(st.integers(0, 2), max_size=2, unique=True),
    "deadline": offsets,
    "extension": st.integers(0, 20),
    "status": st.sampled_from(STATUSES),
    "completed": st.integers(-30, 30),
    "parent": st.one_of(st.none(), st.integers(0, 5)),
    "leader": st.booleans(),
    "sector": st.booleans(),
    "source": st.sampled_from(["manual", "programme", "government"]),
    "created": st.integers(0, 400),
})
scenarios = st.fixed_dictionaries({
    "tasks": st.lists(task_specs, max_size=14),
    "group_by": st.sampled_from(GROUPS),
    "basis": st.sampled_from(["final", "original"]),
    "who": st.sampled_from(["office", "liaison_a"]),
    "period_on": st.sampled_from(["deadline", "created"]),
    "period": st.booleans(),
    "derived": st.one_of(st.none(), st.sampled_from(["overdue", "done_on_time", "due_soon"])),
    "units": st.sampled_from(["today", "recorded"]),
    "reorganised": st.sampled_from(["none", "merged", "chain"]),
})


def _reorganise(task_people, how: str) -> None:
    """Point Sở Y tế (and, in a chain, Sở Tài chính before it) at a successor, as an applied merge leaves them:
    their tasks stay recorded under them."""
    from ecabinet.core.db import db
    from ecabinet.org.models import Unit

    successors = {"none": {}, "merged": {task_people.unit_b: task_people.district},
                  "chain": {task_people.unit_a: task_people.unit_b, task_people.unit_b: task_people.district}}[how]
    for unit_id in (task_people.unit_a, task_people.unit_b):
        db.session.get(Unit, unit_id).successor_id = successors.get(unit_id)
    db.session.commit()


def _replace_tasks(task_people, specs, sector_id):
    from ecabinet.core.db import db
    from ecabinet.org.models import Unit
    from ecabinet.tasks.models import Task, task_coordinators

    db.session.execute(task_coordinators.delete())
    db.session.execute(Task.__table__.update().values(parent_id=None, merged_into_id=None, status="cancelled",
                                                             status_reason="x"))
    db.session.execute(Task.__table__.delete())
    units = [task_people.unit_a, task_people.unit_b, task_people.district]
    made: list[Task] = []
    for spec in specs:
        deadline = None if spec["deadline"] is None else TODAY + timedelta(days=spec["deadline"])
        done = spec["status"] in ("reported_done", "verified_done")
        parent = made[spec["parent"]] if spec["parent"] is not None and spec["parent"] < len(made) else None
        task = Task(
            content="Nhiệm vụ thử", lead_unit_id=units[spec["lead"]], status=spec["status"], source=spec["source"],
            deadline_on=deadline + timedelta(days=spec["extension"]) if deadline else None,
            original_deadline_on=deadline,
            completed_on=(deadline or TODAY) + timedelta(days=spec["completed"]) if done else None,
            status_reason="Không còn phù hợp" if spec["status"] in ("cancelled", "merged") else None,
            assigned_by_id=task_people.leader if spec["leader"] else None,
            sector_id=sector_id if spec["sector"] else None, parent=parent,
            coordinating_units=[db.session.get(Unit, units[i]) for i in spec["coordinating"] if i != spec["lead"]],
            created_at=datetime(2026, 11, 22, 3, tzinfo=timezone.utc) - timedelta(days=spec["created"], hours=5),
        )
        if spec["status"] == "merged":
            if made:
                task.merged_into_id = made[0].id
            else:
                task.status = "cancelled"
        db.session.add(task)
        db.session.flush()
        made.append(task)
    db.session.commit()


@pytest.mark.long
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(scenario=scenarios)
def test_every_count_equals_its_list(app, task_people, scenario):
    from ecabinet.accounts.models import User
    from ecabinet.core.db import db
    from ecabinet.org.models import Sector
    from ecabinet.tasks import queries

    with app.test_request_context():
        sector = db.session.query(Sector).filter_by(code="datdai").one_or_none()
        if sector is None:
            sector = Sector(code="datdai", name="Đất đai")
            db.session.add(sector)
            db.session.commit()
        _replace_tasks(task_people, scenario["tasks"], sector.id)
        _reorganise(task_people, scenario["reorganised"])
        user = db.session.get(User, getattr(task_people, scenario["who"]))
        fields = {"basis": scenario["basis"], "period_on": scenario["period_on"], "derived": scenario["derived"],
                  "units": scenario["units"]}
        if scenario["period"]:
            fields.update(period_from=TODAY - timedelta(days=60), period_to=TODAY + timedelta(days=45))
        base = queries.TaskFilter(**fields)
        stats = queries.statistics(user, base, scenario["group_by"], overdue_limit=1000)

        def listed(group, derived=None) -> int:
            task_filter = group.list_filter(derived)
            params = group.list_params(derived)
            again = queries.TaskFilter.model_validate(params)  # the link, read back
            assert again == task_filter and params == {**task_filter.params(), **params}
            rows, total = queries.tasks_page(user, again, page=queries.Page(1, queries.MAX_PER_PAGE))
            assert len(rows) == total
            return total

        for group in [stats.totals, *stats.groups]:
            assert listed(group) == group.total
            assert sum(group.counts.values()) == group.total
            for derived, count in group.counts.items():
                if group.has_list(derived):
                    assert listed(group, derived) == count
                else:
                    assert count == 0
        assert sum(g.total for g in stats.groups) == stats.totals.total
        assert len(stats.overdue_list) == stats.totals.overdue
        assert all(t.days_overdue >= 1 for t in stats.overdue_list)
        assert [t.days_overdue for t in stats.overdue_list] == sorted((t.days_overdue for t in stats.overdue_list),
                                                                      reverse=True)
        _api_links_equal_the_counts(stats)


def _api_links_equal_the_counts(stats) -> None:
    """The API's query string of each group is the group's own filter, and its numbers are the group's."""
    from urllib.parse import parse_qsl

    from ecabinet.tasks.statistics.views import statistics_out

    out = statistics_out(stats)
    for shown, group in zip([out["totals"], *out["groups"]], [stats.totals, *stats.groups]):
        assert dict(parse_qsl(shown["query"])) == group.list_params()
        assert shown["counts"] == group.counts and shown["total"] == group.total
