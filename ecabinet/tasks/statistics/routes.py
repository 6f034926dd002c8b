"""Pages of task lists and statistics: the list a liaison, a leader or the Office sees, the figures as links to
their lists, the charts, and the Excel and PDF exports."""

from __future__ import annotations

import functools
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ecabinet.accounts.models import Role, User, UserRole
from ecabinet.core.db import db
from ecabinet.core.forms import page_filters
from ecabinet.org.models import Sector, Unit
from ecabinet.policy import Action, TaskScope, require, task_portfolio_by_default, task_scope
from ecabinet.tasks import exports, queries
from ecabinet.tasks.statistics.schemas import StatisticsQuery, TaskListQuery
from ecabinet.tasks.statistics.views import (
    derived_labels,
    pdf_response,
    source_labels,
    statistics_out,
    status_labels,
    xlsx_response,
)

bp = Blueprint("task_stats", __name__)

GROUP_CHOICES = ("agency", "status", "leader", "source", "sector", "month", "quarter", "year")


def _read(model):
    """The filters of the query string; a leader opens on its portfolio unless it chose otherwise."""
    query = page_filters(model, request.args)
    if "portfolio" not in request.args and task_portfolio_by_default(current_user):
        query = query.model_copy(update={"portfolio": "me"})
    return query


def _title() -> str:
    if task_scope(current_user) == TaskScope.UNIT:
        return _("Tasks of the agency")
    if task_portfolio_by_default(current_user):
        return _("Tasks of my portfolio")
    return _("All tasks")


def _choices() -> dict:
    """The options of the filter form: units (and the reorganised ones, chosen when counting as recorded at the
    time), sectors, leaders."""
    leaders = db.session.scalars(db.select(User).join(UserRole).where(UserRole.role == Role.LEADER,
                                                                     User.active.is_(True)).order_by(User.full_name))
    return {"units": db.session.scalars(db.select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)).all(),
            "reorganised_units": db.session.scalars(db.select(Unit).where(Unit.successor_id.isnot(None))
                                                    .order_by(Unit.name)).all(),
            "sectors": db.session.scalars(db.select(Sector).where(Sector.active.is_(True)).order_by(Sector.name)).all(),
            "leaders": leaders.all()}


def _labels() -> dict:
    return {"derived": derived_labels(), "status": status_labels(), "source": source_labels(),
            "groups": {"agency": _("Lead agency"), "status": _("Status"), "leader": _("Assigning leader"),
                       "source": _("Source"), "sector": _("Field"), "month": _("Month"), "quarter": _("Quarter"),
                       "year": _("Year")}}


CHART_ORDER = ("done_on_time", "done_late", "overdue", "due_soon", "not_yet_due", "closed")


def count_link(list_url: str, group: dict, derived: str | None = None) -> str | None:
    """The list behind one of a group's numbers (its total, or one derived status); None for a zero."""
    if not (group["total"] if derived is None else group["counts"][derived]):
        return None
    params = dict(parse_qsl(group["query"]))
    if derived is not None:
        params["derived"] = derived
    return f"{list_url}?{urlencode(params)}"


CHART_GROUPS = 25
"""Bars drawn at most: a chart of 500 agencies is unreadable; the table below lists every group."""


def _charted(groups: list[dict], periods: bool) -> list[dict]:
    """The groups drawn as bars: all periods in order (a time line), else the largest ``CHART_GROUPS``."""
    if periods or len(groups) <= CHART_GROUPS:
        return groups
    return sorted(groups, key=lambda g: -g["total"])[:CHART_GROUPS]


def chart_data(stats: dict, labels: dict, link) -> dict:
    """What static/js/task-stats.js draws: the doughnut by situation and the bars per group, each slice or bar
    with the link to its list."""
    totals = stats["totals"]
    series = [key for key in CHART_ORDER if key != "closed"]
    groups = _charted(stats["groups"], stats["group_by"] in queries.PERIOD_GROUPS)
    return {
        "derived": {"labels": [labels["derived"][k] for k in CHART_ORDER], "keys": list(CHART_ORDER),
                    "counts": [totals["counts"][k] for k in CHART_ORDER],
                    "links": [link(totals, k) for k in CHART_ORDER]},
        "groups": {"labels": [g["label"] for g in groups], "all": len(groups) == len(stats["groups"]),
                   "series": [{"key": k, "label": labels["derived"][k], "counts": [g["counts"][k] for g in groups],
                               "links": [link(g, k) for g in groups]} for k in series]},
    }


@bp.get("/tasks")
@login_required
def list_page():
    require(current_user, Action.VIEW_TASK_STATISTICS)
    query = _read(TaskListQuery)
    rows, total = queries.tasks_page(current_user, query.task_filter(), query.sorting(), query.paging())
    return render_template("tasks/list_page.html", rows=rows, total=total, query=query, title=_title(),
                           labels=_labels(), choices=_choices(), export_args=query.task_filter().params())


@bp.get("/tasks/statistics")
@login_required
def stats_page():
    require(current_user, Action.VIEW_TASK_STATISTICS)
    query = _read(StatisticsQuery)
    stats = queries.statistics(current_user, query.task_filter(), query.group_by, overdue_limit=query.overdue_limit)
    out, labels = statistics_out(stats), _labels()
    link = functools.partial(count_link, url_for("task_stats.list_page"))
    return render_template("tasks/stats.html", stats=out, query=query, title=_title(),
                           chart=chart_data(out, labels, link), link=link, labels=labels, choices=_choices(),
                           group_choices=GROUP_CHOICES, export_args=query.task_filter().params())


@bp.get("/tasks/export.xlsx")
@login_required
def export_xlsx():
    require(current_user, Action.VIEW_TASK_STATISTICS)
    query = _read(TaskListQuery)
    data = exports.tasks_xlsx(queries.all_tasks(current_user, query.task_filter(), query.sorting()))
    return xlsx_response(data, exports.xlsx_filename())


@bp.get("/tasks/statistics.pdf")
@login_required
def export_pdf():
    require(current_user, Action.VIEW_TASK_STATISTICS)
    query = _read(StatisticsQuery)
    return pdf_response(exports.briefing_pdf(current_user, query.task_filter()), exports.pdf_filename())
