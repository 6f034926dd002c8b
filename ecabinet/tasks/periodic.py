"""Periodic reports (báo cáo định kỳ) roll on: the job "roll-periodic-tasks".

Each period of a periodic task is a task of its own, counted on its own deadline. Once a period is over (its
deadline has passed, or it is reported or verified done) the next period's task is made, linked to it by
``previous_period_id``, until the series reaches ``recurrence_until`` or a period is cancelled or merged (which
ends the series).

Deadlines always count from the series' anchor (``recurrence_anchor_on``), never from the previous deadline, so
that month ends survive short months: 31/01 → 28/02 → 31/03 → 30/04. An extension moves one period's deadline
only; a period rolls on when its (extended) deadline has passed, and the next one still falls on the series' day.

A period is rolled on once however often the job runs, also by two runners at once: ``previous_period_id`` is
unique, and each roll-on is inserted inside a savepoint, so a concurrent duplicate is dropped on its own.
"""

from __future__ import annotations

import calendar
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from ecabinet.core import clock
from ecabinet.core.db import db
from ecabinet.notify.models import Notification
from ecabinet.tasks import operations as ops
from ecabinet.tasks.models import CLOSED_STATUSES, DONE_STATUSES, Recurrence, Task

MONTHS_PER_PERIOD = {Recurrence.MONTHLY: 1, Recurrence.QUARTERLY: 3}


def next_deadline(anchor: date, recurrence: Recurrence, period_index: int) -> date:
    """The deadline of period ``period_index`` (0 = the anchor's) of a series: the anchor's day of the month,
    1 or 3 months later per period, the month's last day when that month is shorter."""
    months = anchor.month - 1 + MONTHS_PER_PERIOD[Recurrence(recurrence)] * period_index
    year, month = anchor.year + months // 12, months % 12 + 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def deadline_after(anchor: date, recurrence: Recurrence, day: date) -> date:
    """The first deadline of the series strictly after ``day``."""
    step = MONTHS_PER_PERIOD[Recurrence(recurrence)]
    index = max(((day.year - anchor.year) * 12 + day.month - anchor.month) // step, 0)
    while next_deadline(anchor, recurrence, index) <= day:
        index += 1
    return next_deadline(anchor, recurrence, index)


def scheduled_deadline(task: Task) -> date:
    """The day this period was due by the series, before any extension: a rolled period's first deadline, or the
    anchor itself for the period the series is anchored on (the first one, or one whose deadline the Office
    changed, which re-anchors the series there)."""
    previous = task.previous_period
    rolled_on_same_anchor = previous is not None and previous.recurrence_anchor_on == task.recurrence_anchor_on
    if rolled_on_same_anchor and task.original_deadline_on is not None:
        return task.original_deadline_on
    return task.recurrence_anchor_on


def following_deadline(task: Task) -> date | None:
    """The next period's deadline, or None when the series ends before it (``recurrence_until``)."""
    deadline = deadline_after(task.recurrence_anchor_on, task.recurrence, scheduled_deadline(task))
    if task.recurrence_until is not None and deadline > task.recurrence_until:
        return None
    return deadline


def next_period_id(task: Task) -> int | None:
    """The id of the period that followed this one, if it has been rolled on."""
    return db.session.scalar(sa.select(Task.id).where(Task.previous_period_id == task.id))


def next_period(task: Task) -> Task | None:
    """The period that followed this one, if it has been rolled on."""
    return db.session.scalar(sa.select(Task).where(Task.previous_period_id == task.id))


def _period_over(today: date) -> sa.ColumnElement[bool]:
    return sa.or_(Task.deadline_on < today, Task.status.in_(DONE_STATUSES))


def due_for_roll_on(today: date) -> list[Task]:
    """Periodic tasks (not parts: they roll with their parent) neither cancelled nor merged, whose period is over
    and that have no next period yet; the last period of an ended series stays among them (its end is computed
    from the anchor, see ``following_deadline``)."""
    following = aliased(Task)
    return list(db.session.scalars(
        sa.select(Task)
        .where(Task.recurrence != Recurrence.NONE, Task.status.not_in(CLOSED_STATUSES), Task.parent_id.is_(None),
               _period_over(today), ~sa.exists().where(following.previous_period_id == Task.id))
        .options(selectinload(Task.previous_period)).order_by(Task.id)))


def _successor(task: Task, deadline: date, parent: Task | None = None) -> Task:
    """The next period of ``task`` (a series or one agency's part of it), due on ``deadline``.

    It copies what was asked of whom (content, source and its reference, assigning leader, lead and coordinating
    agencies, sector, priority, the series' recurrence, anchor and end, report required, creator) and starts
    afresh (new, 0 %). The later periods of a notice's task keep the notice (``notice_id``) and count as its tasks;
    only the first names the directive (``directive_id`` is unique: a correcting notice updates that one).
    """
    return Task(
        content=task.content, source=task.source, source_reference=task.source_reference,
        notice_id=task.notice_id, assigned_by_id=task.assigned_by_id, lead_unit_id=task.lead_unit_id,
        coordinating_units=list(task.coordinating_units), sector_id=task.sector_id, priority=task.priority,
        recurrence=task.recurrence, recurrence_anchor_on=task.recurrence_anchor_on,
        recurrence_until=task.recurrence_until, report_required=task.report_required,
        created_by_id=task.created_by_id, deadline_on=deadline, original_deadline_on=deadline,
        previous_period_id=task.id, parent=parent)


def roll_on(task: Task) -> tuple[Task | None, list[Notification]]:
    """Make the next period of ``task`` (with the same parts per agency, cancelled or merged parts left out) and
    tell the lead agencies; (None, []) when the series has ended or another runner rolled it on meanwhile."""
    deadline = following_deadline(task)
    if deadline is None:
        return None, []
    try:
        with db.session.begin_nested():
            with db.session.no_autoflush:  # the parts join their parent before anything is written
                successor = _successor(task, deadline)
                for part in task.parts:
                    if part.status not in CLOSED_STATUSES:
                        _successor(part, deadline, parent=successor)
            db.session.add(successor)
            db.session.flush()
            told = ops.tell_assigned(successor) if not successor.parts else []
            told += [n for part in successor.parts for n in ops.tell_assigned(part)]
    except sa.exc.IntegrityError:
        if next_period_id(task) is None:  # not a concurrent roll-on: a real fault, not to be hidden
            raise
        return None, []  # rolled on by a concurrent run: this savepoint is undone, the run goes on
    return successor, told


def roll_on_due(today: date | None = None) -> list[Notification]:
    """Job: roll on every periodic task whose period is over (see the module); a series behind by several periods
    (a job that was down, a long extension) catches up in one run. Returns the notifications to push."""
    today = today or clock.today()
    created: list[Notification] = []
    pending = due_for_roll_on(today)
    while pending:
        task = pending.pop(0)
        successor, told = roll_on(task)
        created += told
        if successor is not None and successor.deadline_on < today:
            pending.append(successor)
    return created
