"""JSON API of the working-day calendar."""

from __future__ import annotations

from datetime import date

from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import TypeAdapter, ValidationError

from ecabinet.core.api import ApiError, route, validation_details
from ecabinet.core.db import db
from ecabinet.policy import Action, require
from ecabinet.workdays import models  # noqa: F401  (the table is known to migrations and the app)
from ecabinet.workdays import operations as ops
from ecabinet.workdays.schemas import AddOut, AddQuery, CorrectionOut, DayIn, IsoDate, Year, YearOut

bp = Blueprint("workdays_api", __name__)

_DAY = TypeAdapter(IsoDate)


def _path_day(text: str) -> date:
    """The ``YYYY-MM-DD`` of the path; anything else is a 422 like any invalid input, never a 404 or a 500."""
    try:
        return _DAY.validate_python(text)
    except ValidationError as exc:
        details = [{**d, "field": "day"} for d in validation_details(exc)]
        raise ApiError(422, "validation_error", _("Some fields are missing or invalid."), details) from None


def _check_year(year: int) -> None:
    if not ops.FIRST_YEAR <= year <= ops.LAST_YEAR:
        message = _("Choose a year from %(first)d to %(last)d.", first=ops.FIRST_YEAR, last=ops.LAST_YEAR)
        raise ApiError(422, "validation_error", message,
                       [{"field": "year", "type": "out_of_range", "message": message}])


@route(bp, "/workdays/<int:year>", summary="The working-day calendar of a year", response=YearOut,
       path={"year": Year})
def year_calendar(year: int):
    """Every weekday off (public holidays, admins' days off) and every make-up working day of the year, in date
    order; ``source`` says whether a day comes from the public calendar or an admin's correction."""
    _check_year(year)
    return {"year": year, "working_days": ops.working_days_in_year(year), "days": ops.year_calendar(year)}


@route(bp, "/workdays/add", summary="Count working days from a date", query=AddQuery, response=AddOut)
def add_days(query: AddQuery):
    """The ``days``-th working day after ``from`` (before it when negative; ``from`` itself is not counted).
    ``days=0`` gives ``from`` when it is a working day, else the next working day."""
    result = ops.add_working_days(query.start, query.days)
    return {"start": query.start, "days": query.days, "date": result,
            "calendar_days": (result - query.start).days}


@route(bp, "/workdays/days/<path:day>", method="PUT", summary="Record a day off or a make-up working day",
       path={"day": IsoDate},
       body=DayIn, response=CorrectionOut)
def put_day(day: str, body: DayIn):
    """Creates or changes the correction of the day. One that changes nothing (a make-up working day on an
    ordinary weekday, a day off on a weekend or holiday) is a 422 ``no_change``."""
    require(current_user, Action.MANAGE_CALENDAR)
    entry = ops.set_day(_path_day(day), body.kind, body.reason, current_user)
    db.session.commit()
    return entry


@route(bp, "/workdays/days/<path:day>", method="DELETE", summary="Remove a correction of the calendar", status=204,
       path={"day": IsoDate})
def delete_day(day: str):
    """The public calendar applies to the day again; a day without a correction is a 404."""
    require(current_user, Action.MANAGE_CALENDAR)
    ops.remove_day(_path_day(day))
    db.session.commit()
    return None
