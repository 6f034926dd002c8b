"""Pages of the working-day calendar: a year's days off and make-up days, and the admins' corrections."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from pydantic import Field
from werkzeug.datastructures import MultiDict

from ecabinet.core.clock import local_date, parse_day, utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.forms import page_filters, parse_form
from ecabinet.core.i18n import format_date
from ecabinet.core.schemas import Query
from ecabinet.policy import Action, require
from ecabinet.workdays import operations as ops
from ecabinet.workdays.models import DayKind
from ecabinet.workdays.schemas import DayForm

bp = Blueprint("workdays", __name__)


class YearQuery(Query):
    year: int | None = Field(default=None, ge=ops.FIRST_YEAR, le=ops.LAST_YEAR)


def _months(entries: list[ops.CalendarEntry]) -> list[tuple[int, list[ops.CalendarEntry]]]:
    return [(month, list(days)) for month, days in groupby(entries, key=lambda e: e.day.month)]


def _page(year: int, form: MultiDict | None = None, errors: dict[str, str] | None = None, status: int = 200):
    return render_template(
        "workdays/calendar.html", year=year, months=_months(ops.year_calendar(year)),
        working_days=ops.working_days_in_year(year), first_year=ops.FIRST_YEAR, last_year=ops.LAST_YEAR,
        form=form or MultiDict({"kind": DayKind.DAY_OFF.value}), errors=errors or {}, kinds=list(DayKind),
    ), status


@bp.get("/calendar/workdays")
@login_required
def calendar():
    require(current_user, Action.VIEW_HOME)
    year = page_filters(YearQuery, request.args).year or local_date(utcnow()).year
    return _page(year)


def _form_errors(errors: dict[str, str]) -> dict[str, str]:
    """The date's own message (the generic one would not say how to write it); a blank reason is a missing one."""
    if "day" in errors and request.form.get("day", "").strip():
        errors["day"] = _("Enter a date from %(first)d to %(last)d as dd/mm/yyyy, e.g. 30/04/2027.",
                          first=ops.FIRST_YEAR, last=ops.LAST_YEAR)
    if "reason" in errors and not request.form.get("reason", "").strip():
        errors["reason"] = _("This field is required.")
    return errors


@bp.post("/calendar/workdays")
@login_required
def save_day():
    require(current_user, Action.MANAGE_CALENDAR)
    data, errors = parse_form(DayForm, request.form)
    if data is None:
        return _page(_year_of_form(), request.form, _form_errors(errors), 422)
    try:
        ops.set_day(data.day, data.kind, data.reason, current_user)
    except DomainError as exc:
        db.session.rollback()
        return _page(data.day.year, request.form, {exc.field or "__all__": exc.message}, 422)
    db.session.commit()
    flash(_("The calendar of %(date)s is saved.", date=format_date(data.day)), "success")
    return redirect(url_for("workdays.calendar", year=data.day.year))


def _year_of_form() -> int:
    """The year the refused form was sent from, so that the page shown again is the same one."""
    year = request.form.get("year", "")
    if year.isdigit() and ops.FIRST_YEAR <= int(year) <= ops.LAST_YEAR:
        return int(year)
    return local_date(utcnow()).year


@bp.post("/calendar/workdays/<day>/delete")
@login_required
def remove_day(day: str):
    require(current_user, Action.MANAGE_CALENDAR)
    when = parse_day(day)
    if when is None:
        abort(404)
    try:
        ops.remove_day(when)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_("The correction of %(date)s is removed.", date=format_date(when)), "success")
    return redirect(url_for("workdays.calendar", year=when.year))
