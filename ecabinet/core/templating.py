"""What every template may use: date formats, the language switch (the permission checks: ``ecabinet.home``)."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from ecabinet.core import i18n


def install_template_helpers(app: Flask) -> None:
    app.add_template_filter(i18n.format_datetime, "datetime")
    app.add_template_filter(i18n.format_date, "date")

    @app.context_processor
    def helpers() -> dict:
        return {
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
        }
