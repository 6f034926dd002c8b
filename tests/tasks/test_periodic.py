"""Periodic reports (báo cáo định kỳ) roll on: deadlines counted from the anchor with month ends clamped, a period
rolls on once it is over (past its deadline, or done), once however often the job runs (also against a concurrent
runner), until the series' end or its cancellation; parts roll with their parent; an extension moves one period
only; entering a periodic task is validated; the task page links the periods.

"Today" is Sunday 22/11/2026 (``TODAY``); the job takes ``today=``.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.notify.models import Notification
from ecabinet.tasks import periodic
from ecabinet.tasks.models import Recurrence, Task, TaskStatus
from tests.fixtures import TODAY
from tests.fixtures.browser import ARTIFACTS, signed_in_page
from tests.fixtures.conclusions import DATE_DEADLINE
from tests.fixtures.notices import TET_ISSUE, draft, issue_at, to_approved
from tests.fixtures.tasks import start_new_task, task_page
from tests.fixtures.web import form_token, ok, signed_in

MONTHLY, QUARTERLY = Recurrence.MONTHLY, Recurrence.QUARTERLY


@pytest.fixture
def periodic_task(app, task_factory):
    """``make(anchor, recurrence=MONTHLY, until=None, deadline=anchor, **task_factory keywords) -> task id``: a
    periodic task (the first period of its series) straight into the database."""

    def make(anchor: date, recurrence: Recurrence = MONTHLY, until: date | None = None,
             deadline: date | None = None, **fields) -> int:
        task_id = task_factory(deadline=deadline or anchor, **fields)
        with app.app_context():
            task = db.session.get(Task, task_id)
            task.recurrence, task.recurrence_anchor_on, task.recurrence_until = recurrence, anchor, until
            db.session.commit()
        return task_id

    return make


def roll(app, today: date) -> list[tuple[int, str]]:
    """One run of the job on ``today`` (committed): who was told of what."""
    with app.app_context():
        created = periodic.roll_on_due(today)
        db.session.commit()
        return sorted((n.user_id, n.event_key) for n in created)


def series(app, first_id: int) -> list[tuple[int, date]]:
    """The periods of the series from ``first_id`` on, following ``previous_period_id``: (id, deadline)."""
    with app.app_context():
        periods, task = [], db.session.get(Task, first_id)
        while task is not None:
            periods.append((task.id, task.deadline_on))
            task = periodic.next_period(task)
        return periods


def count_tasks(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Task))


# --- deadlines -------------------------------------------------------------------------------------

def test_monthly_deadlines_clamp_month_ends_from_the_anchor_never_from_the_previous_deadline():
    anchor = date(2027, 1, 31)
    assert [periodic.next_deadline(anchor, MONTHLY, i) for i in range(5)] == [
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30), date(2027, 5, 31)]
    assert periodic.next_deadline(date(2028, 1, 31), MONTHLY, 1) == date(2028, 2, 29)  # a leap year
    assert periodic.next_deadline(date(2026, 12, 30), MONTHLY, 2) == date(2027, 2, 28)  # across the year
    assert periodic.deadline_after(anchor, MONTHLY, date(2027, 2, 28)) == date(2027, 3, 31)
    assert periodic.deadline_after(anchor, MONTHLY, date(2027, 1, 10)) == date(2027, 1, 31)


def test_quarterly_deadlines():
    anchor = date(2026, 11, 30)
    assert [periodic.next_deadline(anchor, QUARTERLY, i) for i in range(5)] == [
        date(2026, 11, 30), date(2027, 2, 28), date(2027, 5, 30), date(2027, 8, 30), date(2027, 11, 30)]
    assert periodic.deadline_after(date(2027, 12, 31), QUARTERLY, date(2028, 1, 5)) == date(2028, 3, 31)


# --- rolling on ----------------------------------------------------------------------------------

def test_a_period_past_its_deadline_rolls_on_once_and_the_liaison_is_told(app, task_people, periodic_task):
    first = periodic_task(date(2026, 10, 31), status=TaskStatus.IN_PROGRESS, coordinating=[task_people.unit_b],
                          priority="high", sector=None, content="Báo cáo tình hình giải ngân vốn đầu tư công",
                          source="government", source_reference="Công văn số 45/VPCP-KTTH")
    before = count_tasks(app)
    told = roll(app, TODAY)
    [(_first, _), (second, deadline)] = series(app, first)
    assert deadline == date(2026, 11, 30)
    assert told == [(task_people.liaison_a, f"task:{second}:assigned")]
    with app.app_context():
        old, new = db.session.get(Task, first), db.session.get(Task, second)
        assert (new.status, new.progress_percent, new.original_deadline_on) == (TaskStatus.NEW, 0, deadline)
        assert (new.previous_period_id, new.recurrence, new.recurrence_anchor_on) == (first, MONTHLY,
                                                                                      date(2026, 10, 31))
        copied = ("content", "source", "source_reference", "assigned_by_id", "lead_unit_id", "sector_id",
                  "priority", "report_required", "created_by_id", "recurrence_until", "notice_id")
        assert {f: getattr(new, f) for f in copied} == {f: getattr(old, f) for f in copied}
        assert [u.id for u in new.coordinating_units] == [task_people.unit_b]
        assert old.status == TaskStatus.IN_PROGRESS  # the late period stays as it is, overdue
    assert roll(app, TODAY) == [] and count_tasks(app) == before + 1  # a re-run creates nothing
    roll(app, date(2026, 12, 1))  # 30/11 is over: the next one is on the anchor's day again
    assert [d for _id, d in series(app, first)] == [date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 31)]
    with app.app_context():
        told = db.session.scalars(sa.select(Notification.event_key).where(Notification.kind == "task.assigned"))
        assert sorted(told) == sorted(f"task:{task_id}:assigned" for task_id, _d in series(app, first)[1:])


def test_a_done_period_rolls_on_before_its_deadline_an_open_one_does_not(app, periodic_task):
    done = periodic_task(date(2026, 11, 30), status=TaskStatus.REPORTED_DONE, completed_on=date(2026, 11, 20))
    verified = periodic_task(date(2026, 12, 15), QUARTERLY, status=TaskStatus.VERIFIED_DONE,
                             completed_on=date(2026, 11, 20))
    open_ = periodic_task(date(2026, 11, 30), status=TaskStatus.IN_PROGRESS)
    due_today = periodic_task(TODAY)
    roll(app, TODAY)
    assert [d for _id, d in series(app, done)] == [date(2026, 11, 30), date(2026, 12, 30)]
    assert [d for _id, d in series(app, verified)] == [date(2026, 12, 15), date(2027, 3, 15)]
    assert len(series(app, open_)) == 1 and len(series(app, due_today)) == 1
    roll(app, date(2026, 11, 23))  # the day after: due_today's period is over
    assert [d for _id, d in series(app, due_today)] == [TODAY, date(2026, 12, 22)]


def test_the_series_ends_on_its_until_day(app, periodic_task):
    quarterly = periodic_task(date(2026, 10, 31), QUARTERLY, until=date(2027, 1, 31))
    monthly = periodic_task(date(2026, 10, 31), until=date(2026, 11, 29))
    roll(app, TODAY)
    assert [d for _id, d in series(app, quarterly)] == [date(2026, 10, 31), date(2027, 1, 31)]  # until included
    assert len(series(app, monthly)) == 1  # 30/11 is after the until day
    before = count_tasks(app)
    assert roll(app, date(2027, 6, 1)) == [] and count_tasks(app) == before  # 30/04/2027 is after the until day


def test_cancelled_merged_and_one_off_tasks_do_not_roll_on(app, periodic_task, task_factory):
    other = task_factory()
    cancelled = periodic_task(date(2026, 10, 31), status=TaskStatus.CANCELLED)
    merged = periodic_task(date(2026, 10, 31), status=TaskStatus.MERGED, merged_into=other)
    task_factory(deadline=date(2026, 10, 31), status=TaskStatus.REPORTED_DONE)  # not periodic
    before = count_tasks(app)
    assert roll(app, TODAY) == [] and count_tasks(app) == before
    assert len(series(app, cancelled)) == 1 and len(series(app, merged)) == 1


def test_a_job_that_was_down_catches_up_in_one_run(app, task_people, periodic_task):
    first = periodic_task(date(2026, 7, 31))
    told = roll(app, TODAY)
    periods = series(app, first)
    assert [d for _id, d in periods] == [date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30),
                                         date(2026, 10, 31), date(2026, 11, 30)]
    assert told == sorted((task_people.liaison_a, f"task:{task_id}:assigned") for task_id, _d in periods[1:])
    assert roll(app, TODAY) == []


def test_a_split_periodic_task_rolls_on_with_the_same_parts(app, task_people, periodic_task):
    from ecabinet.accounts.models import User
    from ecabinet.org.models import Unit
    from ecabinet.tasks import operations as ops

    first = periodic_task(date(2026, 10, 31), lead_unit=task_people.office_unit)
    with app.app_context():
        office = db.session.get(User, task_people.office)
        parts = ops.split(db.session.get(Task, first), office,
                          [task_people.unit_a, task_people.unit_b, task_people.district])
        parts[0].coordinating_units = [db.session.get(Unit, task_people.district)]
        ops.cancel(parts[2], office, "Huyện không còn liên quan")
        db.session.commit()
        part_ids = [p.id for p in parts]
        assert all(p.recurrence_anchor_on == date(2026, 10, 31) for p in parts)
    before = count_tasks(app)
    told = roll(app, TODAY)
    [(_first, _), (second, deadline)] = series(app, first)
    with app.app_context():
        new = db.session.get(Task, second)
        new_parts = [(p.lead_unit_id, [u.id for u in p.coordinating_units], p.previous_period_id, p.deadline_on,
                      p.status) for p in new.parts]
        new_part_ids = [p.id for p in new.parts]
    assert deadline == date(2026, 11, 30) and count_tasks(app) == before + 3  # the cancelled part stays behind
    assert new_parts == [
        (task_people.unit_a, [task_people.district], part_ids[0], deadline, TaskStatus.NEW),
        (task_people.unit_b, [], part_ids[1], deadline, TaskStatus.NEW)]
    assert told == sorted([(task_people.liaison_a, f"task:{new_part_ids[0]}:assigned"),
                           (task_people.liaison_b, f"task:{new_part_ids[1]}:assigned")])
    assert roll(app, TODAY) == [] and count_tasks(app) == before + 3  # parts never roll on by themselves


def test_a_concurrent_runner_that_rolled_on_first_wins_and_the_other_goes_on(app, periodic_task, fresh_app):
    first = periodic_task(date(2026, 10, 31))
    also_due = periodic_task(date(2026, 9, 30), until=date(2026, 10, 31))
    with app.app_context():
        stale = periodic.due_for_roll_on(TODAY)  # this runner has read the candidates…
        assert [t.id for t in stale] == [first, also_due]
        assert roll(fresh_app(), TODAY) != []  # …when another runner rolls them on and commits
        assert periodic.roll_on(stale[0]) == (None, [])  # the duplicate is refused by the unique link
        db.session.commit()
    assert len(series(app, first)) == 2 and len(series(app, also_due)) == 2


def test_an_extension_moves_only_this_periods_deadline(app, client, task_people, periodic_task, h):
    first = periodic_task(date(2026, 10, 31))
    roll(app, TODAY)
    [_first, (second, deadline)] = series(app, first)
    extension = ok(client.post(f"/api/v1/tasks/{second}/extensions", headers=h("liaison_a"),
                               json={"new_deadline": "2026-12-10", "reason": "Chờ số liệu của các xã, phường"}), 201)
    ok(client.post(f"/api/v1/task-extensions/{extension['id']}/decide", headers=h("leader"), json={"grant": True}))
    extended = ok(client.get(f"/api/v1/tasks/{second}", headers=h("office")))
    assert (extended["deadline_on"], extended["recurrence_anchor_on"]) == ("2026-12-10", "2026-10-31")
    assert extended["previous_period_id"] == first and extended["next_period_id"] is None
    assert roll(app, date(2026, 12, 5)) == []  # the extended deadline has not passed
    roll(app, date(2026, 12, 11))
    assert [d for _id, d in series(app, first)] == [date(2026, 10, 31), date(2026, 12, 10), date(2026, 12, 31)]
    assert ok(client.get(f"/api/v1/tasks/{second}", headers=h("office")))["next_period_id"] == \
        series(app, first)[2][0]


def test_a_notice_task_rolls_on_as_the_offices_follow_up_of_the_directive(app, client, concluded_meeting,
                                                                         desk):
    notice = draft(app, client, concluded_meeting.id, desk)
    to_approved(client, notice["id"], desk)
    issue_at(app, notice["id"], TET_ISSUE)
    with app.app_context():
        task = db.session.scalar(sa.select(Task).where(Task.directive_id == concluded_meeting.directives["date"]))
        task_id, lead, notice_id = task.id, task.lead_unit_id, task.notice_id
    body = {"content": "Báo cáo kết quả giải ngân vốn đầu tư công", "lead_unit_id": lead,
            "deadline_on": DATE_DEADLINE.isoformat(), "recurrence": "monthly", "version": 1}
    with app.app_context():
        body["version"] = db.session.get(Task, task_id).version
    made_periodic = ok(client.put(f"/api/v1/tasks/{task_id}", headers=desk["chuyenvien"], json=body))
    assert (made_periodic["source"], made_periodic["recurrence_anchor_on"]) == ("notice", "2026-12-31")
    units = [concluded_meeting.units["lead"], concluded_meeting.units["other"]]
    split = ok(client.post(f"/api/v1/tasks/{task_id}/split", headers=desk["chuyenvien"],
                           json={"version": made_periodic["version"], "unit_ids": units}))
    assert split["source"] == "notice" and len(split["parts"]) == 2
    roll(app, date(2027, 2, 4))  # 31/12/2026 and 31/01/2027 are over: two periods in one run
    periods = series(app, task_id)
    assert [d for _id, d in periods] == [date(2026, 12, 31), date(2027, 1, 31), date(2027, 2, 28)]
    for period_id, _deadline in periods[1:]:
        later = ok(client.get(f"/api/v1/tasks/{period_id}", headers=desk["chuyenvien"]))
        assert (later["source"], later["notice_id"], later["directive_id"]) == ("notice", notice_id, None)
        assert later["source_reference"] == made_periodic["source_reference"] != ""
        assert sorted(p["lead_unit"]["id"] for p in later["parts"]) == sorted(units)
    with app.app_context():
        parts = db.session.scalars(sa.select(Task).where(Task.parent_id == task_id)).all()
        assert {(p.source, p.notice_id, p.directive_id) for p in parts} == {("notice", notice_id, None)}


# --- entering and changing -----------------------------------------------------------------------

def test_entering_a_periodic_task_is_validated_and_nothing_saved_on_a_refusal(app, client, task_people,
                                                                             h):
    body = {"content": "Báo cáo định kỳ tình hình thu ngân sách", "lead_unit_id": task_people.unit_a,
            "recurrence": "monthly"}
    refusals = [
        ({}, "periodic_needs_deadline", "deadline_on"),
        ({"deadline_on": "2026-12-31", "recurrence_until": "2026-12-30"}, "until_before_deadline",
         "recurrence_until"),
        ({"deadline_on": "2026-12-31", "recurrence": "none", "recurrence_until": "2027-06-30"},
         "until_without_recurrence", "recurrence_until"),
    ]
    for fields, code, field in refusals:
        refused = client.post("/api/v1/tasks", headers=h("office"), json={**body, **fields})
        error = refused.get_json()["error"]
        assert (refused.status_code, error["code"], error["details"][0]["field"]) == (422, code, field)
        assert "định kỳ" in error["message"]
    assert count_tasks(app) == 0
    task = ok(client.post("/api/v1/tasks", headers=h("office"),
                          json={**body, "deadline_on": "2026-12-31", "recurrence_until": "2027-06-30"}), 201)
    assert (task["recurrence_anchor_on"], task["recurrence_until"]) == ("2026-12-31", "2027-06-30")
    assert (task["previous_period_id"], task["next_period_id"]) == (None, None)
    update = {**body, "deadline_on": "2027-01-15", "recurrence_until": "2027-06-30", "version": task["version"]}
    moved = ok(client.put(f"/api/v1/tasks/{task['id']}", headers=h("office"), json=update))
    assert moved["recurrence_anchor_on"] == "2027-01-15"  # the Office's new deadline re-anchors the series
    refused = client.put(f"/api/v1/tasks/{task['id']}", headers=h("office"),
                         json={**update, "recurrence": "none", "version": moved["version"]})
    assert refused.status_code == 422 and refused.get_json()["error"]["details"][0]["field"] == "recurrence_until"
    assert ok(client.get(f"/api/v1/tasks/{task['id']}", headers=h("office")))["recurrence"] == "monthly"
    one_off = ok(client.put(f"/api/v1/tasks/{task['id']}", headers=h("office"),
                            json={**update, "recurrence": "none", "recurrence_until": None,
                                  "version": moved["version"]}))
    assert (one_off["recurrence_anchor_on"], one_off["recurrence_until"]) == (None, None)


def test_the_form_takes_the_until_day_and_shows_refusals_next_to_fields(app, client, task_people):
    token = form_token(signed_in(client, "chuyenvien"))
    form = {"csrf_token": token, "content": "Báo cáo định kỳ tình hình thu ngân sách", "source": "manual",
            "lead_unit_id": str(task_people.unit_a), "priority": "normal", "recurrence": "quarterly"}
    assert 'name="recurrence_until"' in client.get("/tasks/new").get_data(as_text=True)
    no_deadline = client.post("/tasks/new", data=form)
    assert no_deadline.status_code == 422 and 'id="deadline_on-error"' in no_deadline.get_data(as_text=True)
    early_end = client.post("/tasks/new", data={**form, "deadline_on": "31/12/2026", "recurrence_until": "01/12/2026"})
    assert early_end.status_code == 422 and 'id="recurrence_until-error"' in early_end.get_data(as_text=True)
    assert count_tasks(app) == 0
    saved = client.post("/tasks/new", data={**form, "deadline_on": "31/12/2026", "recurrence_until": "31/12/2027"})
    assert saved.status_code == 302
    with app.app_context():
        task = db.session.scalar(sa.select(Task))
        assert (task.recurrence, task.recurrence_anchor_on, task.recurrence_until) == (
            QUARTERLY, date(2026, 12, 31), date(2027, 12, 31))
    assert 'value="31/12/2027"' in client.get(f"/tasks/{task.id}/edit").get_data(as_text=True)
    html = task_page(client, task.id)
    assert 'id="periodic-report"' in html and "31/12/2027" in html and 'id="next-period-link"' not in html


def test_the_page_links_the_previous_and_next_periods_the_viewer_may_see(app, client, task_people,
                                                                        periodic_task):
    first = periodic_task(date(2026, 9, 30), until=date(2026, 11, 30))
    roll(app, TODAY)
    [(_first, _), (second, _d2), (third, _d3)] = series(app, first)
    with app.app_context():  # the last period goes to another agency
        db.session.get(Task, third).lead_unit_id = task_people.unit_b
        db.session.commit()
    signed_in(client, "chuyenvien")
    html = task_page(client, second)
    assert f'href="/tasks/{first}" id="previous-period-link"' in html
    assert f'href="/tasks/{third}" id="next-period-link"' in html
    assert "Kỳ trước" in html and "Kỳ sau" in html and "30/11/2026" in html
    client = app.test_client()
    signed_in(client, "sotc")  # Sở Tài chính sees its own periods, not Sở Y tế's
    html = task_page(client, second)
    assert 'id="previous-period-link"' in html and 'id="next-period-link"' not in html
    assert 'id="previous-period-link"' not in task_page(client, first)
    task_page(client, third, 404)


@pytest.mark.browser
def test_a_periodic_task_entered_in_chromium(live_server, browser):
    context, office = signed_in_page(browser, live_server, "chuyenvien1", 1280, 800)
    errors: list[str] = []
    office.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        start_new_task(office, live_server, "Báo cáo định kỳ tình hình giải ngân vốn đầu tư công")
        office.select_option("#recurrence", "quarterly")
        tops = office.evaluate("['#recurrence', '#recurrence_until']"
                               ".map(s => Math.round(document.querySelector(s).getBoundingClientRect().top))")
        assert len(set(tops)) == 1, tops  # the end of the series is next to the recurrence
        office.fill("#recurrence_until", "31/12/2027")
        office.click("#save-button")
        office.wait_for_selector("#deadline_on-error")  # a periodic report needs its first deadline
        assert office.locator("#recurrence_until").input_value() == "31/12/2027"
        ARTIFACTS.mkdir(exist_ok=True)
        office.screenshot(path=str(ARTIFACTS / "task-periodic-form-1280x800.png"), full_page=True)
        office.fill("#deadline_on", "31/12/2026")
        office.click("#save-button")
        office.wait_for_selector('#task-page [data-status="new"]')
        assert "31/12/2027" in office.locator("#periodic-report").inner_text()
        assert office.evaluate("document.documentElement.scrollWidth") <= 1280
        office.screenshot(path=str(ARTIFACTS / "task-periodic-1280x800.png"), full_page=True)
        assert errors == []
    finally:
        context.close()
