"""The serif of the pack's front pages and of the watermark: the face ``documents`` chose, embedded by fpdf2.

Parsing a face costs ~25 ms, as much as the rest of a small pack: the forkserver of ``core.sandbox`` parses them
once (``prepare``), and the worker forked from it takes them for its one render (``new_pdf``)."""

from __future__ import annotations

from fpdf import FPDF

from ecabinet.documents.fonts import FAMILY, find_font_set, read_from_memory

FRONT_PAGES = ("", "B")
WATERMARK = ("B",)

_prepared: dict[tuple[str, ...], FPDF] = {}


def prepare() -> None:
    """Parse the faces of the next front pages and the next watermark of this process."""
    for styles in (FRONT_PAGES, WATERMARK):
        pdf = _fresh_pdf(styles)
        read_from_memory(pdf)
        _prepared[styles] = pdf


def new_pdf(styles: tuple[str, ...]) -> FPDF:
    """An empty document in millimetres (A4 unless a page says otherwise) with the faces ``styles`` of ``FAMILY``
    embedded: the prepared one the first time, then parsed anew."""
    return _prepared.pop(styles, None) or _fresh_pdf(styles)


def _fresh_pdf(styles: tuple[str, ...]) -> FPDF:
    pdf = FPDF(unit="mm", format="A4")
    font_set, folder = find_font_set()
    for style in styles:
        pdf.add_font(FAMILY, style, str(folder / font_set.files[style]))
    return pdf
