"""The weekly digest of tasks (job "task-digest", hourly): one e-mail and in-app notification a week to each
agency's liaisons (the tasks it leads) and to each leader (the tasks of its portfolio: those it assigned, its
sectors and agencies), with the counts by reporting status and the overdue and due-soon tasks.

The week's digest is due from Monday 07:00 (local time) and goes out once per ISO week and recipient: the
record is the notification itself, whose key ``task-digest:<unit|leader>:<id>:<iso week>`` the database keeps
unique per recipient (``notify``'s ``INSERT … ON CONFLICT DO NOTHING``) in the job's transaction. We chose it over
a table of our own because ``TaskReminder`` is per task, and because it is per recipient: a liaison appointed on
Wednesday still gets that week's digest, nobody gets it twice, and a restarted scheduler sends nothing again.
``notify.not_yet_notified`` lets the hourly runs skip the counting once everybody has had the week's digest.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from urllib.parse import urlencode

from flask import current_app
from flask_babel import gettext as _

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role, User
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.i18n import local_zone
from ecabinet.notify import operations as notify
from ecabinet.notify.models import Notification
from ecabinet.org.models import Unit
from ecabinet.tasks import queries
from ecabinet.tasks.derived import Derived
from ecabinet.tasks.exports import DERIVED_LABELS
from ecabinet.tasks.reminders import short

KIND_DIGEST = "task.digest"
SENDS_FROM = time(7, 0)
"""Local time on Monday from which the week's digest goes out."""
LISTED = 20
"""Overdue (and due-soon) tasks listed by name in a digest; the rest are counted."""
COUNTED = (Derived.OVERDUE, Derived.DUE_SOON, Derived.NOT_YET_DUE, Derived.DONE_ON_TIME, Derived.DONE_LATE)


def iso_week(day: date) -> str:
    """'2026-W48'."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def digest_due(moment: datetime) -> bool:
    """From Monday 07:00 local to the end of the ISO week."""
    local = moment.astimezone(local_zone())
    return local.weekday() > 0 or local.time() >= SENDS_FROM


@dataclass(frozen=True)
class Digest:
    """What one digest says: counts by reporting status and the first overdue and due-soon tasks."""

    title: str
    counts: dict[Derived, int]
    overdue: tuple[list[queries.TaskRow], int]
    due_soon: tuple[list[queries.TaskRow], int]
    list_params: dict[str, str]

    @property
    def empty(self) -> bool:
        return not any(self.counts.get(d, 0) for d in COUNTED)


def _url(path: str, params: dict[str, str] | None = None) -> str:
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    return f"{base}{path}" + (f"?{urlencode(params)}" if params else "")


def _collect(viewer: User, task_filter: queries.TaskFilter, title: str, today: date) -> Digest:
    """The digest of the tasks of ``task_filter`` as ``viewer`` sees them (the same numbers as its list page)."""
    stats = queries.statistics(viewer, task_filter, "status", overdue_limit=0, on=today)
    rows = {}
    for derived in (Derived.OVERDUE, Derived.DUE_SOON):
        rows[derived] = queries.tasks_page(viewer, task_filter.model_copy(update={"derived": derived}),
                                           queries.Sort("deadline"), queries.Page(1, LISTED), on=today)
    return Digest(title=title, counts=dict(stats.totals.counts),
                  overdue=rows[Derived.OVERDUE], due_soon=rows[Derived.DUE_SOON], list_params=task_filter.params())


def _task_lines(header: str, listed: tuple[list[queries.TaskRow], int], with_days: bool) -> list[str]:
    rows, total = listed
    if not total:
        return []
    lines = ["", f"{header} ({total}):"]
    for row in rows:
        when = _("due %(deadline)s", deadline=f"{row.deadline:%d/%m/%Y}")
        if with_days and row.days_overdue is not None:
            when = _("due %(deadline)s, %(days)s days overdue", deadline=f"{row.deadline:%d/%m/%Y}",
                     days=row.days_overdue)
        lines.append(f"- [{when}] {row.task.lead_unit.name}: {short(row.task.content)} — "
                     f"{_url(f'/tasks/{row.task.id}')}")
    if total > len(rows):
        lines.append(_("… and %(n)s more.", n=total - len(rows)))
    return lines


def render(digest: Digest, today: date) -> str:
    """The plain-text body."""
    lines = [digest.title, _("Situation on %(day)s:", day=f"{today:%d/%m/%Y}")]
    lines += [f"- {DERIVED_LABELS[derived]}: {digest.counts.get(derived, 0)}" for derived in COUNTED]
    lines += _task_lines(DERIVED_LABELS[Derived.OVERDUE], digest.overdue, with_days=True)
    lines += _task_lines(DERIVED_LABELS[Derived.DUE_SOON], digest.due_soon, with_days=False)
    lines += ["", _("The list: %(url)s", url=_url("/tasks", digest.list_params))]
    return "\n".join(lines)


def _send(event_key: str, recipient_ids: list[int], digest: Digest, week: str, today: date) -> list[Notification]:
    year, number = week.split("-W")
    subject = _("Weekly task digest, week %(week)s: %(title)s", week=f"{int(number)}/{year}", title=digest.title)
    return notify.notify(event_key, recipient_ids, notify.Message(
        kind=KIND_DIGEST, subject=subject, body=render(digest, today), link=_url("/tasks", digest.list_params)))


def _unit_digests(week: str, today: date) -> list[Notification]:
    liaisons: dict[int, list[User]] = defaultdict(list)
    for user in accounts.users_with_role(Role.AGENCY_LIAISON):
        if user.unit_id is not None:
            liaisons[user.unit_id].append(user)
    created: list[Notification] = []
    for unit_id, users in sorted(liaisons.items()):
        key = f"task-digest:unit:{unit_id}:{week}"
        waiting = notify.not_yet_notified(key, [u.id for u in users])
        if not waiting:
            continue
        unit = db.session.get(Unit, unit_id)
        title = _("Tasks led by %(unit)s", unit=unit.name)
        digest = _collect(users[0], queries.TaskFilter(lead_unit_id=unit_id), title, today)
        if not digest.empty:
            created += _send(key, sorted(waiting), digest, week, today)
    return created


def _leader_digests(week: str, today: date) -> list[Notification]:
    created: list[Notification] = []
    for leader in accounts.users_with_role(Role.LEADER):
        key = f"task-digest:leader:{leader.id}:{week}"
        if not notify.not_yet_notified(key, [leader.id]):
            continue
        title = _("Tasks in the portfolio of %(name)s", name=leader.full_name)
        digest = _collect(leader, queries.TaskFilter(portfolio="me"), title, today)
        if not digest.empty:
            created += _send(key, [leader.id], digest, week, today)
    return created


def weekly_digest(now: datetime | None = None) -> list[Notification]:
    """Job: the week's digests not sent yet, from Monday 07:00 local. Returns the notifications to push."""
    now = now or utcnow()
    if not digest_due(now):
        return []
    today = now.astimezone(local_zone()).date()
    week = iso_week(today)
    created = _unit_digests(week, today) + _leader_digests(week, today)
    db.session.flush()
    return created
