"""Cells of the Excel files we write: text from users never comes out as a live formula (CSV/formula injection).

Following OWASP's guidance, a text that a spreadsheet could take for a formula — one starting, after any leading
blanks, with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — is written with a leading apostrophe and as a
plain string cell. Numbers, dates and other values stay as they are."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def _looks_like_formula(text: str) -> bool:
    return text.lstrip(" \u00a0\n").startswith(FORMULA_STARTS)


def safe_cell(value: Any) -> Any:
    """``value`` as it may be written to a cell: a formula-like text with the apostrophe in front."""
    if isinstance(value, str) and _looks_like_formula(value):
        return ESCAPE + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def unescaped(text: str) -> str:
    """A text read back from one of our files: the apostrophe ``safe_cell`` put in front taken away."""
    if text.startswith(ESCAPE) and _looks_like_formula(text[1:]):
        return text[1:]
    return text
