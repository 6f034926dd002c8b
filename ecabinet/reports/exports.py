"""The Office's report as files: an Excel workbook of every table (one sheet a figure group) and an editable Word
draft of the report's statistics section (Decree 30 layout, ``documents.print_docx``). Both are written in a worker
process, as every export is, in Vietnamese (the routes build the report in Vietnamese for them)."""

from __future__ import annotations

from flask import current_app

from ecabinet.core.spreadsheet import Sheet, safe_row, workbook
from ecabinet.documents import AdminDocument, Column, Heading, Note, Paragraph, Signature, print_docx
from ecabinet.documents import Table as DocumentTable
from ecabinet.reports.queries import ROMAN, Report, Row, Section, Table

SHEET_TITLE_MAX = 31
"""Excel refuses longer sheet names."""


def _cells(row: Row) -> list:
    return [row.label, *(cell.value for cell in row.cells)]


def _section_sheet(section: Section) -> Sheet:
    rows: list[list] = [[section.title], [section.summary]]
    bold = [1]
    for table in section.tables:
        rows.append([])
        bold += [len(rows) + 1, len(rows) + 2]
        rows += [[table.title], [table.group, *table.columns]]
        rows += [safe_row(_cells(row)) for row in table.rows]
        rows.append(_cells(table.total))
        bold.append(len(rows))
    return Sheet(section.title[:SHEET_TITLE_MAX], rows, widths=(45, *([16] * 6)), bold_rows=tuple(bold))


def report_xlsx(report: Report) -> bytes:
    """One sheet a figure group: its sentence, then each table with its header and its total row."""
    return workbook([_section_sheet(section) for section in report.sections])


def _document_table(table: Table) -> DocumentTable:
    columns = (Column(table.group, 3.5), *(Column(title, 1.3, "right") for title in table.columns))
    rows = tuple((row.label, *(str(cell.value) for cell in row.cells)) for row in (*table.rows, table.total))
    return DocumentTable(columns=columns, rows=rows, font_size=10.5 if len(columns) > 4 else 11.5)


def _section_blocks(number: int, section: Section) -> list:
    blocks: list = [Heading(f"{ROMAN[number] if number < len(ROMAN) else number + 1}. {section.title.upper()}"),
                    Paragraph(section.summary)]
    for table in section.tables:
        blocks += [Paragraph(table.title, bold=True, indent_first_line=False, align="left"), _document_table(table)]
    return blocks


def report_document(report: Report) -> AdminDocument:
    """The statistics section of the Office's work report, a draft (numbers from ecabinet, the words to finish)."""
    province = current_app.config["PROVINCE_NAME"]
    body = [block for number, section in enumerate(report.sections) for block in _section_blocks(number, section)]
    body.append(Note(f"Số liệu lấy từ hệ thống ecabinet ngày {report.made_on:%d/%m/%Y}, trong phạm vi người lập "
                     "dự thảo được xem."))
    return AdminDocument(
        issuing_parent=f"UBND TỈNH {province.upper()}", issuing_body="VĂN PHÒNG", number_symbol="Số:      /BC-VP",
        place=province, issued_on=report.made_on, doc_type="BÁO CÁO",
        summary=f"Số liệu kết quả công tác {report.period_label}", body=tuple(body),
        recipients=("- Lãnh đạo UBND tỉnh;", "- Lãnh đạo Văn phòng;", "- Lưu: VT."),
        signature=Signature(authority=("CHÁNH VĂN PHÒNG",), signer=""), draft=True)


def report_docx(report: Report) -> bytes:
    return print_docx(report_document(report))


def filename(report: Report, extension: str) -> str:
    return f"bao-cao-van-phong-{report.period.key}.{extension}"
