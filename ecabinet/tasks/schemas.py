"""Shapes of tasks on the API and in the pages' forms.

Dates are local calendar days: ISO ``yyyy-mm-dd`` on the API, ``dd/mm/yyyy`` accepted in the forms. Every
state change carries the ``version`` the client saw: an older one is a 409 ``edit_conflict``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ecabinet.accounts.schemas import PersonRef
from ecabinet.core.schemas import CodedRef, Id, Input, Strict, VnDate
from ecabinet.tasks.derived import Derived
from ecabinet.tasks.models import ExtensionStatus, Priority, Recurrence, TaskSource, TaskStatus

Content = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Reference = Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)]
Version = Annotated[int, Field(ge=1, description="The version the change is based on; an older one → 409 "
                                                 "edit_conflict")]


class TaskFields(Input):
    content: Content
    lead_unit_id: Id
    source: TaskSource = Field(default=TaskSource.MANUAL, description="programme, government or manual")
    source_reference: Reference = Field(default="", description="The document: \"Công văn số 123/VPCP-KTTH\"")
    coordinating_unit_ids: list[Id] = Field(default_factory=list, max_length=200)
    deadline_on: date | None = None
    assigned_by_id: Id | None = Field(default=None, description="The leader who assigns it")
    sector_id: Id | None = None
    priority: Priority = Priority.NORMAL
    recurrence: Recurrence = Recurrence.NONE
    recurrence_until: date | None = Field(default=None, description="A periodic report: the last day a period's "
                                                                    "deadline may fall on; none: until cancelled")
    report_required: bool = False


class TaskCreate(TaskFields, Strict):
    """Enter a task (the Office)."""


class TaskUpdate(TaskFields, Strict):
    """Change an open task (the Office); every field is replaced."""

    version: Version


class TaskForm(TaskFields):
    """The page's form of a new task or a change; ``version`` only when changing."""

    deadline_on: VnDate | None = None
    recurrence_until: VnDate | None = None
    version: int | None = None


class VersionBody(Strict):
    version: Version


class ReasonBody(Strict):
    version: Version
    reason: Reason


class MergeBody(ReasonBody):
    into_id: Id = Field(description="The task this one duplicates")


class SplitBody(Strict):
    version: Version
    unit_ids: list[Id] = Field(min_length=2, max_length=500, description="One part per agency")


class ReportForm(Input):
    """A progress report, sent as multipart/form-data with any number of ``files`` (PDF, Office, images;
    20 MB each)."""

    text: Content
    percent: int = Field(default=0, ge=0, le=100)
    done: bool = Field(default=False, description="Report the task finished (percent becomes 100)")
    completed_on: VnDate | None = Field(default=None, description="The day it was finished; by default today")
    version: int | None = Field(default=None, ge=1)


class CommentBody(Strict):
    text: Content


class CommentForm(Input):
    text: Content


class ExtensionBody(Strict):
    new_deadline: date
    reason: Reason


class ExtensionForm(Input):
    new_deadline: VnDate
    reason: Reason


class DecisionBody(Strict):
    grant: bool
    note: Note = ""


class DecisionForm(Input):
    grant: bool
    note: Note = ""


class VersionForm(Input):
    """A button on the task page: only the version the user saw."""

    version: int | None = None


class ReasonForm(Input):
    version: int | None = None
    reason: Reason


class MergeForm(ReasonForm):
    into_id: Id


class SplitForm(Input):
    version: int | None = None
    unit_ids: list[Id] = Field(min_length=2, max_length=500)


class AttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    filename: str
    content_type: str
    size: int


class ReportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    unit: CodedRef
    author: PersonRef
    text: str
    percent: int
    done: bool
    created_at: datetime
    attachments: list[AttachmentOut]


class CommentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    unit_id: int | None
    author: PersonRef
    text: str
    created_at: datetime


class ExtensionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    task_id: int
    requested_by: PersonRef
    requested_at: datetime
    requested_deadline_on: date
    reason: str
    status: ExtensionStatus
    decided_by: PersonRef | None
    decided_at: datetime | None
    decision_note: str | None


class DeadlineChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    old_deadline_on: date | None
    new_deadline_on: date | None
    reason: str
    extension_request_id: int | None
    changed_at: datetime


class TaskBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    content: str
    lead_unit: CodedRef
    status: TaskStatus
    derived: Derived
    progress_percent: int
    deadline_on: date | None
    completed_on: date | None
    version: int


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    content: str
    source: TaskSource
    source_reference: str
    notice_id: int | None
    directive_id: int | None
    assigned_by: PersonRef | None
    lead_unit: CodedRef
    coordinating_units: list[CodedRef]
    sector: CodedRef | None
    deadline_on: date | None
    original_deadline_on: date | None
    report_required: bool
    status: TaskStatus
    status_reason: str | None
    derived: Derived = Field(description="done_on_time, done_late, overdue, due_soon, not_yet_due or closed")
    priority: Priority
    recurrence: Recurrence
    recurrence_anchor_on: date | None = Field(description="A periodic report's series counts its deadlines from "
                                                          "this day (same day of the month, clamped to its end)")
    recurrence_until: date | None
    previous_period_id: int | None = Field(description="The previous period's task of a periodic report")
    next_period_id: int | None = Field(description="The next period's task, once rolled on")
    progress_percent: int
    completed_on: date | None
    reported_done_at: datetime | None
    verified_at: datetime | None
    parent_id: int | None
    merged_into_id: int | None
    version: int
    parts: list[TaskBrief]
    reports: list[ReportOut]
    comments: list[CommentOut]
    extension_requests: list[ExtensionOut]
    deadline_changes: list[DeadlineChangeOut]
