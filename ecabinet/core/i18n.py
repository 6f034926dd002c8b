"""Language choice and the display of dates and times (stored UTC, shown in the province's zone)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str:
    """The request's language; outside a request (jobs, commands) the default language."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang") or request.args.get("lang")
    if chosen in languages:
        return chosen
    user_locale = getattr(current_user, "locale", None)
    if user_locale is not None and user_locale.value in languages:
        return user_locale.value
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def format_datetime(value: datetime | None) -> str:
    """``dd/mm/yyyy HH:MM`` in the province's time zone."""
    if value is None:
        return ""
    return value.astimezone(local_zone()).strftime("%d/%m/%Y %H:%M")


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(local_zone()).date()
    return value.strftime("%d/%m/%Y")
