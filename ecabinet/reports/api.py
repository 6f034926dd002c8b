"""JSON API of the Office's report: the figures of a period, each task count with the query of its list."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from ecabinet.core.api import route
from ecabinet.policy import Action, require
from ecabinet.reports.queries import office_report
from ecabinet.reports.schemas import ReportOut, ReportQuery
from ecabinet.reports.views import report_out

bp = Blueprint("office_report_api", __name__)


@route(bp, "/office-report", summary="The Office's report: meetings, conclusions, notices, tasks and pages not "
                                     "printed over a month, a quarter or a year", query=ReportQuery,
       response=ReportOut)
def get_report(query: ReportQuery):
    """The Office and the leaders; every count is of what the caller may see (a confidential material's pages
    only for its named readers)."""
    require(current_user, Action.VIEW_OFFICE_REPORT)
    return report_out(office_report(current_user, query.chosen(), query.units))
