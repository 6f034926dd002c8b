"""Vietnamese administrative documents (Decree 30/2020/NĐ-CP, Phụ lục I) as PDF and plain text.

A pure library: no database, no request. It prints the invitation (giấy mời), the leaders'
weekly schedule (lịch công tác), the conclusion notice (thông báo kết luận) and the minutes
(biên bản) with an embedded Unicode serif font, so every diacritic shows and extracts back.

    pdf_bytes = render_pdf(doc, font_dir=app.config.get("PDF_FONT_DIR"))
    pdf_bytes = print_pdf(doc)  # in the application: the configured fonts, off the event loop
"""

from ecabinet.documents.fonts import FontMissing, default_font_dir, font_dir_from_config
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
from ecabinet.documents.pdf import Stampable, render_pdf, stamp_number
from ecabinet.documents.printing import print_pdf, print_stampable
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
    "print_pdf",
    "print_stampable",
    "render_pdf",
    "render_text",
    "stamp_number",
]
