"""URL converters: ``<int:…>`` ids stop at what the database holds, so a huge id is a 404; and which paths are
safe to send a browser to."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

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


def _unsafe_in_path(text: str) -> bool:
    """A character that a browser drops or reads as ``/`` (tab, newline, ``\\``): a backslash, any control
    character, any white space but the plain space."""
    return "\\" in text or any(unicodedata.category(c).startswith("C") or (c != " " and c.isspace()) for c in text)


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site however a browser reads it (the place to go after signing in,
    changing the language…), else ``None``.

    Accepted: ``/path?query#fragment``. Refused: another host (``//host``, ``/\\host``, ``https:…``), and
    anything carrying a backslash or a control character, as is or percent-decoded (``/%09/host`` is
    ``//host`` once the browser drops the tab).
    """
    if not target:
        return None
    decoded = unquote(target)
    for form in (target, decoded, unquote(decoded)):
        if not form.startswith("/") or form.startswith("//") or _unsafe_in_path(form):
            return None
    parts = urlsplit(target)
    return target if not (parts.scheme or parts.netloc) else None
