"""Reading the rows of an uploaded task sheet with openpyxl, in the isolated worker processes only
(``operations._sheet_rows`` calls ``read_rows`` there): an .xlsx is a zip of XML, a bomb's shape."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import openpyxl

from ecabinet.tasks.exports import COLUMNS
from ecabinet.tasks.importing.operations import HEADER_SEARCH_ROWS, MAX_ROWS, REQUIRED_HEADERS, cell_text, folded


def read_rows(data: bytes, columns: Sequence[str] = COLUMNS, required: Sequence[str] = REQUIRED_HEADERS,
              max_rows: int = MAX_ROWS) -> tuple[str | None, list[tuple[int, dict[str, Any]]]]:
    """The rows of ``_sheet_rows``, or what is wrong with the sheet (``not_xlsx``, ``missing_columns``,
    ``too_many_rows``); it reads no application state, so it runs in the isolated worker. Other sheets (the work
    programme's) name their own ``columns``, the ``required`` ones among them, and their ``max_rows``."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        return "not_xlsx", []
    try:
        for sheet in workbook.worksheets:
            found = _find_header(sheet, columns, required)
            if found is not None:
                break
        else:
            return "missing_columns", []
        header_row, headers = found
        width = max(headers) + 1
        rows = []
        for number, row in enumerate(sheet.iter_rows(min_row=header_row + 1, max_col=width, values_only=True),
                                     start=header_row + 1):
            values = {name: row[index] if index < len(row) else None for index, name in headers.items()}
            if all(cell_text(v) == "" for v in values.values()):
                continue
            if len(rows) == max_rows:
                return "too_many_rows", []
            rows.append((number, values))
        return None, rows
    finally:
        workbook.close()


def _header_map(row: Iterable[Any], columns: Sequence[str]) -> dict[int, str]:
    """Column index → canonical header, for the headers known."""
    known = {folded(name): name for name in columns}
    found: dict[int, str] = {}
    for index, value in enumerate(row):
        name = known.get(folded(cell_text(value)))
        if name is not None and name not in found.values():
            found[index] = name
    return found


def _find_header(sheet, columns: Sequence[str], required: Sequence[str]) -> tuple[int, dict[int, str]] | None:
    for number, row in enumerate(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), start=1):
        headers = _header_map(row, columns)
        if all(name in headers.values() for name in required):
            return number, headers
    return None
