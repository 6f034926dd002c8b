"""JSON API of task lists, statistics and exports: always over the tasks the caller may see, nothing more."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import quote

from flask import Blueprint, current_app
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.core.api import route
from ecabinet.policy import Action, require
from ecabinet.tasks import exports, queries
from ecabinet.tasks.derived import Derived
from ecabinet.tasks.models import TaskSource, TaskStatus
from ecabinet.tasks.statistics.schemas import StatisticsOut, StatisticsQuery, TaskListOut, TaskListQuery

bp = Blueprint("task_stats_api", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def derived_labels() -> dict[str, str]:
    return {Derived.DONE_ON_TIME: _("Done on time"), Derived.DONE_LATE: _("Done late"),
            Derived.OVERDUE: _("Overdue"), Derived.DUE_SOON: _("Due soon"), Derived.NOT_YET_DUE: _("Not yet due"),
            Derived.CLOSED: _("Cancelled or merged")}


def status_labels() -> dict[str, str]:
    return {TaskStatus.NEW: _("New"), TaskStatus.IN_PROGRESS: _("In progress"),
            TaskStatus.REPORTED_DONE: _("Reported done"), TaskStatus.VERIFIED_DONE: _("Verified done"),
            TaskStatus.CANCELLED: _("Cancelled"), TaskStatus.MERGED: _("Merged")}


def source_labels() -> dict[str, str]:
    return {TaskSource.NOTICE: _("Conclusion notice"), TaskSource.PROGRAMME: _("Work programme"),
            TaskSource.GOVERNMENT: _("Assigned by the Government"), TaskSource.MANUAL: _("Entered manually")}


def group_label(stats: queries.Statistics, key: Any) -> str:
    """The name of a group in the user's language."""
    if stats.group_by == "status":
        return status_labels()[key]
    if stats.group_by == "source":
        return source_labels()[key]
    if stats.group_by in queries.PERIOD_GROUPS:
        return _("No deadline") if key is None else key
    if key is None:
        return {"leader": _("No assigning leader"), "sector": _("No field")}.get(stats.group_by, "—")
    return stats.labels.get(key, str(key))


def query_string(params: dict[str, str]) -> str:
    """``urlencode`` for the few, mostly ASCII, values of a filter: quicker over the hundreds of groups."""
    return "&".join(f"{key}={_quoted(value)}" for key, value in params.items())


@functools.lru_cache(maxsize=4096)
def _quoted(value: str) -> str:
    return quote(value, safe="")


def group_out(group: queries.GroupStats, label: str) -> dict[str, Any]:
    """One group's numbers and the query string of its list (a count's list: the same with ``derived``)."""
    return {"key": group.key, "label": label, "query": query_string(group.list_params()), "total": group.total,
            "counts": group.counts, "overdue": group.overdue, "on_time_rate": group.on_time_rate,
            "average_delay_days": group.average_delay_days}


def statistics_out(stats: queries.Statistics) -> dict[str, Any]:
    return {"today": stats.today, "group_by": stats.group_by, "basis": stats.filter.basis,
            "totals": group_out(stats.totals, _("Total")),
            "groups": [group_out(g, group_label(stats, g.key)) for g in stats.groups],
            "overdue": [{"id": t.id, "content": t.content,
                         "lead_unit": {"id": t.lead_unit_id, "name": t.lead_unit_name},
                         "deadline_on": t.deadline_on, "days_overdue": t.days_overdue} for t in stats.overdue_list]}


def row_out(row: queries.TaskRow) -> dict[str, Any]:
    task = row.task
    return {"id": task.id, "content": task.content, "source": task.source, "source_reference": task.source_reference,
            "status": task.status, "derived": row.derived, "priority": task.priority, "deadline_on": task.deadline_on,
            "original_deadline_on": task.original_deadline_on, "completed_on": task.completed_on,
            "progress_percent": task.progress_percent, "lead_unit": task.lead_unit,
            "coordinating_units": task.coordinating_units, "sector": task.sector, "assigned_by": task.assigned_by,
            "parent_id": task.parent_id, "days_overdue": row.days_overdue}


def xlsx_response(data: bytes, filename: str):
    response = current_app.response_class(data, mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(data: bytes, filename: str):
    response = current_app.response_class(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
