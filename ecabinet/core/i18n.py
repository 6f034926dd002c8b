"""Language choice and the display of dates and times (stored UTC, shown in the province's zone).

One convention for every interface text (pages, errors, labels, notifications): an English msgid through gettext
(``lazy_gettext`` in module-level tables), its Vietnamese in ``translations/vi``. Outside a request the default
language, Vietnamese, applies. Only names and document bodies (notices, minutes, letters, the task sheet's columns)
are written in Vietnamese in the code.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str:
    """The request's language; outside a request (jobs, commands) the default language."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = _chosen_in_request()
    if chosen is not None:
        return chosen
    user_locale = getattr(current_user, "locale", None)
    if user_locale is not None and user_locale.value in current_app.config["LANGUAGES"]:
        return user_locale.value
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def locale_without_account() -> str:
    """The request's language as far as the request tells it: what the database is not needed for."""
    return _chosen_in_request() or current_app.config["BABEL_DEFAULT_LOCALE"]


def _chosen_in_request() -> str | None:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang") or request.args.get("lang") or _asked_by_api_client(languages)
    return chosen if chosen in languages else None


def _asked_by_api_client(languages: tuple[str, ...]) -> str | None:
    """A program with a bearer token names its language in ``Accept-Language``; browsers send that header too, but
    their pages keep the language chosen in the interface (the session, the account)."""
    if request.authorization is None or request.authorization.type != "bearer":
        return None
    return request.accept_languages.best_match(languages)


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
