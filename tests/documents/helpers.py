"""Reading rendered PDFs back: text per page (without the page number), fonts, page sizes."""

from __future__ import annotations

import io
import re
import unicodedata

from pypdf import PdfReader


def norm(text: str) -> str:
    """NFC, every run of whitespace one space: how extracted and expected text are compared."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """Each page's extracted text; from page 2 on, the page number printed at the top is checked
    and taken off, so that a paragraph going on over a page break reads as one."""
    texts = []
    for index, page in enumerate(reader(pdf).pages):
        text = page.extract_text()
        if index > 0:
            first, _, text = text.partition("\n")
            assert first.strip() == str(index + 1), f"page {index + 1} starts with {first!r}, not its number"
        texts.append(text)
    return texts


def full_text(pdf: bytes) -> str:
    return norm("\n".join(page_texts(pdf)))


def missing_lines(expected_lines: list[str], pdf: bytes) -> list[str]:
    """The expected lines (each normalised) not found in the PDF's normalised text."""
    text = full_text(pdf)
    return [line for line in (norm(x) for x in expected_lines) if line and line not in text]


def fonts(pdf: bytes) -> list[dict]:
    """Every font resource of every page, with its descriptor (Type0 fonts: the descendant's)."""
    found = {}
    for page in reader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor_owner = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descriptor_owner.get("/FontDescriptor")
            found[str(font["/BaseFont"])] = {
                "base_font": str(font["/BaseFont"]),
                "subtype": str(font["/Subtype"]),
                "descriptor": descriptor.get_object() if descriptor is not None else None,
                "has_to_unicode": "/ToUnicode" in font,
            }
    return list(found.values())
