"""Vietnamese administrative documents (Decree 30/2020/NĐ-CP, Phụ lục I) as PDF, plain text and editable Word
drafts (``print_docx``).

A pure library: no database, no request. It prints the invitation (giấy mời), the leaders'
weekly schedule (lịch công tác), the conclusion notice (thông báo kết luận) and the minutes
(biên bản) with an embedded Unicode serif font, so every diacritic shows and extracts back.

    pdf_bytes = print_pdf(doc)  # in the application: the configured fonts, in a worker process
    pdf_bytes = pdf.render_pdf(doc, font_dir=font_dir)  # the rendering itself (fpdf2), which the workers import
"""

from ecabinet.documents.fontdir import FontMissing, default_font_dir, font_dir_from_config
from ecabinet.documents.formatting import format_number_symbol, format_place_date
from ecabinet.documents.model import (
    AdminDocument,
    Block,
    Column,
    Heading,
    Note,
    Paragraph,
    Signature,
    Table,
)
from ecabinet.documents.printing import print_docx, print_pdf, print_stampable
from ecabinet.documents.stamping import Stampable, stamp_number
from ecabinet.documents.text import render_text

__all__ = [
    "AdminDocument",
    "Block",
    "Column",
    "FontMissing",
    "Heading",
    "Note",
    "Paragraph",
    "Signature",
    "Stampable",
    "Table",
    "default_font_dir",
    "font_dir_from_config",
    "format_number_symbol",
    "format_place_date",
    "print_docx",
    "print_pdf",
    "print_stampable",
    "render_text",
    "stamp_number",
]
