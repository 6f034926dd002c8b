"""JSON API of tasks: one task with everything about it, entering and changing it, its lifecycle, progress
reports (multipart with files), comments, extension requests and their decisions, splitting it per agency.

A task the user may not see is answered 404 like a missing one (never 403), so that ids reveal nothing; what
the user may see but not do is a 403. Lists and statistics are in ``tasks.statistics``.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ecabinet.core.api import ApiError, load_or_404, not_found, route
from ecabinet.core import clock
from ecabinet.core.db import db
from ecabinet.policy import Action, require
from ecabinet.tasks import operations as ops
from ecabinet.tasks import periodic
from ecabinet.tasks.derived import derive
from ecabinet.tasks.models import ExtensionRequest, Task
from ecabinet.tasks.schemas import (
    CommentBody, CommentOut, DecisionBody, ExtensionBody, ExtensionOut, MergeBody, ReasonBody, ReportForm, ReportOut,
    SplitBody, TaskCreate, TaskOut, TaskUpdate, VersionBody,
)
from ecabinet.tasks.views import attachment_response, may_see, task_data, uploads

bp = Blueprint("tasks_api", __name__)


def load_task(task_id: int) -> Task:
    return load_or_404(Task, task_id, may_see)


def _brief(task: Task, today) -> dict:
    return {**{k: getattr(task, k) for k in ("id", "content", "lead_unit", "status", "progress_percent",
                                             "deadline_on", "completed_on", "version")},
            "derived": derive(task, today)}


def task_detail(task: Task) -> dict:
    """Everything about the task the user may know: its parts only those the user may see."""
    today = clock.today()
    fields = {name: getattr(task, name) for name in TaskOut.model_fields
              if name not in {"derived", "parts", "reports", "comments", "extension_requests", "next_period_id"}}
    return {**fields, "derived": derive(task, today), "next_period_id": periodic.next_period_id(task),
            "parts": [_brief(part, today) for part in task.parts if may_see(part)],
            "reports": ops.reports_of(task), "comments": ops.comments_of(task),
            "extension_requests": ops.extensions_of(task)}


def commit() -> None:
    """A concurrent duplicate (a second pending extension) → 409."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ApiError(409, "conflict", _("Someone else changed this record meanwhile; reload it.")) from None


@route(bp, "/tasks/<int:task_id>", summary="A task with its reports, comments, extensions, history and parts",
       response=TaskOut)
def get_task(task_id: int):
    """``derived`` is the reporting status today; ``parts`` lists only the parts the user may see."""
    return task_detail(load_task(task_id))


@route(bp, "/tasks", method="POST", summary="Enter a task", body=TaskCreate, response=TaskOut, status=201)
def create_task(body: TaskCreate):
    """The Office enters a task from a work programme, the Government or by hand; the lead agency is told."""
    require(current_user, Action.MANAGE_TASKS)
    task = ops.create_task(task_data(body), current_user)
    commit()
    return task_detail(task)


@route(bp, "/tasks/<int:task_id>", method="PUT", summary="Change a task", body=TaskUpdate, response=TaskOut)
def update_task(task_id: int, body: TaskUpdate):
    """An open task only (409 otherwise); a new deadline is recorded in the deadline history."""
    task = load_task(task_id)
    require(current_user, Action.MANAGE_TASKS, task)
    ops.update_task(task, task_data(body), current_user, body.version)
    commit()
    return task_detail(task)


@route(bp, "/tasks/<int:task_id>/start", method="POST", summary="Start a task", body=VersionBody,
       response=TaskOut)
def start(task_id: int, body: VersionBody):
    task = load_task(task_id)
    require(current_user, Action.REPORT_TASK, task)
    ops.start(task, current_user, body.version)
    commit()
    return task_detail(task)


@route(bp, "/tasks/<int:task_id>/reports", method="POST", summary="Report progress (multipart, with files)",
       form=ReportForm, response=ReportOut, status=201)
def report(task_id: int, form: ReportForm, files: dict):
    """The lead agency's report: ``text``, ``percent``, ``done``, ``completed_on`` and any number of ``files``
    (PDF, Office documents, images; at most 20 MB each, else 422). ``done`` marks the task reported done."""
    task = load_task(task_id)
    require(current_user, Action.REPORT_TASK, task)
    progress = ops.report_progress(task, current_user, form.text, form.percent, uploads(), done=form.done,
                                   completed_on=form.completed_on, version=form.version)
    commit()
    return progress


@route(bp, "/tasks/<int:task_id>/verify", method="POST", summary="Verify a task done", body=VersionBody,
       response=TaskOut)
def verify(task_id: int, body: VersionBody):
    task = load_task(task_id)
    require(current_user, Action.MANAGE_TASKS, task)
    ops.verify(task, current_user, body.version)
    commit()
    return task_detail(task)


@route(bp, "/tasks/<int:task_id>/return", method="POST", summary="Return a done report (not accepted)",
       body=ReasonBody, response=TaskOut)
def return_report(task_id: int, body: ReasonBody):
    task = load_task(task_id)
    require(current_user, Action.MANAGE_TASKS, task)
    ops.return_report(task, current_user, body.reason, body.version)
    commit()
    return task_detail(task)


@route(bp, "/tasks/<int:task_id>/cancel", method="POST", summary="Cancel a task", body=ReasonBody,
       response=TaskOut)
def cancel(task_id: int, body: ReasonBody):
    task = load_task(task_id)
    require(current_user, Action.MANAGE_TASKS, task)
    ops.cancel(task, current_user, body.reason, body.version)
    commit()
    return task_detail(task)


@route(bp, "/tasks/<int:task_id>/merge", method="POST", summary="Merge a duplicate into another task",
       body=MergeBody, response=TaskOut)
def merge(task_id: int, body: MergeBody):
    task = load_task(task_id)
    require(current_user, Action.MANAGE_TASKS, task)
    other = db.session.get(Task, body.into_id)
    if other is None:
        raise ApiError(422, "unknown_task", _("No such task."),
                       [{"field": "into_id", "type": "unknown_task", "message": "no such task"}])
    ops.merge_into(task, other, current_user, body.reason, body.version)
    commit()
    return task_detail(task)


@route(bp, "/tasks/<int:task_id>/comments", method="POST", summary="Comment on a task", body=CommentBody,
       response=CommentOut, status=201)
def comment(task_id: int, body: CommentBody):
    task = load_task(task_id)
    require(current_user, Action.COMMENT_TASK, task)
    remark = ops.comment(task, current_user, body.text)
    commit()
    return remark


@route(bp, "/tasks/<int:task_id>/extensions", method="POST", summary="Ask for more time", body=ExtensionBody,
       response=ExtensionOut, status=201)
def request_extension(task_id: int, body: ExtensionBody):
    """A new deadline after the current one and not in the past (else 422); one pending request (else 409)."""
    task = load_task(task_id)
    require(current_user, Action.REQUEST_EXTENSION, task)
    extension = ops.request_extension(task, current_user, body.new_deadline, body.reason)
    commit()
    return extension


@route(bp, "/task-extensions/<int:request_id>/decide", method="POST", summary="Grant or refuse an extension",
       body=DecisionBody, response=ExtensionOut)
def decide_extension(request_id: int, body: DecisionBody):
    """Granted: the task's deadline moves and the change is kept in its history; refused needs a ``note``."""
    extension = db.session.get(ExtensionRequest, request_id)
    task = db.session.get(Task, extension.task_id) if extension is not None else None
    if not may_see(task):
        raise not_found()
    require(current_user, Action.DECIDE_EXTENSION, task)
    ops.decide_extension(extension, current_user, body.grant, body.note)
    commit()
    return extension


@route(bp, "/tasks/<int:task_id>/split", method="POST", summary="Split a task into one part per agency",
       body=SplitBody, response=TaskOut)
def split(task_id: int, body: SplitBody):
    task = load_task(task_id)
    require(current_user, Action.MANAGE_TASKS, task)
    ops.split(task, current_user, body.unit_ids, body.version)
    commit()
    return task_detail(task)


@route(bp, "/tasks/<int:task_id>/attachments/<int:attachment_id>", summary="Download a report's file")
def download_attachment(task_id: int, attachment_id: int):
    return attachment_response(load_task(task_id), attachment_id)
