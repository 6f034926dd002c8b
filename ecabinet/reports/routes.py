"""The Office's report as a page (figures, charts, a period picker) and its Excel and Word files."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ecabinet.core.forms import page_filters
from ecabinet.policy import Action, require
from ecabinet.reports import exports
from ecabinet.reports.queries import office_report
from ecabinet.reports.schemas import ReportQuery
from ecabinet.reports.views import DOCX, cell_link, chart_data, download, period_choices, vietnamese_report
from ecabinet.tasks.statistics.views import XLSX

bp = Blueprint("office_report", __name__)


def _query() -> ReportQuery:
    require(current_user, Action.VIEW_OFFICE_REPORT)
    return page_filters(ReportQuery, request.args)


@bp.get("/reports/office")
@login_required
def report_page():
    query = _query()
    report = office_report(current_user, query.chosen(), query.units)
    return render_template("reports/office.html", report=report, query=query, chart=chart_data(report),
                           link=cell_link, periods=period_choices(),
                           file_args={"period": report.period.key, "units": report.units})


def _file(render, mimetype: str, extension: str):
    """The report in Vietnamese as a file, written by ``render`` (in a worker process)."""
    query = _query()
    report = vietnamese_report(current_user, query.chosen(), query.units)
    return download(render(report), mimetype, exports.filename(report, extension))


@bp.get("/reports/office.xlsx")
@login_required
def export_xlsx():
    return _file(exports.report_xlsx, XLSX, "xlsx")


@bp.get("/reports/office.docx")
@login_required
def export_docx():
    return _file(exports.report_docx, DOCX, "docx")
