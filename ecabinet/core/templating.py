"""What every template may use: permission checks, date formats, the language switch."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from flask_login import current_user

from ecabinet.core import i18n
from ecabinet.policy import Action, allowed


def install_template_helpers(app: Flask) -> None:
    app.add_template_filter(i18n.format_datetime, "datetime")
    app.add_template_filter(i18n.format_date, "date")

    @app.context_processor
    def helpers() -> dict:
        return {
            "Action": Action,
            "can": lambda action, target=None: allowed(current_user, action, target),
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
        }
