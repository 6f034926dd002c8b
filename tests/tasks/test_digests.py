"""The weekly digest: from Monday 07:00 in Hà Nội, once per ISO week and recipient, per agency and per leader."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.notify.models import Notification
from ecabinet.tasks import digests
from ecabinet.tasks.derived import Derived
from ecabinet.tasks.exports import DERIVED_LABELS
from ecabinet.tasks.models import TaskStatus

MONDAY = date(2026, 11, 23)
"""The Monday after the suite's day (Sunday 22/11/2026)."""


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` in Hà Nội (UTC+7) on ``day``, as UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc) - timedelta(hours=7)


def run(app, moment: datetime) -> list[tuple[int, str]]:
    with app.app_context():
        created = digests.weekly_digest(moment)
        db.session.commit()
        return sorted((n.user_id, n.event_key) for n in created)


def _body(app, event_key: str) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(Notification.body).where(Notification.event_key == event_key))


def test_the_digest_goes_out_from_monday_seven_once_a_week(app, task_people, task_factory, fresh_app):
    task_factory(deadline=MONDAY - timedelta(days=10), content="Báo cáo tiến độ giải phóng mặt bằng dự án cao tốc")
    task_factory(deadline=MONDAY + timedelta(days=3), content="Tổng hợp nhu cầu vốn đầu tư công năm 2027")
    task_factory(deadline=MONDAY + timedelta(days=60))
    task_factory(deadline=MONDAY - timedelta(days=30), status=TaskStatus.VERIFIED_DONE)
    unit_key = f"task-digest:unit:{task_people.unit_a}:2026-W48"
    leader_key = f"task-digest:leader:{task_people.leader}:2026-W48"

    assert run(app, local(MONDAY, 6, 59)) == []
    assert run(app, local(MONDAY, 7, 0)) == sorted([(task_people.liaison_a, unit_key),
                                                    (task_people.leader, leader_key)])
    assert run(app, local(MONDAY, 8)) == []
    assert run(fresh_app(), local(MONDAY + timedelta(days=2), 10)) == []  # a restarted scheduler, Wednesday
    assert run(app, local(MONDAY + timedelta(days=7), 7, 30)) == sorted([
        (task_people.liaison_a, f"task-digest:unit:{task_people.unit_a}:2026-W49"),
        (task_people.leader, f"task-digest:leader:{task_people.leader}:2026-W49")])

    body = _body(app, unit_key)
    assert f"{DERIVED_LABELS[Derived.OVERDUE]}: 1" in body
    assert f"{DERIVED_LABELS[Derived.DUE_SOON]}: 1" in body
    assert f"{DERIVED_LABELS[Derived.NOT_YET_DUE]}: 1" in body
    assert f"{DERIVED_LABELS[Derived.DONE_ON_TIME]}: 1" in body
    assert "Báo cáo tiến độ giải phóng mặt bằng dự án cao tốc" in body
    assert "Tổng hợp nhu cầu vốn đầu tư công năm 2027" in body
    assert f"/tasks?lead_unit_id={task_people.unit_a}" in body
    assert "Báo cáo tiến độ giải phóng mặt bằng dự án cao tốc" in _body(app, leader_key)


def test_an_agency_sees_only_its_own_tasks_and_an_idle_one_gets_nothing(app, task_people, task_factory):
    task_factory(deadline=MONDAY - timedelta(days=2), content="Nhiệm vụ riêng của Sở Tài chính")
    task_factory(deadline=MONDAY - timedelta(days=2), lead_unit=task_people.unit_b, assigned_by=None,
                 content="Nhiệm vụ riêng của Sở Y tế")
    sent = run(app, local(MONDAY, 9))
    assert (task_people.liaison_a, f"task-digest:unit:{task_people.unit_a}:2026-W48") in sent
    assert (task_people.liaison_b, f"task-digest:unit:{task_people.unit_b}:2026-W48") in sent
    mine = _body(app, f"task-digest:unit:{task_people.unit_a}:2026-W48")
    assert "Nhiệm vụ riêng của Sở Tài chính" in mine and "Sở Y tế" not in mine
    # The leader's portfolio: the task it assigned, not the other one.
    leader_body = _body(app, f"task-digest:leader:{task_people.leader}:2026-W48")
    assert "Nhiệm vụ riêng của Sở Tài chính" in leader_body and "Nhiệm vụ riêng của Sở Y tế" not in leader_body


def test_nobody_with_nothing_to_report_is_told(app, task_people):
    assert run(app, local(MONDAY, 9)) == []
    assert digests.iso_week(date(2027, 1, 1)) == "2026-W53"
