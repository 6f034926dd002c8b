"""What the report's page and its API both show: the figures with the task list behind each task count, the
report built in Vietnamese for its files, and the files as downloads."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale

from ecabinet.accounts.models import User
from ecabinet.core.clock import today
from ecabinet.reports.queries import Cell, Period, Report, Row, Table, Units, office_report
from ecabinet.tasks.statistics.views import query_string

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CHART_ROWS = 25
"""Bars drawn at most in a chart: the table under it lists every row."""
YEARS_OFFERED = 5


def list_query(cell: Cell) -> str | None:
    return query_string(cell.list_params) if cell.list_params and cell.value else None


def _row_out(row: Row) -> dict[str, Any]:
    return {"label": row.label, "cells": [{"value": c.value, "list_query": list_query(c)} for c in row.cells]}


def report_out(report: Report) -> dict[str, Any]:
    return {"period": report.period.key, "period_label": report.period_label, "units": report.units,
            "sections": [{"key": s.key, "title": s.title, "summary": s.summary,
                          "tables": [{"key": t.key, "title": t.title, "group": t.group, "columns": list(t.columns),
                                      "rows": [_row_out(r) for r in t.rows], "total": _row_out(t.total)}
                                     for t in s.tables]} for s in report.sections]}


def cell_link(cell: Cell) -> str | None:
    """The task list page of exactly the tasks a count counts; None for other figures and for a zero."""
    query = list_query(cell)
    return f"{url_for('task_stats.list_page')}?{query}" if query else None


def _chart(table: Table) -> dict[str, Any]:
    rows = table.rows[:CHART_ROWS]
    return {"id": f"chart-{table.key}", "labels": [r.label for r in rows],
            "series": [{"key": f"{table.key}-{i}", "label": table.columns[i],
                        "counts": [r.cells[i].value for r in rows],
                        "links": [cell_link(r.cells[i]) for r in rows]} for i in table.charted]}


def chart_data(report: Report) -> list[dict[str, Any]]:
    """What static/js/office-report.js draws: a bar chart per table, each bar opening its list when it has one."""
    return [_chart(table) for section in report.sections for table in section.tables]


def period_choices() -> list[tuple[int, list[Period]]]:
    """The periods offered by the picker: each of the last years, its quarters and its months."""
    year = today().year
    return [(y, [Period(str(y)), *(Period(f"{y}-Q{q}") for q in range(1, 5)),
                 *(Period(f"{y}-{m:02d}") for m in range(1, 13))]) for y in range(year, year - YEARS_OFFERED, -1)]


def vietnamese_report(user: User, period: Period, units: Units) -> Report:
    """The report with its words in Vietnamese, whatever the page's language: for the files sent on."""
    with force_locale("vi"):
        return office_report(user, period, units)


def download(data: bytes, mimetype: str, filename: str):
    response = current_app.response_class(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
