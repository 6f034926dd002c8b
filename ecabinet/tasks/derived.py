"""The reporting status of a task, derived from its status, deadline and completion day: one definition, as a
SQL expression for lists, counts and statistics, and in Python for a single task.

- ``done_on_time``: reported or verified done, on or before the deadline (or without one);
- ``done_late``: done after the deadline;
- ``overdue``: not done and the deadline has passed;
- ``due_soon``: not done, the deadline within ``TASK_DUE_SOON_DAYS`` days from today (today included);
- ``not_yet_due``: not done, the deadline later, or none;
- ``closed``: cancelled or merged into another task: counted nowhere else.

Statistics can count by the final deadline (after extensions, ``deadline_on``) or by the original one
(``original_deadline_on``). A task split into parts per agency is counted through its parts only
(``countable``), so a directive to nine districts counts nine times, never ten.
"""

from __future__ import annotations

import enum
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from ecabinet.tasks.models import CLOSED_STATUSES, DONE_STATUSES, Task


class Derived(enum.StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NOT_YET_DUE = "not_yet_due"
    CLOSED = "closed"


class DeadlineBasis(enum.StrEnum):
    FINAL = "final"
    ORIGINAL = "original"


def due_soon_days() -> int:
    return current_app.config["TASK_DUE_SOON_DAYS"]


def deadline_column(basis: DeadlineBasis = DeadlineBasis.FINAL) -> sa.ColumnElement:
    if basis == DeadlineBasis.ORIGINAL:
        return sa.func.coalesce(Task.original_deadline_on, Task.deadline_on)
    return Task.deadline_on


def derived_expression(today: date, basis: DeadlineBasis = DeadlineBasis.FINAL) -> sa.ColumnElement[str]:
    """A CASE giving each task's ``Derived`` value, for WHERE and GROUP BY alike."""
    deadline = deadline_column(basis)
    done = Task.status.in_(DONE_STATUSES)
    return sa.case(
        (Task.status.in_(CLOSED_STATUSES), Derived.CLOSED.value),
        (sa.and_(done, sa.or_(deadline.is_(None), Task.completed_on <= deadline)), Derived.DONE_ON_TIME.value),
        (done, Derived.DONE_LATE.value),
        (deadline < today, Derived.OVERDUE.value),
        (deadline <= today + timedelta(days=due_soon_days()), Derived.DUE_SOON.value),
        else_=Derived.NOT_YET_DUE.value,
    )


_parts = sa.orm.aliased(Task, name="parts")  # made once: aliasing a mapped class is costly


def countable() -> sa.ColumnElement[bool]:
    """Tasks that count in statistics and reminders: those without parts (a split task counts through its
    parts). Written as NOT IN over the few parents rather than NOT EXISTS: PostgreSQL then filters a deadline
    range through a hashed list instead of walking the whole primary key."""
    return Task.id.not_in(sa.select(_parts.parent_id).where(_parts.parent_id.isnot(None)))


def derive(task: Task, today: date, basis: DeadlineBasis = DeadlineBasis.FINAL) -> Derived:
    """The same as ``derived_expression`` for one loaded task."""
    deadline = task.deadline_on if basis == DeadlineBasis.FINAL else (task.original_deadline_on or task.deadline_on)
    if task.status in CLOSED_STATUSES:
        return Derived.CLOSED
    if task.status in DONE_STATUSES:
        on_time = deadline is None or (task.completed_on is not None and task.completed_on <= deadline)
        return Derived.DONE_ON_TIME if on_time else Derived.DONE_LATE
    if deadline is None or deadline > today + timedelta(days=due_soon_days()):
        return Derived.NOT_YET_DUE
    return Derived.OVERDUE if deadline < today else Derived.DUE_SOON
