"""Every number of the Office's report equals the list it counts, on random records (hypothesis): meetings of
every status around the period's local midnights, confidential ones, their conclusions, directives and notices,
published and draft materials (confidential ones with their named readers) and who opened them, tasks entered
around the same midnights, the work programme's items of every state due in months and quarters around them; read
by the Office, its leader and a Phó Chủ tịch, over a month, a quarter or a year.

The lists are the per-object rules of ``policy`` applied to every record in Python (what each person may open),
for tasks the task list itself (``tasks.queries.tasks_page``) behind each count's link, and for the programme the
programme's own list (``programme.operations.items_of``) by state and behind."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.reports import (
    add_conclusion,
    add_material,
    add_meeting,
    add_notice,
    add_programme_items,
    clear_records,
)

STATUSES = ["ended", "ended", "closed", "in_progress", "draft", "published", "cancelled", "postponed"]
TASK_STATUSES = ["new", "in_progress", "reported_done", "verified_done", "cancelled"]
START = datetime(2026, 9, 30, 17, tzinfo=timezone.utc)  # local midnight of 01/10/2026

MIDNIGHTS = [0, 744, 1464, 2208]
"""Hours from the start of October (local) to the starts of November, December and January."""
hours = st.one_of(st.sampled_from([h + d for h in MIDNIGHTS for d in (-1, 0)]), st.integers(-24 * 10, 24 * 95))
materials = st.fixed_dictionaries({"pages": st.integers(1, 30), "published": st.booleans(),
                                   "confidential": st.booleans(), "named": st.lists(st.integers(0, 2), unique=True),
                                   "opened": st.lists(st.integers(0, 2), unique=True, max_size=3)})
meetings = st.fixed_dictionaries({
    "kind": st.integers(0, 1), "chair": st.integers(0, 1), "status": st.sampled_from(STATUSES), "at": hours,
    "confidential": st.booleans(), "leader_invited": st.booleans(),
    "directives": st.lists(st.integers(0, 2), max_size=2), "notice": st.one_of(st.none(), st.integers(-5, 90)),
    "materials": st.lists(materials, min_size=1, max_size=2),
})
tasks = st.fixed_dictionaries({"lead": st.integers(0, 1), "sector": st.booleans(), "at": hours,
                               "deadline": st.integers(-30, 60), "extension": st.sampled_from([0, 0, 10]),
                               "status": st.sampled_from(TASK_STATUSES), "completed": st.integers(-5, 5)})
programme_items = st.tuples(st.integers(0, 1), st.sampled_from([("month", m) for m in (8, 9, 10, 11, 12)]
                                                              + [("quarter", q) for q in (3, 4)]),
                            st.sampled_from(["proposed", "planned", "on_agenda", "done", "dropped"]))
scenarios = st.fixed_dictionaries({
    "meetings": st.lists(meetings, min_size=1, max_size=5), "tasks": st.lists(tasks, max_size=6),
    "programme": st.lists(programme_items, max_size=6),
    "who": st.sampled_from(["office", "office_leader", "leader"]),
    "period": st.sampled_from(["2026-10", "2026-11", "2026-Q4", "2026-Q4", "2026-09", "2026"]),
    "units": st.sampled_from(["today", "recorded"]),
})


def _write(task_people, report_people, scenario) -> None:
    from ecabinet.core.db import db
    from ecabinet.tasks.models import Task

    readers = (task_people.office, task_people.office_leader, task_people.leader)
    units = (task_people.unit_a, task_people.unit_b)
    clear_records()
    for number, spec in enumerate(scenario["meetings"], start=1):
        meeting = add_meeting(kind=report_people.kinds[spec["kind"]], chair=report_people.chairs[spec["chair"]],
                              starts_at=START + timedelta(hours=spec["at"]), created_by=task_people.office,
                              status=spec["status"], confidential=spec["confidential"],
                              invited=(task_people.leader,) if spec["leader_invited"] else ())
        for directives in spec["directives"]:
            add_conclusion(meeting, directives, task_people.unit_a, task_people.office)
        if spec["notice"] is not None:
            add_notice(meeting, date(2026, 10, 1) + timedelta(days=spec["notice"]), task_people.office, number)
        for m in spec["materials"]:
            add_material(meeting, pages=m["pages"], uploader=task_people.office, published=m["published"],
                         confidential=m["confidential"], named_readers=tuple(readers[i] for i in m["named"]),
                         opened_by=tuple(readers[i] for i in m["opened"]))
    for spec in scenario["tasks"]:
        deadline = date(2026, 10, 15) + timedelta(days=spec["deadline"])
        done = spec["status"] in ("reported_done", "verified_done")
        db.session.add(Task(
            content="Nhiệm vụ thử", lead_unit_id=units[spec["lead"]], status=spec["status"],
            sector_id=report_people.sector if spec["sector"] else None, original_deadline_on=deadline,
            deadline_on=deadline + timedelta(days=spec["extension"]),
            completed_on=deadline + timedelta(days=spec["completed"]) if done else None,
            status_reason="Không còn phù hợp" if spec["status"] == "cancelled" else None,
            created_at=START + timedelta(hours=spec["at"])))
    add_programme_items(2026, report_people.chairs[1], task_people.office,
                        [(units[lead], kind, period, state) for lead, (kind, period), state in scenario["programme"]])
    db.session.commit()


def _rows(report, key: str) -> dict[str, tuple[int, ...]]:
    table = next(t for s in report.sections for t in s.tables if t.key == key)
    assert tuple(sum(r.cells[i].value for r in table.rows) for i in range(len(table.columns))) == \
        tuple(c.value for c in table.total.cells)
    return {row.label: tuple(c.value for c in row.cells) for row in table.rows if any(c.value for c in row.cells)}


def _expected_meetings(user, period):
    """What the person may open of the meetings held in the period, with its conclusions, directives, notices
    and the pages of the materials it may open."""
    import sqlalchemy as sa

    from ecabinet.conclusions.models import Conclusion
    from ecabinet.core.clock import local_date
    from ecabinet.core.db import db
    from ecabinet.materials.models import Material, MaterialRead
    from ecabinet.meetings.models import Meeting
    from ecabinet.notices.models import Notice
    from ecabinet.policy import Action, allowed
    from ecabinet.reports.queries import HELD

    first, last = period.days
    held = [m for m in db.session.scalars(sa.select(Meeting))
            if m.status in HELD and first <= local_date(m.starts_at) <= last]
    seen = [m for m in held if allowed(user, Action.VIEW_MEETING, m)]
    by_kind = Counter(m.kind.name for m in seen)
    by_chair = Counter(m.chair.full_name for m in seen)
    minutes = {m.id for m in held if allowed(user, Action.VIEW_MINUTES, m)}
    conclusions, directives, notices = Counter(), Counter(), Counter()
    for conclusion in db.session.scalars(sa.select(Conclusion)):
        if conclusion.meeting_id in minutes:
            conclusions[conclusion.meeting.chair.full_name] += 1
            directives[conclusion.meeting.chair.full_name] += len(conclusion.directives)
    for notice in db.session.scalars(sa.select(Notice)):
        if (notice.status == "issued" and first <= notice.issued_on <= last
                and allowed(user, Action.VIEW_NOTICE, notice)):
            notices[notice.meeting.chair.full_name] += 1
    per_chair = {name: (conclusions[name], directives[name], notices[name])
                 for name in {*conclusions, *directives, *notices} if conclusions[name] or directives[name]
                 or notices[name]}
    paper = [0, 0, 0, 0]
    held_ids = {m.id for m in held}
    for material in db.session.scalars(sa.select(Material)):
        if material.meeting_id in held_ids and material.publication_id and material.versions and \
                allowed(user, Action.VIEW_MATERIAL, material):
            pages = material.versions[-1].page_count
            opened = db.session.scalar(sa.select(sa.func.count()).select_from(MaterialRead)
                                       .where(MaterialRead.material_id == material.id))
            for i, value in enumerate((1, pages, opened, pages * opened)):
                paper[i] += value
    return ({k: (n,) for k, n in by_kind.items()}, {k: (n,) for k, n in by_chair.items()}, per_chair, tuple(paper))


def _expected_programme(user, period) -> dict[str, tuple[int, ...]]:
    """Per lead agency, of the programme's list that the person sees, the items due in a month of the period:
    planned (planned, on an agenda or done), presented, behind, dropped."""
    import sqlalchemy as sa

    from ecabinet.core.db import db
    from ecabinet.programme.models import ItemState, Programme
    from ecabinet.programme.operations import ItemFilter, items_of

    programme = db.session.scalar(sa.select(Programme))
    first, last = period.days

    def due(item_filter: ItemFilter) -> Counter:
        return Counter(item.lead_unit.name for item in items_of(programme, user, item_filter)
                       if first.month <= (item.period if item.period_kind == "month" else item.period * 3)
                       <= last.month)

    planned = sum((due(ItemFilter(state=state)) for state in (ItemState.PLANNED, ItemState.ON_AGENDA,
                                                               ItemState.DONE)), Counter())
    columns = (planned, due(ItemFilter(state=ItemState.DONE)), due(ItemFilter(behind=True)),
               due(ItemFilter(state=ItemState.DROPPED)))
    return {name: tuple(column[name] for column in columns)
            for name in set().union(*columns) if any(column[name] for column in columns)}


def _check_task_table(user, report, key: str, entered: int) -> None:
    from ecabinet.tasks import queries

    table = next(t for s in report.sections for t in s.tables if t.key == key)
    assert table.total.cells[0].value == entered
    for row in [*table.rows, table.total]:
        assert row.cells[0].value == sum(c.value for c in row.cells[1:5]) + _closed(user, row)
        for cell in row.cells:
            if cell.list_params is not None:
                again = queries.TaskFilter.model_validate(cell.list_params)  # the link, read back
                assert queries.tasks_page(user, again, page=queries.Page(1, 1))[1] == cell.value


def _closed(user, row) -> int:
    """The row's cancelled tasks: counted as assigned, in no other column."""
    from ecabinet.tasks import queries

    closed = queries.TaskFilter.model_validate({**row.cells[0].list_params, "derived": "closed"})
    return queries.tasks_page(user, closed, page=queries.Page(1, 1))[1]


@pytest.mark.long
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(scenario=scenarios)
def test_every_number_equals_its_list(app, task_people, report_people, scenario):
    from ecabinet.accounts.models import User
    from ecabinet.core.clock import local_date
    from ecabinet.core.db import db
    from ecabinet.reports.queries import Period, office_report
    from ecabinet.tasks.models import Task

    with app.test_request_context():
        _write(task_people, report_people, scenario)
        user = db.session.get(User, getattr(task_people, scenario["who"]))
        period = Period(scenario["period"])
        report = office_report(user, period, scenario["units"])
        by_kind, by_chair, per_chair, paper = _expected_meetings(user, period)
        assert _rows(report, "meetings_by_kind") == by_kind
        assert _rows(report, "meetings_by_chair") == by_chair
        assert _rows(report, "conclusions_by_chair") == per_chair
        [paper_table] = [t for s in report.sections for t in s.tables if t.key == "paper_by_month"]
        assert tuple(c.value for c in paper_table.total.cells) == paper
        assert len(paper_table.rows) == len(period.months())
        assert _rows(report, "programme_by_agency") == _expected_programme(user, period)
        first, last = period.days
        entered = sum(1 for t in db.session.scalars(db.select(Task)) if first <= local_date(t.created_at) <= last)
        _check_task_table(user, report, "tasks_by_agency", entered)
        _check_task_table(user, report, "tasks_by_sector", entered)
