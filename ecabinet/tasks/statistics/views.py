"""What the task lists' and statistics' pages and their API both show: the names of statuses, sources and groups
in the user's language, the figures of a statistics with the list behind each, and the exports as downloads."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import quote

from flask import current_app
from flask_babel import gettext as _

from ecabinet.tasks import queries
from ecabinet.tasks.derived import Derived
from ecabinet.tasks.models import TaskSource, TaskStatus

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


def xlsx_response(data: bytes, filename: str):
    response = current_app.response_class(data, mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(data: bytes, filename: str):
    response = current_app.response_class(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
