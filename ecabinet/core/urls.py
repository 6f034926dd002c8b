"""URL converters: ``<int:…>`` ids stop at what the database holds, so a huge id is a 404."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from ecabinet.core.schemas import MAX_ID


class IdConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def install_converters(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
