"""Printing a document from the application: rendered with the configured fonts (``PDF_FONT_DIR``) in a worker
process (``ecabinet.core.offload``), so that a long layout does not hold up the server's other requests. Only the
workers import the renderer (``pdf``, fpdf2): the server names it."""

from __future__ import annotations

from flask import current_app

from ecabinet.core import offload
from ecabinet.documents.model import AdminDocument
from ecabinet.documents.stamping import Stampable

RENDER_PDF = "ecabinet.documents.pdf:render_pdf"
RENDER_STAMPABLE = "ecabinet.documents.pdf:render_stampable"
RENDER_DOCX = "ecabinet.documents.word:render_docx"


def print_pdf(doc: AdminDocument, *, landscape: bool = False) -> bytes:
    return offload.in_worker(RENDER_PDF, doc, font_dir=current_app.config.get("PDF_FONT_DIR"), landscape=landscape)


def print_docx(doc: AdminDocument, *, landscape: bool = False) -> bytes:
    """``doc`` as an editable Word draft (``word.render_docx``, python-docx), off the loop like a PDF."""
    return offload.in_worker(RENDER_DOCX, doc, landscape=landscape)


def print_stampable(doc: AdminDocument) -> Stampable:
    """``render_stampable`` off the loop: the number is stamped in later with ``stamp_number``."""
    return offload.in_worker(RENDER_STAMPABLE, doc, font_dir=current_app.config.get("PDF_FONT_DIR"))
