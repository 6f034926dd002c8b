"""JSON API of task lists, statistics and exports: always over the tasks the caller may see, nothing more."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_login import current_user

from ecabinet.core.api import route
from ecabinet.policy import Action, require
from ecabinet.tasks import exports, queries
from ecabinet.tasks.statistics.schemas import StatisticsOut, StatisticsQuery, TaskListOut, TaskListQuery
from ecabinet.tasks.statistics.views import pdf_response, statistics_out, xlsx_response

bp = Blueprint("task_stats_api", __name__)


def row_out(row: queries.TaskRow) -> dict[str, Any]:
    task = row.task
    return {"id": task.id, "content": task.content, "source": task.source, "source_reference": task.source_reference,
            "status": task.status, "derived": row.derived, "priority": task.priority, "deadline_on": task.deadline_on,
            "original_deadline_on": task.original_deadline_on, "completed_on": task.completed_on,
            "progress_percent": task.progress_percent, "lead_unit": task.lead_unit,
            "coordinating_units": task.coordinating_units, "sector": task.sector, "assigned_by": task.assigned_by,
            "parent_id": task.parent_id, "days_overdue": row.days_overdue}


@route(bp, "/tasks", summary="The tasks the caller may see, filtered, sorted and paginated", query=TaskListQuery,
       response=TaskListOut)
def list_tasks(query: TaskListQuery):
    """A liaison sees its agency's tasks (led or coordinated) and nothing else, whatever the filters; split
    tasks are counted through their parts unless ``include_parents``."""
    require(current_user, Action.VIEW_TASK_STATISTICS)
    rows, total = queries.tasks_page(current_user, query.task_filter(), query.sorting(), query.paging())
    return {"items": [row_out(r) for r in rows], "total": total, "page": query.page, "per_page": query.per_page}


@route(bp, "/task-statistics", summary="Counts of tasks by reporting status per group, and the overdue list",
       query=StatisticsQuery, response=StatisticsOut)
def task_statistics(query: StatisticsQuery):
    """Each count carries the list filter (``query``) that gives exactly the tasks counted."""
    require(current_user, Action.VIEW_TASK_STATISTICS)
    stats = queries.statistics(current_user, query.task_filter(), query.group_by, overdue_limit=query.overdue_limit)
    return statistics_out(stats)


@route(bp, "/tasks.xlsx", summary="The filtered tasks as an Excel sheet (the columns the import reads)",
       query=TaskListQuery)
def export_tasks(query: TaskListQuery):
    require(current_user, Action.VIEW_TASK_STATISTICS)
    data = exports.tasks_xlsx(queries.all_tasks(current_user, query.task_filter(), query.sorting()))
    return xlsx_response(data, exports.xlsx_filename())


@route(bp, "/task-statistics.pdf", summary="The briefing report (giao ban) of the filtered tasks as PDF",
       query=StatisticsQuery)
def export_statistics(query: StatisticsQuery):
    require(current_user, Action.VIEW_TASK_STATISTICS)
    return pdf_response(exports.briefing_pdf(current_user, query.task_filter()), exports.pdf_filename())
