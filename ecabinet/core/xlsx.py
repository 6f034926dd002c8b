"""Writing .xlsx files with openpyxl, in the worker processes only (``spreadsheet.workbook`` calls it there)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ecabinet.core.spreadsheet import Sheet


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    book = Workbook(write_only=True)  # rows streamed out: a long list does not sit in memory twice
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        for column, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = spec.freeze
        for number, row in enumerate(spec.rows, start=1):
            sheet.append([_bold(sheet, value) for value in row] if number in spec.bold_rows else list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bold(sheet, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    cell.font = Font(bold=True)
    return cell
