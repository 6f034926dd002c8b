"""Shared fixtures of the task tests: the people who see tasks and a factory of task rows.

"Today" in the test suite is Sunday 22/11/2026 (see ``tests/__init__.py``): ``TODAY`` below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tests.fixtures.web import api_token

TODAY = date(2026, 11, 22)
"""The local day every test runs on (Sunday)."""


@dataclass(frozen=True)
class TaskPeople:
    """Ids of the people and agencies of the task tests.

    ``unit_a`` (Sở Tài chính, liaison ``liaison_a`` = "sotc") and ``unit_b`` (Sở Y tế, liaison ``liaison_b`` =
    "soyt") are two different agencies; ``district`` has no liaison. ``office`` is the Office's chuyên viên
    (secretariat, MANAGE_TASKS), ``office_leader`` the Chánh Văn phòng, ``leader`` the Phó Chủ tịch who assigns.
    ``usernames`` maps each of those keys to the login name.
    """

    unit_a: int
    unit_b: int
    district: int
    office_unit: int
    liaison_a: int
    liaison_b: int
    office: int
    office_leader: int
    leader: int
    viewer: int
    usernames: dict

    def headers(self, client, key: str) -> dict[str, str]:
        """API headers of the person ``key`` ("liaison_a", "office", …)."""
        return api_token(client, self.usernames[key])


@pytest.fixture
def task_people(app, people) -> TaskPeople:
    """``people`` plus a liaison of a second agency (Sở Y tế)."""
    from ecabinet.accounts.models import Role
    from ecabinet.core.db import db
    from ecabinet.org.models import Unit
    from tests.fixtures.factories import make_user

    with app.app_context():
        other = make_user("soyt", db.session.get(Unit, people.other_department), Role.AGENCY_LIAISON)
        db.session.commit()
        liaison_b = other.id
    return TaskPeople(
        unit_a=people.department, unit_b=people.other_department, district=people.district,
        office_unit=people.office, liaison_a=people.liaison, liaison_b=liaison_b, office=people.secretary,
        office_leader=people.office_leader, leader=people.leader, viewer=people.viewer,
        usernames={"liaison_a": "sotc", "liaison_b": "soyt", "office": "chuyenvien", "office_leader": "chanhvp",
                   "leader": "pct", "viewer": "quansat", "admin": "admin"},
    )


@pytest.fixture
def task_factory(app, task_people):
    """``make(**fields) -> task id``: one Task row, committed, straight into the database (no operation, no
    notification), so that tests can set any state.

    Keywords: ``lead_unit`` (id, default ``unit_a``), ``deadline`` (date or None, default TODAY + 30 days),
    ``original_deadline`` (default = deadline), ``status`` (TaskStatus or its value), ``completed_on``
    (default for a done status: the deadline, else TODAY), ``coordinating`` (unit ids), ``assigned_by``
    (user id, default the leader), ``content``, ``source``, ``source_reference``, ``sector`` (id), ``priority``,
    ``recurrence``, ``parent`` (task id), ``merged_into`` (task id), ``status_reason``, ``progress``,
    ``created_by``, ``created_at`` (datetime).
    """
    from ecabinet.core.db import db
    from ecabinet.org.models import Unit
    from ecabinet.tasks.models import (
        CLOSED_STATUSES,
        DONE_STATUSES,
        Priority,
        Recurrence,
        Task,
        TaskSource,
        TaskStatus,
    )

    default_deadline = TODAY + timedelta(days=30)

    def make(*, lead_unit: int | None = None, deadline: date | None = default_deadline,
             original_deadline: date | None | str = "same", status: TaskStatus | str = TaskStatus.NEW,
             completed_on: date | None = None, coordinating: tuple[int, ...] | list[int] = (),
             assigned_by: int | None | str = "leader", content: str = "Rà soát, báo cáo tình hình giải ngân vốn",
             source: TaskSource | str = TaskSource.MANUAL, source_reference: str = "Công văn số 123/UBND-KT",
             sector: int | None = None, priority: Priority | str = Priority.NORMAL,
             recurrence: Recurrence | str = Recurrence.NONE, parent: int | None = None,
             merged_into: int | None = None, status_reason: str | None = None, progress: int | None = None,
             created_by: int | None = None, created_at=None) -> int:
        status = TaskStatus(status)
        if status in DONE_STATUSES and completed_on is None:
            completed_on = deadline or TODAY
        if status in CLOSED_STATUSES and status_reason is None:
            status_reason = "Trùng với nhiệm vụ khác" if status == TaskStatus.MERGED else "Không còn phù hợp"
        with app.app_context():
            task = Task(
                content=content, source=TaskSource(source), source_reference=source_reference,
                lead_unit_id=lead_unit or task_people.unit_a, deadline_on=deadline,
                original_deadline_on=deadline if original_deadline == "same" else original_deadline,
                status=status, status_reason=status_reason, completed_on=completed_on,
                assigned_by_id=task_people.leader if assigned_by == "leader" else assigned_by,
                sector_id=sector, priority=Priority(priority), recurrence=Recurrence(recurrence),
                recurrence_anchor_on=None if Recurrence(recurrence) == Recurrence.NONE else deadline,
                parent_id=parent, merged_into_id=merged_into,
                progress_percent=progress if progress is not None else (100 if status in DONE_STATUSES else 0),
                created_by_id=created_by or task_people.office,
                coordinating_units=[db.session.get(Unit, unit_id) for unit_id in coordinating],
            )
            if created_at is not None:
                task.created_at = created_at
            db.session.add(task)
            db.session.commit()
            return task.id

    return make
