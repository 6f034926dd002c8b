"""Realistic Vietnamese text PDFs: the demo province's materials, and the tests' and benchmarks' documents.

Text comes from the real provincial reports in ``/work/shared/corpus`` (``ECABINET_CORPUS_DIR``
to change); a small built-in text is used when the folder is missing. Every maker is
deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import os
import random
import unicodedata
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

from ecabinet.documents.fonts import FAMILY, register_fonts

CORPUS_DIR = Path(os.environ.get("ECABINET_CORPUS_DIR", "/work/shared/corpus"))
FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)
CHARS_PER_PAGE = 1400  # fits an A4 page at 11 pt with room to spare
_FALLBACK = (
    "Văn phòng Ủy ban nhân dân tỉnh đã tham mưu tổ chức các phiên họp thường kỳ, "
    "ban hành thông báo kết luận và theo dõi, đôn đốc việc thực hiện nhiệm vụ được giao. "
)


@lru_cache(maxsize=1)
def corpus_words() -> tuple[str, ...]:
    """The words of the corpus (NFC, the OCR scan left out: its text is garbled on purpose)."""
    texts = []
    if CORPUS_DIR.is_dir():
        for path in sorted(CORPUS_DIR.glob("*.txt")):
            if "ocr" not in path.name:
                texts.append(path.read_text(encoding="utf-8"))
    words = unicodedata.normalize("NFC", " ".join(texts) or _FALLBACK * 50).split()
    return tuple(words)


def page_texts(pages: int, seed: int = 0) -> list[str]:
    """The text printed on each page of ``text_pdf(pages, seed)`` (single-spaced words)."""
    words = corpus_words()
    rng = random.Random(seed)
    out = []
    for number in range(1, pages + 1):
        start = rng.randrange(len(words))
        chunk: list[str] = []
        length = 0
        i = start
        while length < CHARS_PER_PAGE:
            word = words[i % len(words)]
            chunk.append(word)
            length += len(word) + 1
            i += 1
        out.append(f"Trang {number}. " + " ".join(chunk))
    return out


@lru_cache(maxsize=128)
def text_pdf(pages: int, seed: int = 0, title: str = "Tài liệu họp") -> bytes:
    """A ``pages``-page A4 PDF of corpus text in the embedded DejaVu Serif font; made once per process for the
    same arguments (the demo is seeded again and again by the tests and the bench: rendering was an eighth of
    the suite's CPU)."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(title)
    pdf.set_auto_page_break(False)
    register_fonts(pdf)
    pdf.set_margins(20, 20, 20)
    for text in page_texts(pages, seed):
        pdf.add_page()
        pdf.set_font(FAMILY, "", 11)
        pdf.multi_cell(0, 5.5, text, align="L")
    return bytes(pdf.output())
