"""Pages of one task: everything about it with the forms the policy and its state allow (start, report with
files, verify, return, cancel, merge, split, comment, ask for and decide extensions), and entering or changing
a task (the Office). The lists and statistics are ``task_stats`` pages.

A task the user may not see is a 404 like a missing one. A refused form is shown again with the Vietnamese
error next to the field (422, or 409 for a wrong state) and nothing saved.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role
from ecabinet.core.api import ApiError
from ecabinet.core import clock
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.forms import parse_form
from ecabinet.org import operations as org
from ecabinet.policy import Action, allowed, require
from ecabinet.tasks import operations as ops
from ecabinet.tasks import periodic, sources
from ecabinet.tasks.derived import derive
from ecabinet.tasks.models import ExtensionRequest, Priority, Recurrence, Task, TaskSource
from ecabinet.tasks.schemas import (
    CommentForm, DecisionForm, ExtensionForm, MergeForm, ReasonForm, ReportForm, SplitForm, TaskForm, VersionForm,
)
from ecabinet.tasks.views import attachment_response, may_see, task_data, uploads

bp = Blueprint("tasks", __name__)

TASK_FIELDS = ("content", "lead_unit_id", "source", "source_reference", "coordinating_unit_ids", "deadline_on",
               "assigned_by_id", "sector_id", "priority", "recurrence", "recurrence_until", "report_required",
               "version")
ENTERED_SOURCES = (TaskSource.PROGRAMME, TaskSource.GOVERNMENT, TaskSource.MANUAL)


def _load(task_id: int) -> Task:
    task = db.session.get(Task, task_id)
    if not may_see(task):
        abort(404)
    return task


def list_url() -> str | None:
    """The task list (a ``task_stats`` page), when that page exists."""
    return url_for("task_stats.list_page") if "task_stats.list_page" in current_app.view_functions else None


# --- one task ------------------------------------------------------------------------------------

def _periods(task: Task) -> dict[str, Task | None]:
    """A periodic report's previous and next periods, each only when the user may see it."""
    previous, following = task.previous_period, periodic.next_period(task)
    return {"previous_period": previous if may_see(previous) else None,
            "next_period": following if may_see(following) else None}


def _page(task: Task, errors: dict[str, dict[str, str]] | None = None, forms: dict[str, MultiDict] | None = None,
          status: int = 200):
    manage = allowed(current_user, Action.MANAGE_TASKS, task)
    today = clock.today()
    return render_template(
        "tasks/detail.html", task=task, derived=derive(task, today), derived_of=lambda t: derive(t, today),
        notice_visible=sources.may_open_notice(current_user, task.notice_id),
        parts=[p for p in task.parts if may_see(p)], parent_visible=may_see(task.parent),
        **_periods(task),
        reports=ops.reports_of(task), comments=ops.comments_of(task), extensions=ops.extensions_of(task),
        pending=ops.pending_extension(task), status_names=ops.STATUS_NAMES,
        units=org.unit_choices() if manage else [], errors=errors or {}, forms=forms or {},
        list_url=list_url()), status


@bp.get("/tasks/<int:task_id>")
@login_required
def detail(task_id: int):
    return _page(_load(task_id))


def _done(task_id: int, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("tasks.detail", task_id=task_id))


def _refused(task_id: int, which: str, exc: DomainError, fields: tuple[str, ...]):
    """The page again with the refusal next to its field (or above the form), nothing saved."""
    db.session.rollback()
    field = exc.field if exc.field in fields and exc.field != "version" else "__all__"
    return _page(_load(task_id), {which: {field: exc.message}}, {which: request.form}, exc.status)


def _form_action(task_id: int, which: str, action: Action, model: type, run: Callable, message: str,
                 list_fields: tuple[str, ...] = ()):
    """The shared steps of a form on the task page: load (404), policy (403), parse (422), run, commit."""
    task = _load(task_id)
    require(current_user, action, task)
    body, errors = parse_form(model, request.form, list_fields=list_fields)
    if body is None:
        return _page(task, {which: errors}, {which: request.form}, 422)
    try:
        run(task, body)
    except DomainError as exc:
        return _refused(task_id, which, exc, (*model.model_fields, "files"))
    return _done(task_id, message)


@bp.post("/tasks/<int:task_id>/start")
@login_required
def start(task_id: int):
    return _form_action(task_id, "start", Action.REPORT_TASK, VersionForm,
                        lambda task, body: ops.start(task, current_user, body.version),
                        _("The task is in progress."))


@bp.post("/tasks/<int:task_id>/report")
@login_required
def report(task_id: int):
    def run(task: Task, body: ReportForm) -> None:
        ops.report_progress(task, current_user, body.text, body.percent, uploads(), done=body.done,
                            completed_on=body.completed_on, version=body.version)

    return _form_action(task_id, "report", Action.REPORT_TASK, ReportForm, run, _("The report has been sent."))


@bp.post("/tasks/<int:task_id>/verify")
@login_required
def verify(task_id: int):
    return _form_action(task_id, "verify", Action.MANAGE_TASKS, VersionForm,
                        lambda task, body: ops.verify(task, current_user, body.version),
                        _("The task is verified done."))


@bp.post("/tasks/<int:task_id>/return")
@login_required
def return_report(task_id: int):
    return _form_action(task_id, "return", Action.MANAGE_TASKS, ReasonForm,
                        lambda task, body: ops.return_report(task, current_user, body.reason, body.version),
                        _("The report has been returned to the agency."))


@bp.post("/tasks/<int:task_id>/cancel")
@login_required
def cancel(task_id: int):
    return _form_action(task_id, "cancel", Action.MANAGE_TASKS, ReasonForm,
                        lambda task, body: ops.cancel(task, current_user, body.reason, body.version),
                        _("The task has been cancelled."))


def _merge(task: Task, body: MergeForm):
    other = db.session.get(Task, body.into_id)
    if other is None:
        raise DomainError("unknown_task", _("There is no task with this number."), "into_id")
    return ops.merge_into(task, other, current_user, body.reason, body.version)


@bp.post("/tasks/<int:task_id>/merge")
@login_required
def merge(task_id: int):
    return _form_action(task_id, "merge", Action.MANAGE_TASKS, MergeForm, _merge,
                        _("The task has been merged into the other one."))


@bp.post("/tasks/<int:task_id>/split")
@login_required
def split(task_id: int):
    return _form_action(task_id, "split", Action.MANAGE_TASKS, SplitForm,
                        lambda task, body: ops.split(task, current_user, body.unit_ids, body.version),
                        _("The task has been split into one part per agency."), list_fields=("unit_ids",))


@bp.post("/tasks/<int:task_id>/comment")
@login_required
def comment(task_id: int):
    return _form_action(task_id, "comment", Action.COMMENT_TASK, CommentForm,
                        lambda task, body: ops.comment(task, current_user, body.text),
                        _("Your comment has been added."))


@bp.post("/tasks/<int:task_id>/extension")
@login_required
def request_extension(task_id: int):
    return _form_action(task_id, "extension", Action.REQUEST_EXTENSION, ExtensionForm,
                        lambda task, body: ops.request_extension(task, current_user, body.new_deadline, body.reason),
                        _("The extension request has been sent."))


@bp.post("/tasks/<int:task_id>/extensions/<int:request_id>/decide")
@login_required
def decide_extension(task_id: int, request_id: int):
    extension = db.session.get(ExtensionRequest, request_id)
    if extension is None or extension.task_id != task_id:
        abort(404)
    return _form_action(task_id, "decide", Action.DECIDE_EXTENSION, DecisionForm,
                        lambda task, body: ops.decide_extension(extension, current_user, body.grant, body.note),
                        _("The extension request has been decided."))


@bp.get("/tasks/<int:task_id>/attachments/<int:attachment_id>")
@login_required
def attachment(task_id: int, attachment_id: int):
    try:
        return attachment_response(_load(task_id), attachment_id)
    except ApiError:
        abort(404)


# --- entering and changing -----------------------------------------------------------------------

def _form_of(task: Task) -> MultiDict:
    form = MultiDict({"content": task.content, "lead_unit_id": str(task.lead_unit_id), "source": task.source.value,
                      "source_reference": task.source_reference,
                      "deadline_on": f"{task.deadline_on:%d/%m/%Y}" if task.deadline_on else "",
                      "assigned_by_id": str(task.assigned_by_id or ""), "sector_id": str(task.sector_id or ""),
                      "priority": task.priority.value, "recurrence": task.recurrence.value,
                      "recurrence_until": f"{task.recurrence_until:%d/%m/%Y}" if task.recurrence_until else "",
                      "report_required": "true" if task.report_required else "", "version": str(task.version)})
    for unit in task.coordinating_units:
        form.add("coordinating_unit_ids", str(unit.id))
    return form


def _form_page(task: Task | None, form: MultiDict, errors: dict[str, str] | None = None, status: int = 200):
    sources = [task.source] if task is not None and task.source == TaskSource.NOTICE else list(ENTERED_SOURCES)
    return render_template("tasks/form.html", task=task, form=form, errors=errors or {}, fields=TASK_FIELDS,
                           units=org.unit_choices(), sectors=org.sector_choices(),
                           leaders=accounts.users_with_role(Role.LEADER), sources=sources,
                           priorities=list(Priority), recurrences=list(Recurrence), list_url=list_url()), status


def _save(task: Task | None):
    body, errors = parse_form(TaskForm, request.form, list_fields=("coordinating_unit_ids",))
    if body is None:
        return _form_page(task, request.form, errors, 422)
    try:
        if task is None:
            task = ops.create_task(task_data(body), current_user)
        else:
            task = ops.update_task(task, task_data(body), current_user, body.version or 0)
    except DomainError as exc:
        db.session.rollback()
        field = exc.field if exc.field in TASK_FIELDS and exc.field != "version" else "__all__"
        return _form_page(task and db.session.get(Task, task.id), request.form, {field: exc.message}, exc.status)
    return _done(task.id, _("The task has been saved."))


@bp.route("/tasks/new", methods=["GET", "POST"])
@login_required
def new():
    require(current_user, Action.MANAGE_TASKS)
    if request.method == "POST":
        return _save(None)
    return _form_page(None, MultiDict({"source": TaskSource.MANUAL.value, "priority": Priority.NORMAL.value,
                                       "recurrence": Recurrence.NONE.value}))


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit(task_id: int):
    task = _load(task_id)
    require(current_user, Action.MANAGE_TASKS, task)
    if request.method == "POST":
        return _save(task)
    return _form_page(task, _form_of(task))


@bp.app_context_processor
def _task_navigation() -> dict:
    """The top bar's "Nhiệm vụ" link: the task list once ``task_stats`` serves it."""
    return {"tasks_nav_url": list_url()}
