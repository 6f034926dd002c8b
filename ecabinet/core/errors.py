"""Error answers: JSON ``{"error": {...}}`` under /api and /healthz, a Vietnamese page elsewhere.

When the database cannot be reached, or no connection or lock of it comes in time, the answer is made without
it: ``503 database_unavailable`` / ``503 overloaded`` with ``Retry-After``, in JSON in the language the request
alone names (the account's is in the database), else the Vietnamese page ``errors/unavailable.html`` rendered
without the context processors.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from ecabinet.core.api import ApiError, error_response
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError, Overloaded, PermissionDenied
from ecabinet.core.i18n import locale_without_account

log = logging.getLogger("ecabinet")

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError)
"""What SQLAlchemy raises when the database cannot be reached or the connection broke."""
DATABASE_RETRY_AFTER_SECONDS = 10
DATABASE_UNAVAILABLE_MESSAGE = _l("The database cannot be reached at the moment; please try again shortly.")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _messages() -> dict[int, str]:
    return {
        400: _("The request is not valid."),
        401: _("Please sign in."),
        403: _("You are not allowed to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The upload is too large."),
        415: _("This content type is not supported."),
        429: _("Too many requests; please wait and try again."),
        500: _("An internal error occurred; it has been logged."),
    }


def _code_name(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_")


def _answer(status: int, code: str, message: str, details=None, headers=None):
    if wants_json():
        return error_response(status, code, message, details, headers)
    return render_template("errors/error.html", status=status, message=message), status, headers or {}


def database_unavailable_message() -> str:
    """What a client is told while the database cannot be reached (API and Socket.IO alike), in the language
    the request itself asks for: the account's is in the database."""
    with force_locale(locale_without_account()):
        return str(DATABASE_UNAVAILABLE_MESSAGE)


def _unavailable(code: str, message: LazyString, retry_after: int):
    """503 with ``Retry-After``, made without the database: the JSON error in the request's own language, or the
    page in the default one (Vietnamese), rendered from the template alone: the context processors would load the
    user and the language."""
    db.session.rollback()
    headers = {"Retry-After": str(retry_after)}
    if wants_json():
        with force_locale(locale_without_account()):
            return error_response(503, code, str(message), None, headers)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        page = current_app.jinja_env.get_template("errors/unavailable.html").render(
            lang=current_app.config["BABEL_DEFAULT_LOCALE"], message=message, path=request.path)
    return page, 503, headers


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(DisconnectionError)
    def database_unavailable(exc: Exception):
        log.error("database unavailable on %s %s: %s", request.method, request.path, exc)
        return _unavailable("database_unavailable", DATABASE_UNAVAILABLE_MESSAGE, DATABASE_RETRY_AFTER_SECONDS)

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        return _answer(exc.status, exc.code, exc.message, exc.details)

    @app.errorhandler(StaleDataError)
    def stale(exc: StaleDataError):
        db.session.rollback()
        return _answer(409, "version_conflict", _("Someone else changed this record meanwhile; reload it."))

    @app.errorhandler(PermissionDenied)
    def permission_denied(exc: PermissionDenied):
        db.session.rollback()
        return _answer(403, "forbidden", _messages()[403], {"action": exc.action.value})

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _answer(400, "csrf_failed", _("Your session expired or the form is stale; please try again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if isinstance(exc, InternalServerError) and isinstance(exc.original_exception, DATABASE_UNAVAILABLE):
            # raised where no handler of its own applies: an after-request hook, another error handler
            return database_unavailable(exc.original_exception)
        status = exc.code or 500
        message = _messages().get(status, exc.description or "")
        # werkzeug's own headers, such as the Allow that RFC 9110 requires on a 405; the body's type is ours
        headers = {name: value for name, value in exc.get_headers() if name.lower() != "content-type"}
        return _answer(status, _code_name(exc), message, headers=headers)

    @app.errorhandler(PoolTimeout)
    @app.errorhandler(Overloaded)
    def overloaded(exc: Exception):
        """No database connection or lock came in time: the pool is what is missing."""
        log.warning("overloaded on %s %s", request.method, request.path)
        return _unavailable("overloaded", _l("The server is busy; please try again in a few seconds."),
                            current_app.config["RETRY_AFTER_SECONDS"])

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _answer(500, "internal_error", _messages()[500])

