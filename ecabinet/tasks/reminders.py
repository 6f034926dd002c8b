"""Reminders (đôn đốc) of tasks not yet done, and their escalation: the job "remind-tasks".

For a task with a deadline ``d`` that is neither done nor closed, on the local day ``today``:

- ``before:<d>``: from ``TASK_REMINDER_WORKING_DAYS`` working days before ``d`` until the day before it;
- ``due:<d>``: on the deadline day;
- ``overdue:<d>:<n>``: on working days from the first working day after ``d``, one per period of
  ``TASK_OVERDUE_REMINDER_DAYS`` days (``n`` = 0, 1, …); a period that ends on holidays (Tết) is reminded on
  the first working day after them, and a job that was down for weeks sends the current period only;
- ``escalation:<d>``: once ``working_days_between(d, today) >= TASK_ESCALATION_WORKING_DAYS``, to the office
  leaders and the assigning leader.

The first three go to the active liaisons of the lead agency. A task split into parts is reminded through its
parts. Each reminder is recorded as a ``TaskReminder(task_id, key)`` in the job's transaction with ``INSERT … ON
CONFLICT DO NOTHING``, and notified only when that row is new (the notification key ``task:<id>:<key>`` is a
second guard): a job run twice, or a restarted scheduler, sends nothing again. The keys name the deadline, so an
extension starts the cycle afresh for the new deadline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role
from ecabinet.core.clock import local_date, utcnow
from ecabinet.core.db import db, upsert_insert
from ecabinet.notify import operations as notify
from ecabinet.notify.models import Notification
from ecabinet.tasks.derived import countable
from ecabinet.tasks.models import CLOSED_STATUSES, DONE_STATUSES, Task, TaskReminder
from ecabinet.workdays.operations import MAX_SPAN_DAYS, Calendar

KIND_REMINDER = "task.reminder"
KIND_ESCALATION = "task.escalation"
SUBJECT_CONTENT_CHARS = 120
ID_CHUNK = 500
"""Task ids per ``IN (…)`` list when looking up what was already sent."""


@dataclass(frozen=True)
class Settings:
    ahead: int
    """``TASK_REMINDER_WORKING_DAYS``: the "before" reminder's working days before the deadline."""
    overdue_every: int
    """``TASK_OVERDUE_REMINDER_DAYS``: days between overdue reminders."""
    escalate_after: int
    """``TASK_ESCALATION_WORKING_DAYS``: working days overdue before the leaders are told."""

    @classmethod
    def from_config(cls) -> Settings:
        config = current_app.config
        return cls(ahead=config["TASK_REMINDER_WORKING_DAYS"],
                   overdue_every=max(1, config["TASK_OVERDUE_REMINDER_DAYS"]),
                   escalate_after=config["TASK_ESCALATION_WORKING_DAYS"])


def _working_days_late(calendar: Calendar, deadline: date, today: date) -> int:
    if (today - deadline).days > MAX_SPAN_DAYS:
        return MAX_SPAN_DAYS  # ten years late: certainly past any escalation threshold
    return calendar.between(deadline, today)


def due_keys(deadline: date, today: date, calendar: Calendar, settings: Settings) -> list[str]:
    """The reminder keys due on ``today`` for a task not done with this deadline (sent or not)."""
    iso = deadline.isoformat()
    if today == deadline:
        return [f"due:{iso}"]
    if today < deadline:
        opens = calendar.add(deadline, -settings.ahead) if settings.ahead > 0 else deadline
        return [f"before:{iso}"] if today >= opens else []
    keys = []
    first_overdue = calendar.add(deadline, 1)
    if today >= first_overdue and calendar.is_working_day(today):
        keys.append(f"overdue:{iso}:{(today - first_overdue).days // settings.overdue_every}")
    if _working_days_late(calendar, deadline, today) >= settings.escalate_after:
        keys.append(f"escalation:{iso}")
    return keys


def _candidates(horizon: date) -> list[sa.Row]:
    """Tasks that may have a reminder due: not done, not closed, not split, with a deadline up to ``horizon``."""
    return list(db.session.execute(
        sa.select(Task.id, Task.deadline_on)
        .where(Task.status.not_in(DONE_STATUSES + CLOSED_STATUSES), Task.deadline_on.is_not(None),
               Task.deadline_on <= horizon, countable())
        .order_by(Task.id)))


def _already_sent(wanted: dict[int, list[str]]) -> set[tuple[int, str]]:
    """Those of the wanted ``(task id, key)`` pairs recorded already, looked up in chunks."""
    ids = sorted(wanted)
    keys = sorted({key for task_keys in wanted.values() for key in task_keys})
    sent: set[tuple[int, str]] = set()
    for start in range(0, len(ids), ID_CHUNK):
        sent.update(db.session.execute(
            sa.select(TaskReminder.task_id, TaskReminder.key)
            .where(TaskReminder.task_id.in_(ids[start:start + ID_CHUNK]), TaskReminder.key.in_(keys))).tuples())
    return sent


def _record(task_id: int, key: str, now: datetime) -> bool:
    """Record the reminder; False when it was recorded before (by an earlier or a concurrent run)."""
    table = TaskReminder.__table__
    statement = (upsert_insert(table).values(task_id=task_id, key=key, sent_at=now)
                 .on_conflict_do_nothing(index_elements=["task_id", "key"]).returning(table.c.id))
    return db.session.execute(statement).scalar() is not None


def _liaisons_by_unit(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    by_unit: dict[int, list[int]] = defaultdict(list)
    for user in accounts.liaisons_of(sorted(set(unit_ids))):
        by_unit[user.unit_id].append(user.id)
    return by_unit


def short(text: str, limit: int = SUBJECT_CONTENT_CHARS) -> str:
    """One line of at most ``limit`` characters, for a subject."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


def _facts(task: Task, calendar: Calendar, today: date) -> dict[str, str]:
    deadline = task.deadline_on
    return {"content": short(task.content), "unit": task.lead_unit.name, "deadline": f"{deadline:%d/%m/%Y}",
            "reference": f" ({task.source_reference})" if task.source_reference else "",
            "working_days_left": str(max(calendar.between(today, deadline), 0)),
            "days_late": str(max((today - deadline).days, 0)),
            "working_days_late": str(max(_working_days_late(calendar, deadline, today), 0))}


def _message(key: str, facts: dict[str, str], link: str) -> notify.Message:
    kind = key.split(":", 1)[0]
    if kind == "before":
        subject = _("Task due on %(deadline)s: %(content)s", **facts)
        body = _("The task “%(content)s”%(reference)s led by %(unit)s is due on %(deadline)s, in "
                 "%(working_days_left)s working days. Report its progress or its completion in ecabinet.", **facts)
    elif kind == "due":
        subject = _("Task due today: %(content)s", **facts)
        body = _("The task “%(content)s”%(reference)s led by %(unit)s is due today (%(deadline)s). Report its "
                 "completion in ecabinet, or request an extension.", **facts)
    elif kind == "overdue":
        subject = _("Overdue task: %(content)s", **facts)
        body = _("The task “%(content)s”%(reference)s led by %(unit)s was due on %(deadline)s and is "
                 "%(days_late)s days overdue. Report on it in ecabinet, or request an extension.", **facts)
    else:
        subject = _("Task overdue for %(working_days_late)s working days: %(content)s", **facts)
        body = _("The task “%(content)s”%(reference)s led by %(unit)s was due on %(deadline)s and is still not "
                 "done %(working_days_late)s working days later.", **facts)
    return notify.Message(kind=KIND_ESCALATION if kind == "escalation" else KIND_REMINDER, subject=subject,
                          body=body, link=link)


class _Recipients:
    """Who hears of each reminder, loaded once per run."""

    def __init__(self, tasks: Iterable[Task]) -> None:
        tasks = list(tasks)
        self._liaisons = _liaisons_by_unit(t.lead_unit_id for t in tasks)
        self._office_leaders = [u.id for u in accounts.users_with_role(Role.OFFICE_LEADER)]

    def of(self, task: Task, key: str) -> list[int]:
        if key.startswith("escalation:"):
            return sorted(set(self._office_leaders) | ({task.assigned_by_id} if task.assigned_by_id else set()))
        return self._liaisons.get(task.lead_unit_id, [])


def remind_due(now: datetime | None = None) -> list[Notification]:
    """Job: send the reminders due now (see the module), each once. Returns the notifications to push."""
    now = now or utcnow()
    today = local_date(now)
    settings = Settings.from_config()
    calendar = Calendar.load()
    horizon = calendar.add(today, max(settings.ahead, 0))  # no "before" window is open for a later deadline
    candidates = _candidates(horizon)
    keys_by_deadline: dict[date, list[str]] = {}
    wanted: dict[int, list[str]] = {}
    for task_id, deadline in candidates:
        if deadline not in keys_by_deadline:
            keys_by_deadline[deadline] = due_keys(deadline, today, calendar, settings)
        if keys_by_deadline[deadline]:
            wanted[task_id] = keys_by_deadline[deadline]
    sent = _already_sent(wanted) if wanted else set()
    to_send = {task_id: [k for k in keys if (task_id, k) not in sent] for task_id, keys in wanted.items()}
    to_send = {task_id: keys for task_id, keys in to_send.items() if keys}
    if not to_send:
        return []
    tasks = list(db.session.scalars(sa.select(Task).where(Task.id.in_(to_send)).order_by(Task.id)))
    recipients = _Recipients(tasks)
    created: list[Notification] = []
    for task in tasks:
        facts = _facts(task, calendar, today)
        for key in to_send[task.id]:
            people = recipients.of(task, key)
            if people and _record(task.id, key, now):  # nobody to tell yet: a liaison appointed later hears of it
                created += notify.notify(f"task:{task.id}:{key}", people, _message(key, facts, f"/tasks/{task.id}"))
    db.session.flush()
    return created

