"""The document as an editable Word file (.docx, python-docx), laid out as Decree 30/2020/NĐ-CP asks (Times New
Roman 13–14pt, the two-column header, the title, the body, the recipients beside the signature): a draft the Office
finishes in its word processor. Only the worker processes import this module (``printing.print_docx``)."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import _Cell

from ecabinet.documents.formatting import (
    DRAFT_MARK,
    MOTTO,
    NATIONAL_TITLE,
    RECIPIENTS_LABEL,
    SIGNED_PLACEHOLDER,
    format_place_date,
    nfc,
    summary_lines,
)
from ecabinet.documents.model import AdminDocument, Heading, Note, Paragraph, Signature, Table

FONT = "Times New Roman"
ALIGN = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "left": WD_ALIGN_PARAGRAPH.LEFT,
         "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def _line(container, text: str, *, bold: bool = False, italic: bool = False, size: float = 13,
          align: str = "center"):
    paragraph = _new_paragraph(container)
    paragraph.alignment = ALIGN[align]
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(nfc(text))
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    return paragraph


def _new_paragraph(container):
    """A new paragraph; in a fresh table cell, the empty one Word puts in every cell."""
    if isinstance(container, _Cell) and len(container.paragraphs) == 1 and not container.paragraphs[0].runs:
        return container.paragraphs[0]
    return container.add_paragraph()


def _header(document, doc: AdminDocument) -> None:
    """The issuing body, the number and the marks (confidential, urgent) at the left, the national title and the
    place and date at the right."""
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    if doc.issuing_parent.strip():
        _line(left, doc.issuing_parent.upper(), size=12)
    _line(left, doc.issuing_body.upper(), bold=True, size=12)
    _line(left, nfc(doc.number_symbol).strip(), size=13)
    for mark in (doc.confidentiality, doc.urgency):
        if mark:
            _line(left, mark.upper(), bold=True, size=13)
    _line(right, NATIONAL_TITLE, bold=True, size=12)
    _line(right, MOTTO, bold=True, size=13)
    _line(right, format_place_date(doc.place, doc.issued_on), italic=True, size=13)


def _table(document, table: Table) -> None:
    out = document.add_table(rows=1, cols=len(table.columns))
    out.style = "Table Grid"
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, column in zip(out.rows[0].cells, table.columns):
        _cell(cell, column.title, bold=True, align="center", size=table.font_size)
    for row in table.rows:
        for cell, value, column in zip(out.add_row().cells, row, table.columns):
            _cell(cell, value, align=column.align, size=table.font_size)


def _cell(cell: _Cell, text: str, *, bold: bool = False, align: str = "left", size: float = 11.5) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = ALIGN[align]
    run = paragraph.add_run(nfc(text))
    run.bold, run.font.size = bold, Pt(size)


def _body(document, doc: AdminDocument) -> None:
    for block in doc.body:
        if isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, Heading):
            _line(document, block.text, bold=True, size=14, align="center" if block.center else "left")
        elif isinstance(block, Note):
            _line(document, block.text, italic=True, size=12, align="left")
        elif isinstance(block, Paragraph):
            paragraph = _line(document, block.text, bold=block.bold, italic=block.italic, size=14, align=block.align)
            if block.indent_first_line:
                paragraph.paragraph_format.first_line_indent = Cm(1.27)
            paragraph.paragraph_format.space_after = Pt(6)


def _signature(cell: _Cell, signature: Signature) -> None:
    for line in signature.authority:
        _line(cell, line.upper(), bold=True, size=14)
    _line(cell, SIGNED_PLACEHOLDER if signature.signed_placeholder else "", size=14)
    for _blank in range(3):
        _line(cell, "", size=14)
    _line(cell, signature.signer, bold=True, size=14)


def _recipients(container, doc: AdminDocument) -> None:
    if doc.recipients:
        _line(container, RECIPIENTS_LABEL, bold=True, italic=True, size=12, align="left")
        for recipient in doc.recipients:
            _line(container, recipient, size=11, align="left")


def _closing(document, doc: AdminDocument) -> None:
    """The recipients at the left and the signature at the right; with a second signature (a biên bản's "THƯ
    KÝ"), both signatures side by side and the recipients under them."""
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    if doc.secondary_signature:
        _signature(left, doc.secondary_signature)
        _signature(right, doc.signature)
        _recipients(document, doc)
    else:
        _recipients(left, doc)
        _signature(right, doc.signature)


def render_docx(doc: AdminDocument, *, landscape: bool = False) -> bytes:
    """``doc`` as a .docx file: every line of ``text.render_text(doc)`` is in it, tables as Word tables."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = section.page_width, section.page_height
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    if doc.draft:
        _line(document, DRAFT_MARK, bold=True, size=12, align="right")
    _header(document, doc)
    _line(document, "", size=13)
    _line(document, doc.doc_type.upper(), bold=True, size=14)
    for line in summary_lines(doc.summary):
        _line(document, line, bold=True, size=14)
    _line(document, "", size=13)
    _body(document, doc)
    _line(document, "", size=13)
    _closing(document, doc)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
