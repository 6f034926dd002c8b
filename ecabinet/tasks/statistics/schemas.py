"""Shapes of task lists and statistics on the API (the filters are ``queries.TaskFilter``)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from ecabinet.accounts.schemas import PersonRef
from ecabinet.core.schemas import CodedRef, Ref
from ecabinet.tasks.derived import DeadlineBasis, Derived
from ecabinet.tasks.models import Priority, TaskSource, TaskStatus
from ecabinet.tasks.queries import MAX_PER_PAGE, GroupBy, Page, Sort, SortKey, TaskFilter


class TaskListQuery(TaskFilter):
    sort: SortKey = "deadline"
    order: Literal["asc", "desc"] = "asc"
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=MAX_PER_PAGE)

    def task_filter(self) -> TaskFilter:
        return TaskFilter(**self.model_dump(include=set(TaskFilter.model_fields)))

    def sorting(self) -> Sort:
        return Sort(self.sort, self.order == "desc")

    def paging(self) -> Page:
        return Page(self.page, self.per_page)


class StatisticsQuery(TaskFilter):
    group_by: GroupBy = "agency"
    overdue_limit: int = Field(default=20, ge=0, le=500, description="How many of the most overdue tasks to list")

    def task_filter(self) -> TaskFilter:
        return TaskFilter(**self.model_dump(include=set(TaskFilter.model_fields)))


class TaskRowOut(BaseModel):
    id: int
    content: str
    source: TaskSource
    source_reference: str
    status: TaskStatus
    derived: Derived
    priority: Priority
    deadline_on: date | None
    original_deadline_on: date | None
    completed_on: date | None
    progress_percent: int
    lead_unit: CodedRef
    coordinating_units: list[CodedRef]
    sector: CodedRef | None
    assigned_by: PersonRef | None
    parent_id: int | None
    days_overdue: int | None


class TaskListOut(BaseModel):
    items: list[TaskRowOut]
    total: int
    page: int
    per_page: int


class GroupOut(BaseModel):
    key: str | int | None
    label: str
    query: str = Field(description="The query string of the list giving exactly the group's tasks (GET "
                                   "/api/v1/tasks?… or the page /tasks?…); the tasks of one of its counts: the "
                                   "same with derived=<the count's key>. Counts outside the filter's own derived "
                                   "status are 0 and have no list")
    total: int
    counts: dict[Derived, int]
    overdue: int
    on_time_rate: float | None = Field(description="done on time / (done on time + done late)")
    average_delay_days: float | None = Field(description="Average delay of the tasks done late")


class OverdueOut(BaseModel):
    id: int
    content: str
    lead_unit: Ref
    deadline_on: date
    days_overdue: int


class StatisticsOut(BaseModel):
    today: date
    group_by: GroupBy
    basis: DeadlineBasis
    totals: GroupOut
    groups: list[GroupOut]
    overdue: list[OverdueOut]
