"""The tasks an issued conclusion notice gives: one per directive of the meeting's conclusions.

A directive becomes one task, once (``Task.directive_id`` is unique): a correcting notice updates the task of a
directive it repeats instead of adding another (``tasks.operations.correct_deadline``). The tasks
domain knows nothing of notices; it is told here what to create.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ecabinet.notices.document import meeting_conclusions
from ecabinet.conclusions import wording
from ecabinet.conclusions.models import Directive
from ecabinet.notices.models import Notice
from ecabinet.core.db import db
from ecabinet.tasks.models import Task, TaskSource
from ecabinet.tasks.operations import correct_deadline


def source_reference(notice: Notice, issued_on: date) -> str:
    """"Thông báo số 15/TB-UBND ngày 02/12/2026": the document as people cite it."""
    return f"Thông báo số {notice.number_symbol} ngày {issued_on:%d/%m/%Y}"


def _directives(notice: Notice) -> list[Directive]:
    return [d for conclusion in meeting_conclusions(notice.meeting_id) for d in conclusion.directives]


def _fill(task: Task, notice: Notice, directive: Directive, issued_on: date, title: str) -> None:
    task.content = title
    task.notice_id = notice.id
    task.lead_unit_id = directive.lead_unit_id
    task.coordinating_units = list(directive.coordinating_units)
    task.report_required = directive.report_required
    task.assigned_by_id = notice.meeting.chair_id
    task.source_reference = source_reference(notice, issued_on)


def from_notice(notice: Notice, issued_on: date) -> list[Task]:
    """One task per directive of the meeting's conclusions, deadlines counted from ``issued_on`` in working
    days; a directive that already has a task (a correcting notice) gets that task updated, a changed
    deadline recorded in its history ("Thông báo đính chính số …")."""
    directives = _directives(notice)
    existing = {t.directive_id: t for t in db.session.scalars(
        sa.select(Task).where(Task.directive_id.in_([d.id for d in directives])))} if directives else {}
    tasks = []
    for directive in directives:
        deadline = wording.directive_deadline(directive, issued_on)
        title = wording.directive_title(directive)  # before the new task is in the session (it has no content yet)
        task = existing.get(directive.id)
        if task is None:
            task = Task(source=TaskSource.NOTICE, directive_id=directive.id, created_by_id=notice.issued_by_id,
                        deadline_on=deadline, original_deadline_on=deadline)
            db.session.add(task)
        elif task.deadline_on != deadline:
            correct_deadline(task, deadline, f"Thông báo đính chính số {notice.number_symbol}", notice.issued_by_id)
        _fill(task, notice, directive, issued_on, title)
        tasks.append(task)
    db.session.flush()
    return tasks


def tasks_of_notice(notice: Notice) -> list[Task]:
    """The tasks the notice created or last updated, in the order of its directives."""
    return list(db.session.scalars(sa.select(Task).where(Task.notice_id == notice.id).order_by(Task.id)))
