"""Cells of the Excel files we write: text from users never comes out as a live formula (CSV/formula injection).

Following OWASP's guidance, a text that a spreadsheet could take for a formula — one starting, after any leading
blanks, with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — is written with a leading apostrophe and as a
plain string cell. Numbers, dates and other values stay as they are.

``workbook(sheets)`` writes the file in a worker process (``core.offload``, ``core.xlsx``): openpyxl holds the
GIL, and a long list would hold up the server's event loop."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ecabinet.core import offload

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


@dataclass(frozen=True)
class Sheet:
    """One sheet to write: its rows (already made safe), column widths from A on, the 1-based rows in bold."""

    title: str
    rows: Sequence[Sequence[Any]]
    widths: Sequence[float] = ()
    bold_rows: Sequence[int] = (1,)
    freeze: str | None = None


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The .xlsx file of ``sheets``, written in a worker process."""
    return offload.in_worker("ecabinet.core.xlsx:workbook_bytes", list(sheets))
