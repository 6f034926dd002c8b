"""Derived statuses at their boundaries, deadlines across Tết, tasks from (correcting) notices, and who is told
of what along the lifecycle."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.notify.models import Notification
from ecabinet.tasks.derived import Derived, derive, derived_expression
from ecabinet.tasks.models import DeadlineChange, Task
from ecabinet.workdays.operations import add_working_days
from tests.fixtures import TODAY
from tests.fixtures.notices import FRIDAY_ISSUE, TET_ISSUE, draft, issue_at, to_approved
from tests.fixtures.tasks import report
from tests.fixtures.web import ok


def derived_of(app, task_id: int, today: date) -> tuple[Derived, str]:
    """The derived status in Python and in SQL: they must agree."""
    with app.app_context():
        task = db.session.get(Task, task_id)
        in_sql = db.session.scalar(sa.select(derived_expression(today)).where(Task.id == task_id))
        return derive(task, today), in_sql


@pytest.mark.parametrize(("deadline", "status", "completed_on", "expected"), [
    (TODAY, "in_progress", None, Derived.DUE_SOON),
    (TODAY - timedelta(days=1), "in_progress", None, Derived.OVERDUE),
    (TODAY + timedelta(days=7), "new", None, Derived.DUE_SOON),  # the window's last day (TASK_DUE_SOON_DAYS=7)
    (TODAY + timedelta(days=8), "new", None, Derived.NOT_YET_DUE),
    (None, "new", None, Derived.NOT_YET_DUE),
    (TODAY - timedelta(days=5), "reported_done", TODAY - timedelta(days=5), Derived.DONE_ON_TIME),
    (TODAY - timedelta(days=5), "verified_done", TODAY - timedelta(days=4), Derived.DONE_LATE),
    (TODAY - timedelta(days=5), "cancelled", None, Derived.CLOSED),
])
def test_derived_status_at_the_boundaries(app, client, task_factory, h, deadline, status, completed_on,
                                          expected):
    task_id = task_factory(deadline=deadline, status=status, completed_on=completed_on)
    assert derived_of(app, task_id, TODAY) == (expected, expected.value)
    assert ok(client.get(f"/api/v1/tasks/{task_id}", headers=h("liaison_a")))["derived"] == expected.value


def test_a_deadline_of_ten_working_days_across_tet(app, task_factory):
    with app.app_context():
        deadline = add_working_days(date(2027, 2, 3), 10)
    # 04–10/02/2027 are Tết (29 Tết to Mùng năm) and the weekend; then 11, 12, 15–19, 22, 23, 24/02.
    assert deadline == date(2027, 2, 24)
    task_id = task_factory(deadline=deadline)
    assert derived_of(app, task_id, date(2027, 2, 24)) == (Derived.DUE_SOON, "due_soon")
    assert derived_of(app, task_id, date(2027, 2, 25)) == (Derived.OVERDUE, "overdue")
    assert derived_of(app, task_id, date(2027, 2, 16)) == (Derived.NOT_YET_DUE, "not_yet_due")
    on_day = task_factory(deadline=deadline, status="reported_done", completed_on=date(2027, 2, 24))
    day_after = task_factory(deadline=deadline, status="reported_done", completed_on=date(2027, 2, 25))
    assert derived_of(app, on_day, date(2027, 3, 1))[0] == Derived.DONE_ON_TIME
    assert derived_of(app, day_after, date(2027, 3, 1))[0] == Derived.DONE_LATE


def test_done_on_the_deadline_day_is_on_time_and_a_day_after_late_through_reports(app, client, task_factory,
                                                                                   h):
    on_time = task_factory(deadline=TODAY - timedelta(days=2))
    late = task_factory(deadline=TODAY - timedelta(days=2))
    ok(report(client, h("liaison_a"), on_time, done="true", completed_on=(TODAY - timedelta(days=2)).isoformat()), 201)
    ok(report(client, h("liaison_a"), late, done="true", completed_on=(TODAY - timedelta(days=1)).isoformat()), 201)
    assert ok(client.get(f"/api/v1/tasks/{on_time}", headers=h("office")))["derived"] == "done_on_time"
    assert ok(client.get(f"/api/v1/tasks/{late}", headers=h("office")))["derived"] == "done_late"


def test_statistics_can_count_by_the_original_deadline(app, task_factory):
    task_id = task_factory(deadline=TODAY + timedelta(days=20), original_deadline=TODAY - timedelta(days=1))
    with app.app_context():
        task = db.session.get(Task, task_id)
        from ecabinet.tasks.derived import DeadlineBasis
        assert derive(task, TODAY) == Derived.NOT_YET_DUE
        assert derive(task, TODAY, DeadlineBasis.ORIGINAL) == Derived.OVERDUE


def test_a_correcting_notice_records_the_deadline_change(app, client, concluded_meeting, desk):
    notice = draft(app, client, concluded_meeting.id, desk)
    to_approved(client, notice["id"], desk)
    issue_at(app, notice["id"], TET_ISSUE)
    directive = concluded_meeting.directives["working_days"]
    with app.app_context():
        task = db.session.scalar(sa.select(Task).where(Task.directive_id == directive))
        assert (task.deadline_on, task.original_deadline_on) == (date(2027, 2, 24), date(2027, 2, 24))
        task_id = task.id
    correction = ok(client.post(f"/api/v1/notices/{notice['id']}/correct", headers=desk["chuyenvien"]), 201)
    to_approved(client, correction["id"], desk)
    issue_at(app, correction["id"], FRIDAY_ISSUE)
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert (task.deadline_on, task.original_deadline_on) == (date(2027, 3, 19), date(2027, 2, 24))
        changes = db.session.scalars(sa.select(DeadlineChange).where(DeadlineChange.task_id == task_id)).all()
        assert [(c.old_deadline_on, c.new_deadline_on, c.reason) for c in changes] == [
            (date(2027, 2, 24), date(2027, 3, 19), "Thông báo đính chính số 02/TB-UBND")]
        dated = db.session.scalar(sa.select(Task).where(
            Task.directive_id == concluded_meeting.directives["date"]))
        assert dated.deadline_changes == []  # an unchanged deadline leaves no history


def test_a_correcting_notice_moves_the_open_parts_of_a_split_directive(app, client, concluded_meeting, desk):
    notice = draft(app, client, concluded_meeting.id, desk)
    to_approved(client, notice["id"], desk)
    issue_at(app, notice["id"], TET_ISSUE)
    with app.app_context():
        task = db.session.scalar(sa.select(Task).where(
            Task.directive_id == concluded_meeting.directives["working_days"]))
        task_id, version = task.id, task.version
    units = [concluded_meeting.units["lead"], concluded_meeting.units["other"]]
    parts = ok(client.post(f"/api/v1/tasks/{task_id}/split", headers=desk["chuyenvien"],
                           json={"version": version, "unit_ids": units}))["parts"]
    with app.app_context():  # the first agency has already done its share
        done = db.session.get(Task, parts[0]["id"])
        done.status, done.completed_on = "reported_done", date(2027, 2, 10)
        db.session.commit()
    correction = ok(client.post(f"/api/v1/notices/{notice['id']}/correct", headers=desk["chuyenvien"]), 201)
    to_approved(client, correction["id"], desk)
    issue_at(app, correction["id"], FRIDAY_ISSUE)
    with app.app_context():
        deadlines = {t.id: t.deadline_on for t in db.session.scalars(sa.select(Task).where(
            Task.id.in_([task_id, parts[0]["id"], parts[1]["id"]])))}
        open_changes = db.session.scalars(sa.select(DeadlineChange).where(
            DeadlineChange.task_id == parts[1]["id"])).all()
    assert deadlines == {task_id: date(2027, 3, 19), parts[0]["id"]: date(2027, 2, 24),
                         parts[1]["id"]: date(2027, 3, 19)}
    assert [(c.old_deadline_on, c.new_deadline_on) for c in open_changes] == [(date(2027, 2, 24), date(2027, 3, 19))]


def recipients(app, event_key: str) -> list[int]:
    with app.app_context():
        return sorted(db.session.scalars(sa.select(Notification.user_id)
                                         .where(Notification.event_key == event_key)))


def test_who_is_told(app, client, task_factory, task_people, h):
    task_id = task_factory(deadline=TODAY + timedelta(days=10))
    extension = ok(client.post(f"/api/v1/tasks/{task_id}/extensions", headers=h("liaison_a"),
                               json={"new_deadline": (TODAY + timedelta(days=20)).isoformat(),
                                     "reason": "Chờ ý kiến của Bộ Tài chính"}), 201)
    assert recipients(app, f"task-extension:{extension['id']}:requested") == sorted(
        [task_people.office, task_people.office_leader, task_people.leader])
    ok(client.post(f"/api/v1/task-extensions/{extension['id']}/decide", headers=h("leader"),
                   json={"grant": False, "note": "Đề nghị khẩn trương hoàn thành"}))
    assert recipients(app, f"task-extension:{extension['id']}:decided") == [task_people.liaison_a]
    done = ok(report(client, h("liaison_a"), task_id, done="true"), 201)
    assert recipients(app, f"task-report:{done['id']}:done") == sorted([task_people.office,
                                                                         task_people.office_leader])
    version = ok(client.get(f"/api/v1/tasks/{task_id}", headers=h("office")))["version"]
    ok(client.post(f"/api/v1/tasks/{task_id}/verify", headers=h("office"), json={"version": version}))
    assert recipients(app, f"task:{task_id}:verified") == [task_people.liaison_a]


def test_a_change_racing_another_is_an_edit_conflict(app, task_factory, task_people):
    """Someone else's change lands between loading the task and saving it: the version check in the UPDATE
    refuses it (409 edit_conflict), not a silent overwrite."""
    from ecabinet.accounts.models import User
    from ecabinet.core.exceptions import DomainError
    from ecabinet.tasks import operations as ops

    task_id = task_factory()
    with app.app_context():
        task = db.session.get(Task, task_id)
        actor = db.session.get(User, task_people.liaison_a)
        db.session.execute(sa.text("UPDATE tasks SET version = version + 1 WHERE id = :id"), {"id": task_id})
        with pytest.raises(DomainError) as refused:
            ops.start(task, actor, version=task.version)  # the version the user saw is the one loaded
        assert (refused.value.code, refused.value.status) == ("edit_conflict", 409)
        db.session.rollback()
        assert db.session.get(Task, task_id).status == "new"
