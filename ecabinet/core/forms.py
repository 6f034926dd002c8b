"""HTML forms validated by the same pydantic schemas as the API, with messages in the user's language."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import flash
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError
from werkzeug.datastructures import MultiDict

M = TypeVar("M", bound=BaseModel)


def _message(err: dict[str, Any]) -> str:
    ctx = err.get("ctx") or {}
    kind = err["type"]
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_short":
        return _("Too short (at least %(n)s characters).", n=ctx.get("min_length"))
    if kind == "string_too_long":
        return _("Too long (at most %(n)s characters).", n=ctx.get("max_length"))
    if kind == "string_pattern_mismatch":
        if "_" in str(ctx.get("pattern", "")):
            return _("Use only lowercase letters without accents, digits, dots and underscores.")
        return _("Use only lowercase letters without accents and digits.")
    if kind in {"int_parsing", "int_type"}:
        return _("Enter a whole number.")
    if kind in {"enum", "literal_error"}:
        return _("Choose one of the listed values.")
    if kind == "too_short":
        return _("Choose at least one.")
    return _("This value is not valid.")


def parse_form(model: type[M], form: MultiDict, list_fields: tuple[str, ...] = ()) -> tuple[M | None, dict[str, str]]:
    """``(instance, {})`` when the form is valid, else ``(None, {field: message})``.

    Empty inputs count as not given; ``list_fields`` are read as multi-valued; inputs that are
    not fields of ``model`` (the CSRF token, a password confirmation) are left to the caller.
    """
    fields = model.model_fields
    data: dict[str, Any] = {k: v for k, v in form.items() if k in fields and k not in list_fields and v != ""}
    for name in list_fields:
        data[name] = [v for v in form.getlist(name) if v != ""]
    try:
        return model.model_validate(data), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors(include_url=False):
            field = str(err["loc"][0]) if err["loc"] else "__all__"
            errors.setdefault(field, _message(err))
        return None, errors


def page_filters(model: type[M], args: MultiDict) -> M:
    """A list page's filters from the query string; invalid ones are dropped with a warning, not a 422,
    so that a stale or hand-edited link still shows the list."""
    query, _errors = parse_form(model, args)
    if query is None:
        flash(_("Some filters were not valid and have been ignored."), "warning")
        return model()
    return query
