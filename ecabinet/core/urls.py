"""URL converters: ``<int:…>`` ids stop at what the database holds, so a huge id is a 404."""

from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from ecabinet.core.schemas import MAX_ID


class IdConverter(IntegerConverter):
    """Digits only (no sign, no fraction); a number beyond ``MAX_ID`` names nothing that can exist.

    Such a number is answered 404 at once: werkzeug would otherwise try the path's other rules,
    and a rule for another method on the same path turned the answer into a 405.
    """

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise NotFound()
        return number


def install_converters(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
