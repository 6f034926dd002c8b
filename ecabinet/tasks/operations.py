"""Tasks (nhiệm vụ): made from the directives of an issued conclusion notice or entered by the Office, then
carried out and reported on by the lead agency, verified by the Office, extended, split per agency.

A directive becomes one task, once (``Task.directive_id`` is unique): a correcting notice updates the task of
a directive it repeats instead of adding another. Operations flush and never commit; a refusal is a
``DomainError`` (409 for a wrong state or a stale version, 422 for bad input). The notifications of those that
tell people are pushed after the caller's commit.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role, User
from ecabinet.core import storage
from ecabinet.core.clock import today, utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.notify import operations as notify
from ecabinet.org.models import Sector, Unit
from ecabinet.tasks.models import (
    CLOSED_STATUSES, DONE_STATUSES, OPEN_STATUSES, DeadlineChange, ExtensionRequest, ExtensionStatus, Priority,
    ProgressReport, Recurrence, ReportAttachment, Task, TaskComment, TaskSource, TaskStatus,
)

STATUS_NAMES = {
    TaskStatus.NEW: _l("Newly assigned"), TaskStatus.IN_PROGRESS: _l("In progress"),
    TaskStatus.REPORTED_DONE: _l("Reported done"), TaskStatus.VERIFIED_DONE: _l("Verified done"),
    TaskStatus.CANCELLED: _l("Cancelled task"), TaskStatus.MERGED: _l("Merged into another task"),
}
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}
"""The files a report may carry (PDF, Office documents, images), by extension."""
MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/tiff": (b"II*\x00", b"MM\x00*"),
}
"""Leading bytes checked for the types that have a simple signature, so that a renamed file is refused."""
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


# --- refusals and shared steps -------------------------------------------------------------------

def _conflict(code: str, message: str, field_name: str | None = None) -> DomainError:
    return DomainError(code, message, field_name, 409)


def _edit_conflict() -> DomainError:
    return _conflict("edit_conflict", _("Someone else has just changed the task; reload the page and try again."),
                     "version")


def check_version(task: Task, version: int | None) -> None:
    """``version`` is the one the user saw: an older one is refused (409 ``edit_conflict``)."""
    if version is not None and version != task.version:
        raise _edit_conflict()


def _flush() -> None:
    """Flush; a concurrent change of the same task (its version moved meanwhile) → 409 ``edit_conflict``."""
    try:
        db.session.flush()
    except StaleDataError:
        raise _edit_conflict() from None


def _refuse_unless(task: Task, *statuses: TaskStatus, doing: str) -> None:
    if task.status not in statuses:
        raise _conflict("wrong_status", _("Cannot %(doing)s: the task is “%(status)s”.", doing=doing,
                                          status=STATUS_NAMES[task.status]))


def _refuse_parent(task: Task, doing: str) -> None:
    if task.parts:
        raise _conflict("task_has_parts", _("Cannot %(doing)s: the task has been split between agencies; act on "
                                            "each part.", doing=doing))


def _office_ids() -> set[int]:
    return {u.id for role in (Role.SECRETARIAT, Role.OFFICE_LEADER) for u in accounts.users_with_role(role)}


def _liaison_ids(task: Task) -> set[int]:
    return {u.id for u in accounts.liaisons_of([task.lead_unit_id])}


def link(task: Task) -> str:
    return f"/tasks/{task.id}"


def _tell(event_key: str, recipient_ids: set[int], kind: str, subject: str, body: str, task: Task) -> list:
    return notify.notify(event_key, recipient_ids, notify.Message(kind=kind, subject=subject, body=body,
                                                                  link=link(task)))


def _short(task: Task) -> str:
    text = " ".join(task.content.split())
    return text if len(text) <= 120 else text[:119] + "…"


def tell_assigned(task: Task) -> list:
    """Tell the lead agency's liaisons of a task given to it (once per task)."""
    deadline = f"{task.deadline_on:%d/%m/%Y}" if task.deadline_on else _("no deadline")
    return _tell(f"task:{task.id}:assigned", _liaison_ids(task), "task.assigned",
                 _("New task: %(content)s", content=_short(task)),
                 _("Your agency leads a new task (deadline: %(deadline)s): %(content)s",
                   deadline=deadline, content=task.content), task)


# --- deadlines -----------------------------------------------------------------------------------

def _record_deadline_change(task: Task, new_deadline: date | None, reason: str, actor_id: int | None,
                            extension_request_id: int | None = None) -> None:
    task.deadline_changes.append(DeadlineChange(
        old_deadline_on=task.deadline_on, new_deadline_on=new_deadline, reason=reason, changed_by_id=actor_id,
        extension_request_id=extension_request_id, changed_at=utcnow()))
    task.deadline_on = new_deadline


def _reanchor_corrected(task: Task) -> None:
    """A periodic report whose deadline a correcting notice changed counts its series from the new deadline;
    one left without a deadline is no longer periodic (a period has to be due on some day)."""
    if task.recurrence == Recurrence.NONE:
        return
    if task.deadline_on is None:
        task.recurrence, task.recurrence_anchor_on, task.recurrence_until = Recurrence.NONE, None, None
    else:
        task.recurrence_anchor_on = task.deadline_on


def correct_deadline(task: Task, new_deadline: date | None, reason: str, actor_id: int | None) -> None:
    """The task's source document was corrected with another deadline (a correcting notice): the change is
    recorded in the task's history and in that of its open parts (each agency's share of the same directive),
    and a periodic report counts its series from the new deadline."""
    for changed in [task, *(p for p in task.parts if p.status in OPEN_STATUSES)]:
        _record_deadline_change(changed, new_deadline, reason, actor_id)
        _reanchor_corrected(changed)


# --- entering and changing -----------------------------------------------------------------------

@dataclass
class TaskData:
    """What the Office enters for a task (not from a notice)."""

    content: str
    lead_unit_id: int
    source: TaskSource = TaskSource.MANUAL
    source_reference: str = ""
    coordinating_unit_ids: list[int] = field(default_factory=list)
    deadline_on: date | None = None
    assigned_by_id: int | None = None
    sector_id: int | None = None
    priority: Priority = Priority.NORMAL
    recurrence: Recurrence = Recurrence.NONE
    recurrence_until: date | None = None
    """A periodic report's last day a period's deadline may fall on; None: until cancelled."""
    report_required: bool = False


def _units(unit_ids: Sequence[int], field_name: str) -> list[Unit]:
    units = list(db.session.scalars(sa.select(Unit).where(Unit.id.in_(list(unit_ids)), Unit.active.is_(True))))
    if len(units) != len(set(unit_ids)):
        raise DomainError("unknown_unit", _("A unit does not exist or is no longer active."), field_name)
    return units


def _check(data: TaskData, creating: bool = True) -> list[Unit]:
    """The coordinating units, once every field is checked."""
    if creating and data.source == TaskSource.NOTICE:
        raise DomainError("notice_source", _("Tasks from a conclusion notice are created when the notice is issued."),
                          "source")
    if not data.content.strip():
        raise DomainError("content_required", _("Enter the task."), "content")
    _units([data.lead_unit_id], "lead_unit_id")
    if data.lead_unit_id in data.coordinating_unit_ids:
        raise DomainError("lead_coordinates", _("The lead unit cannot also be a coordinating unit."),
                          "coordinating_unit_ids")
    coordinating = _units(data.coordinating_unit_ids, "coordinating_unit_ids")
    if data.assigned_by_id is not None:
        leader = db.session.get(User, data.assigned_by_id)
        if leader is None or not leader.active or not leader.has_role(Role.LEADER):
            raise DomainError("unknown_leader", _("The assigning person must be a leader of the provincial People's "
                                                  "Committee."), "assigned_by_id")
    if data.sector_id is not None and db.session.get(Sector, data.sector_id) is None:
        raise DomainError("unknown_sector", _("The field does not exist."), "sector_id")
    _check_recurrence(data)
    return coordinating


def _check_recurrence(data: TaskData) -> None:
    """A periodic report needs its first deadline; its end (``recurrence_until``) only with a recurrence and not
    before that deadline."""
    if data.recurrence == Recurrence.NONE:
        if data.recurrence_until is not None:
            raise DomainError("until_without_recurrence", _("Only a periodic report has an end date; choose a "
                                                            "period or leave this date empty."), "recurrence_until")
        return
    if data.deadline_on is None:
        raise DomainError("periodic_needs_deadline", _("A periodic report needs a deadline (this period's)."),
                          "deadline_on")
    if data.recurrence_until is not None and data.recurrence_until < data.deadline_on:
        raise DomainError("until_before_deadline", _("The end of a periodic report cannot be before its deadline."),
                          "recurrence_until")


def _apply(task: Task, data: TaskData, coordinating: list[Unit]) -> None:
    task.content = data.content.strip()
    task.source, task.source_reference = data.source, data.source_reference.strip()
    task.lead_unit_id, task.coordinating_units = data.lead_unit_id, coordinating
    task.assigned_by_id, task.sector_id = data.assigned_by_id, data.sector_id
    task.priority, task.report_required = data.priority, data.report_required


def _apply_recurrence(task: Task, data: TaskData, deadline_changed: bool) -> None:
    """Recurrence and its end; the series is (re-)anchored on the deadline when the task becomes periodic,
    changes its period or gets a new deadline from the Office (an extension does not come here: it keeps the
    anchor). A task that stops being periodic loses its anchor and end."""
    if data.recurrence == Recurrence.NONE:
        task.recurrence_anchor_on = task.recurrence_until = None
    elif deadline_changed or task.recurrence != data.recurrence or task.recurrence_anchor_on is None:
        task.recurrence_anchor_on = data.deadline_on
    task.recurrence, task.recurrence_until = data.recurrence, data.recurrence_until


def create_task(data: TaskData, actor: User) -> Task:
    """A task entered by the Office (a work programme item, a task from the Government, or manual); the lead
    agency's liaisons are told."""
    coordinating = _check(data)
    task = Task(deadline_on=data.deadline_on, original_deadline_on=data.deadline_on, created_by_id=actor.id,
                status=TaskStatus.NEW)
    _apply(task, data, coordinating)
    _apply_recurrence(task, data, deadline_changed=True)
    db.session.add(task)
    db.session.flush()
    tell_assigned(task)
    return task


def update_task(task: Task, data: TaskData, actor: User, version: int) -> Task:
    """Change an open task; a changed deadline is recorded in its history, a new lead agency is told."""
    check_version(task, version)
    _refuse_unless(task, *OPEN_STATUSES, doing=_("edit the task"))
    if task.source == TaskSource.NOTICE:  # the notice stays its source
        data.source, data.source_reference = TaskSource.NOTICE, task.source_reference
    coordinating = _check(data, creating=False)
    new_lead = data.lead_unit_id != task.lead_unit_id
    _apply(task, data, coordinating)
    _apply_recurrence(task, data, deadline_changed=data.deadline_on != task.deadline_on)
    if data.deadline_on != task.deadline_on:
        _record_deadline_change(task, data.deadline_on, "Văn phòng UBND tỉnh điều chỉnh thời hạn", actor.id)
        if task.original_deadline_on is None:
            task.original_deadline_on = data.deadline_on
    _flush()
    if new_lead:
        tell_assigned(task)
    return task


# --- carrying out --------------------------------------------------------------------------------

def start(task: Task, actor: User, version: int | None = None) -> Task:
    """New → in progress (also done by the first progress report)."""
    check_version(task, version)
    _refuse_parent(task, _("start the task"))
    _refuse_unless(task, TaskStatus.NEW, doing=_("start the task"))
    task.status = TaskStatus.IN_PROGRESS
    _flush()
    roll_up(task.parent, actor)
    return task


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str


def _attachment(upload: Upload) -> ReportAttachment:
    """Check and store one file of a report: PDF, an Office document or an image, at most 20 MB."""
    name = os.path.basename(upload.filename.replace("\\", "/")).strip()[:255]
    content_type = ATTACHMENT_TYPES.get(os.path.splitext(name)[1].lower())
    signatures = MAGIC.get(content_type or "", ())
    if content_type is None or (signatures and not upload.data.startswith(signatures)):
        raise DomainError("attachment_type", _("The file “%(name)s” is not accepted: only PDF, Office documents "
                                               "(Word, Excel, PowerPoint) and images.", name=name), "files")
    if not upload.data:
        raise DomainError("attachment_empty", _("The file “%(name)s” is empty.", name=name), "files")
    if len(upload.data) > current_app.config.get("TASK_ATTACHMENT_MAX_BYTES", MAX_ATTACHMENT_BYTES):
        raise DomainError("attachment_too_large", _("The file “%(name)s” is larger than 20 MB.", name=name),
                          "files")
    return ReportAttachment(sha256=storage.store_bytes(upload.data), filename=name, content_type=content_type,
                            size=len(upload.data))


def _mark_done(task: Task, completed_on: date) -> None:
    task.status, task.completed_on, task.progress_percent = TaskStatus.REPORTED_DONE, completed_on, 100
    task.reported_done_at = utcnow()


def report_progress(task: Task, author: User, text: str, percent: int, files: Sequence[Upload] = (), *,
                    done: bool = False, completed_on: date | None = None,
                    version: int | None = None) -> ProgressReport:
    """The lead agency's report: text, percent, files. A new task is started by it; ``done`` reports it
    finished (completed on ``completed_on``, by default today, never in the future), which the Office is told."""
    check_version(task, version)
    _refuse_parent(task, _("report"))
    _refuse_unless(task, *OPEN_STATUSES, doing=_("report progress"))
    if not text.strip():
        raise DomainError("text_required", _("Enter the report."), "text")
    if not 0 <= percent <= 100:
        raise DomainError("percent_range", _("The percentage done must be from 0 to 100."), "percent")
    if completed_on is not None and completed_on > today():
        raise DomainError("completed_in_future", _("The completion date cannot be after today."), "completed_on")
    report = ProgressReport(task_id=task.id, unit_id=task.lead_unit_id, author_id=author.id, text=text.strip(),
                            percent=100 if done else percent, done=done, created_at=utcnow(),
                            attachments=[_attachment(upload) for upload in files])
    db.session.add(report)
    if done:
        _mark_done(task, completed_on or today())
    else:
        task.status, task.progress_percent = TaskStatus.IN_PROGRESS, percent
    _flush()
    roll_up(task.parent, author)
    if done:
        _tell(f"task-report:{report.id}:done", _office_ids(), "task.reported_done",
              _("Task reported done: %(content)s", content=_short(task)),
              _("%(unit)s reports the task done on %(day)s: %(content)s", unit=task.lead_unit.name,
                day=f"{task.completed_on:%d/%m/%Y}", content=task.content), task)
    return report


def _last_done_report(task: Task) -> ProgressReport | None:
    return db.session.scalar(sa.select(ProgressReport).where(ProgressReport.task_id == task.id,
                                                             ProgressReport.done.is_(True))
                             .order_by(ProgressReport.id.desc()).limit(1))


def verify(task: Task, actor: User, version: int | None = None) -> list:
    """Reported done → verified done by the Office; the lead agency is told."""
    check_version(task, version)
    _refuse_parent(task, _("verify it done"))
    _refuse_unless(task, TaskStatus.REPORTED_DONE, doing=_("verify it done"))
    task.status, task.verified_at, task.verified_by_id = TaskStatus.VERIFIED_DONE, utcnow(), actor.id
    _flush()
    roll_up(task.parent, actor)
    return _tell(f"task:{task.id}:verified", _liaison_ids(task), "task.verified",
                 _("Task verified done: %(content)s", content=_short(task)),
                 _("The Office has verified the task done: %(content)s", content=task.content), task)


def return_report(task: Task, actor: User, reason: str, version: int | None = None) -> list:
    """Reported done → in progress: the Office does not accept the report (``reason``); the agency is told."""
    check_version(task, version)
    _refuse_parent(task, _("return the report"))
    _refuse_unless(task, TaskStatus.REPORTED_DONE, doing=_("return the report"))
    _require_reason(reason)
    report = _last_done_report(task)
    task.status, task.completed_on, task.reported_done_at = TaskStatus.IN_PROGRESS, None, None
    task.status_reason = reason.strip()
    task.progress_percent = min(task.progress_percent, 99)
    _flush()
    roll_up(task.parent, actor)
    return _tell(f"task-report:{report.id if report else 0}:returned:{task.version}", _liaison_ids(task),
                 "task.report_returned", _("Report not accepted: %(content)s", content=_short(task)),
                 _("The Office did not accept the report on the task: %(reason)s", reason=reason.strip()), task)


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise DomainError("reason_required", _("Give a reason."), "reason")


def cancel(task: Task, actor: User, reason: str, version: int | None = None) -> Task:
    """Cancel an open (or reported) task with a reason; its open parts are cancelled with it."""
    check_version(task, version)
    _refuse_unless(task, *OPEN_STATUSES, TaskStatus.REPORTED_DONE, doing=_("cancel the task"))
    _require_reason(reason)
    _close(task, TaskStatus.CANCELLED, reason.strip())
    for part in task.parts:
        if part.status not in CLOSED_STATUSES and part.status != TaskStatus.VERIFIED_DONE:
            _close(part, TaskStatus.CANCELLED, f"Hủy cùng nhiệm vụ chung: {reason.strip()}")
    _flush()
    roll_up(task.parent, actor)
    return task


def _close(task: Task, status: TaskStatus, reason: str) -> None:
    task.status, task.status_reason = status, reason


def merge_into(task: Task, other: Task, actor: User, reason: str, version: int | None = None) -> Task:
    """``task`` duplicates ``other``: merged into it (its reports stay where they are)."""
    check_version(task, version)
    if other.id == task.id:
        raise DomainError("merge_into_itself", _("A task cannot be merged into itself."), "into_id")
    if other.status in CLOSED_STATUSES:
        raise _conflict("merge_into_closed", _("Cannot merge into a cancelled or merged task."), "into_id")
    _refuse_parent(task, _("merge the task"))
    _refuse_unless(task, *OPEN_STATUSES, doing=_("merge the task"))
    _require_reason(reason)
    _close(task, TaskStatus.MERGED, reason.strip())
    task.merged_into_id = other.id
    _flush()
    roll_up(task.parent, actor)
    return task


def comment(task: Task, author: User, text: str) -> TaskComment:
    """A remark by a coordinating agency, the lead agency, the Office or the assigning leader."""
    if not text.strip():
        raise DomainError("text_required", _("Enter the comment."), "text")
    remark = TaskComment(task_id=task.id, unit_id=author.unit_id, author_id=author.id, text=text.strip(),
                         created_at=utcnow())
    db.session.add(remark)
    db.session.flush()
    return remark


# --- extensions ----------------------------------------------------------------------------------

def pending_extension(task: Task) -> ExtensionRequest | None:
    return db.session.scalar(sa.select(ExtensionRequest).where(ExtensionRequest.task_id == task.id,
                                                               ExtensionRequest.status == ExtensionStatus.PENDING))


def request_extension(task: Task, actor: User, new_deadline: date, reason: str) -> ExtensionRequest:
    """Ask for more time: a day after the current deadline and not in the past; one pending request per task
    (another → 409). The Office and the assigning leader are told."""
    _refuse_parent(task, _("ask for an extension"))
    _refuse_unless(task, *OPEN_STATUSES, doing=_("ask for an extension"))
    if task.deadline_on is None:
        raise _conflict("no_deadline", _("The task has no deadline, so it needs no extension."))
    if new_deadline <= task.deadline_on or new_deadline < today():
        raise DomainError("deadline_not_later", _("The requested deadline must be after the current one and not in "
                                                  "the past."), "new_deadline")
    _require_reason(reason)
    if pending_extension(task) is not None:
        raise _conflict("extension_pending", _("The task already has an extension request awaiting a decision."))
    request = ExtensionRequest(task_id=task.id, requested_by_id=actor.id, requested_at=utcnow(),
                               requested_deadline_on=new_deadline, reason=reason.strip())
    db.session.add(request)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # another request arrived at the same moment; the caller rolls back
        raise _conflict("extension_pending",
                        _("The task already has an extension request awaiting a decision.")) from None
    recipients = _office_ids() | ({task.assigned_by_id} if task.assigned_by_id else set())
    _tell(f"task-extension:{request.id}:requested", recipients, "task.extension_requested",
          _("Extension requested: %(content)s", content=_short(task)),
          _("%(unit)s asks to extend the deadline to %(day)s: %(reason)s", unit=task.lead_unit.name,
            day=f"{new_deadline:%d/%m/%Y}", reason=request.reason), task)
    return request


def decide_extension(request: ExtensionRequest, actor: User, grant: bool, note: str = "") -> list:
    """Grant (the deadline moves, recorded in its history; the original deadline stays) or refuse; the lead
    agency is told."""
    if request.status != ExtensionStatus.PENDING:
        raise _conflict("extension_decided", _("This extension request has already been decided."))
    task = db.session.get(Task, request.task_id)
    if not grant and not note.strip():
        raise DomainError("reason_required", _("Give the reason for refusing the extension."), "note")
    request.status = ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
    request.decided_by_id, request.decided_at, request.decision_note = actor.id, utcnow(), note.strip() or None
    if grant:
        _record_deadline_change(task, request.requested_deadline_on, f"Gia hạn theo đề nghị: {request.reason}",
                                actor.id, request.id)
    _flush()
    day = f"{request.requested_deadline_on:%d/%m/%Y}"
    subject = (_("Extension granted to %(day)s: %(content)s", day=day, content=_short(task)) if grant
               else _("Extension refused: %(content)s", content=_short(task)))
    return _tell(f"task-extension:{request.id}:decided", _liaison_ids(task), "task.extension_decided", subject,
                 note.strip() or subject, task)


# --- parts ---------------------------------------------------------------------------------------

def split(task: Task, actor: User, unit_ids: Sequence[int], version: int | None = None) -> list[Task]:
    """One part per agency (same content, deadline, source and assigning leader; that agency leads it); the
    parent keeps its source and counts through its parts. Each agency's liaisons are told."""
    check_version(task, version)
    if task.parent_id is not None:
        raise _conflict("part_of_task", _("A part of a task cannot be split again."))
    _refuse_parent(task, _("split the task"))
    _refuse_unless(task, *OPEN_STATUSES, doing=_("split the task"))
    if len(unit_ids) < 2 or len(set(unit_ids)) != len(unit_ids):
        raise DomainError("parts_units", _("Choose at least two different units."), "unit_ids")
    units = _units(unit_ids, "unit_ids")
    parts = [Task(content=task.content, source=task.source, source_reference=task.source_reference,
                  notice_id=task.notice_id, assigned_by_id=task.assigned_by_id, lead_unit_id=unit.id,
                  sector_id=task.sector_id, deadline_on=task.deadline_on,
                  original_deadline_on=task.original_deadline_on, report_required=task.report_required,
                  priority=task.priority, recurrence=task.recurrence, recurrence_anchor_on=task.recurrence_anchor_on,
                  recurrence_until=task.recurrence_until, created_by_id=actor.id)
             for unit in sorted(units, key=lambda u: unit_ids.index(u.id))]
    task.parts.extend(parts)
    _flush()
    roll_up(task, actor)
    for part in parts:
        tell_assigned(part)
    return parts


def roll_up(parent: Task | None, actor: User | None = None) -> None:
    """The parent's status and progress from its parts (closed parts left out): all verified → verified (done
    on the latest part's day); all done → reported done; any started → in progress; progress the mean."""
    if parent is None or parent.status in CLOSED_STATUSES:
        return
    active = [p for p in parent.parts if p.status not in CLOSED_STATUSES]
    if not active:
        return
    parent.progress_percent = round(sum(p.progress_percent for p in active) / len(active))
    if all(p.status in DONE_STATUSES for p in active):
        completed = max(p.completed_on for p in active)
        verified = all(p.status == TaskStatus.VERIFIED_DONE for p in active)
        if parent.status not in DONE_STATUSES:
            parent.reported_done_at = utcnow()
        parent.status = TaskStatus.VERIFIED_DONE if verified else TaskStatus.REPORTED_DONE
        parent.completed_on, parent.progress_percent = completed, 100
        if verified and parent.verified_at is None:
            parent.verified_at, parent.verified_by_id = utcnow(), actor.id if actor else None
        if not verified:
            parent.verified_at = parent.verified_by_id = None
    else:
        started = any(p.status != TaskStatus.NEW for p in active)
        parent.status = TaskStatus.IN_PROGRESS if started else TaskStatus.NEW
        parent.completed_on = parent.reported_done_at = parent.verified_at = parent.verified_by_id = None
    _flush()


# --- reading -------------------------------------------------------------------------------------

def reports_of(task: Task) -> list[ProgressReport]:
    return list(db.session.scalars(sa.select(ProgressReport).where(ProgressReport.task_id == task.id)
                                   .order_by(ProgressReport.id)))


def comments_of(task: Task) -> list[TaskComment]:
    return list(db.session.scalars(sa.select(TaskComment).where(TaskComment.task_id == task.id)
                                   .order_by(TaskComment.id)))


def extensions_of(task: Task) -> list[ExtensionRequest]:
    return list(db.session.scalars(sa.select(ExtensionRequest).where(ExtensionRequest.task_id == task.id)
                                   .order_by(ExtensionRequest.id)))


def attachment_of(task: Task, attachment_id: int) -> ReportAttachment | None:
    """The file if it belongs to one of this task's reports."""
    return db.session.scalar(sa.select(ReportAttachment).join(ProgressReport)
                             .where(ReportAttachment.id == attachment_id, ProgressReport.task_id == task.id))
