"""Reminders of tasks: before, on and after the deadline, weekly while overdue, then escalation; once each, also
across a restarted scheduler; an extension starts the cycle again; done, closed and split tasks are left alone.

Dates are literal: the deadline Wednesday 03/02/2027 falls just before Tết Đinh Mùi (Thursday 04/02 to Wednesday
10/02/2027 are public holidays), with a weekend between the "before" reminder and the deadline.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.notify.models import Notification
from ecabinet.tasks import reminders
from ecabinet.tasks.models import Task, TaskReminder, TaskStatus

DEADLINE = date(2027, 2, 3)


def at(day: date, hour_utc: int = 2) -> datetime:
    """09:00 in Hà Nội on ``day`` by default."""
    return datetime(day.year, day.month, day.day, hour_utc, 0, tzinfo=timezone.utc)


def run(app, day: date) -> list[tuple[int, str]]:
    """One run of the job on ``day`` (committed): who was told of what."""
    with app.app_context():
        created = reminders.remind_due(at(day))
        db.session.commit()
        return sorted((n.user_id, n.event_key) for n in created)


def test_the_sequence_across_a_weekend_and_tet_each_once(app, task_people, task_factory, fresh_app):
    tid = task_factory(deadline=DEADLINE, status=TaskStatus.IN_PROGRESS)
    liaison, office_leader, leader = task_people.liaison_a, task_people.office_leader, task_people.leader

    def key(name: str) -> str:
        return f"task:{tid}:{name}"

    assert run(app, date(2027, 1, 28)) == []  # Thu: 4 working days before
    assert run(app, date(2027, 1, 29)) == [(liaison, key("before:2027-02-03"))]  # Fri: 3 working days before
    assert run(app, date(2027, 1, 29)) == []
    assert run(app, date(2027, 1, 30)) == []  # the weekend
    assert run(app, date(2027, 2, 2)) == []
    assert run(app, date(2027, 2, 3)) == [(liaison, key("due:2027-02-03"))]
    assert run(app, date(2027, 2, 3)) == []
    for tet in (date(2027, 2, 4), date(2027, 2, 6), date(2027, 2, 10)):  # nothing during Tết
        assert run(app, tet) == []
    assert run(app, date(2027, 2, 11)) == [(liaison, key("overdue:2027-02-03:0"))]  # first working day after
    assert run(app, date(2027, 2, 16)) == []  # 4 working days late
    assert run(app, date(2027, 2, 17)) == sorted([(office_leader, key("escalation:2027-02-03")),
                                                  (leader, key("escalation:2027-02-03"))])  # 5 working days late
    assert run(app, date(2027, 2, 17)) == []
    restarted = fresh_app()  # a restarted scheduler: another app, a fresh session
    assert run(restarted, date(2027, 2, 17)) == []
    assert run(restarted, date(2027, 2, 18)) == [(liaison, key("overdue:2027-02-03:1"))]  # a week later
    assert run(app, date(2027, 2, 18)) == []
    assert run(app, date(2027, 2, 20)) == []
    assert run(app, date(2027, 2, 25)) == [(liaison, key("overdue:2027-02-03:2"))]
    with app.app_context():
        recorded = db.session.scalars(sa.select(TaskReminder.key).where(TaskReminder.task_id == tid)
                                      .order_by(TaskReminder.id)).all()
        told = db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                                 .where(Notification.event_key.like(f"task:{tid}:%")))
    assert recorded == ["before:2027-02-03", "due:2027-02-03", "overdue:2027-02-03:0", "escalation:2027-02-03",
                        "overdue:2027-02-03:1", "overdue:2027-02-03:2"]
    assert told == 7  # the escalation went to two people


def test_a_job_that_was_down_sends_only_what_is_due_now(app, task_people, task_factory):
    tid = task_factory(deadline=DEADLINE)
    # First run five weeks after the deadline: one overdue reminder (the current week's) and the escalation.
    assert run(app, date(2027, 3, 11)) == sorted([
        (task_people.liaison_a, f"task:{tid}:overdue:2027-02-03:4"),
        (task_people.office_leader, f"task:{tid}:escalation:2027-02-03"),
        (task_people.leader, f"task:{tid}:escalation:2027-02-03")])


def test_an_extension_starts_the_cycle_again(app, task_people, task_factory):
    from ecabinet.accounts.models import User
    from ecabinet.tasks import operations as ops

    tid = task_factory(deadline=DEADLINE, status=TaskStatus.IN_PROGRESS)
    assert run(app, date(2027, 2, 11)) == [(task_people.liaison_a, f"task:{tid}:overdue:2027-02-03:0")]
    with app.app_context():
        task = db.session.get(Task, tid)
        request = ops.request_extension(task, db.session.get(User, task_people.liaison_a), date(2027, 2, 26),
                                        "Chờ ý kiến thẩm định của Bộ Tài chính")
        ops.decide_extension(request, db.session.get(User, task_people.leader), grant=True)
        db.session.commit()
    assert run(app, date(2027, 2, 18)) == []  # neither the old deadline's weekly reminder nor its escalation
    assert run(app, date(2027, 2, 22)) == []  # Mon: 4 working days before the new deadline
    assert run(app, date(2027, 2, 23)) == [(task_people.liaison_a, f"task:{tid}:before:2027-02-26")]
    assert run(app, date(2027, 2, 26)) == [(task_people.liaison_a, f"task:{tid}:due:2027-02-26")]
    assert run(app, date(2027, 2, 26)) == []


def test_done_closed_and_split_tasks_are_not_reminded_their_parts_are(app, task_people, task_factory):
    for status in (TaskStatus.REPORTED_DONE, TaskStatus.VERIFIED_DONE, TaskStatus.CANCELLED):
        task_factory(deadline=DEADLINE, status=status, completed_on=date(2027, 2, 5))
    parent = task_factory(deadline=DEADLINE)
    part = task_factory(deadline=DEADLINE, parent=parent, lead_unit=task_people.unit_b)
    far = task_factory(deadline=date(2027, 6, 30))
    assert run(app, DEADLINE) == [(task_people.liaison_b, f"task:{part}:due:2027-02-03")]
    with app.app_context():
        reminded = set(db.session.scalars(sa.select(TaskReminder.task_id)))
    assert reminded == {part} and far not in reminded


def test_a_task_of_an_agency_without_liaison_is_reminded_once_one_is_appointed(app, task_people, task_factory):
    from ecabinet.accounts.models import Role
    from ecabinet.org.models import Unit
    from tests.fixtures.factories import make_user

    tid = task_factory(deadline=DEADLINE, lead_unit=task_people.district)
    assert run(app, DEADLINE) == []
    with app.app_context():
        liaison = make_user("hbinhson", db.session.get(Unit, task_people.district), Role.AGENCY_LIAISON).id
        db.session.commit()
    assert run(app, DEADLINE) == [(liaison, f"task:{tid}:due:2027-02-03")]


def test_the_reminder_e_mail_reaches_the_smtp_server_once(app, task_people, task_factory, smtp_server):
    from ecabinet.accounts.models import User
    from ecabinet.notify.delivery import deliver_pending

    with app.app_context():
        db.session.get(User, task_people.liaison_a).email = "sotc@ubnd.example.vn"
        db.session.commit()
    task_factory(deadline=DEADLINE, content="Hoàn thiện đề án sắp xếp đơn vị hành chính cấp xã",
                 source_reference="Công văn số 45/UBND-NC")
    for _run in range(2):
        run(app, DEADLINE)
        with app.app_context():
            deliver_pending(at(DEADLINE, 3))
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert smtp_server.recipients == [["sotc@ubnd.example.vn"]]
    assert "Hoàn thiện đề án sắp xếp đơn vị hành chính cấp xã" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "03/02/2027" in body and "Công văn số 45/UBND-NC" in body and "Sở Tài chính" in body
