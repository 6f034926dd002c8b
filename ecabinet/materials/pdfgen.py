"""Realistic Vietnamese text PDFs and malformed PDFs, for tests and benchmarks.

Text comes from the real provincial reports in ``/work/shared/corpus`` (``ECABINET_CORPUS_DIR``
to change); a small built-in text is used when the folder is missing. Every maker is
deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import io
import os
import random
import re
import unicodedata
import zlib
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


def text_pdf(pages: int, seed: int = 0, title: str = "Tài liệu họp") -> bytes:
    """A ``pages``-page A4 PDF of corpus text in the embedded DejaVu Serif font."""
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


def truncated_pdf(data: bytes | None = None) -> bytes:
    """The first half of a valid PDF: an upload cut short."""
    data = data if data is not None else text_pdf(3)
    return data[: len(data) // 2]


def encrypted_pdf(data: bytes | None = None, password: str = "mat-khau") -> bytes:
    """A valid PDF encrypted by pypdf (RC4-128: no optional crypto package needed) with a password."""
    from pypdf import PdfReader, PdfWriter

    from pypdf.generic import ArrayObject, ByteStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data if data is not None else text_pdf(2))))
    file_id = ByteStringObject(b"ecabinet-pdfgen!")  # fixed: pypdf would draw a random one
    writer._ID = ArrayObject([file_id, file_id])
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    # pypdf redraws the second identifier at write time; the key uses only the first one.
    return re.sub(rb"(/ID \[ <[0-9a-f]+> <)[0-9a-f]{32}>", rb"\g<1>" + b"0" * 32 + b">", buffer.getvalue())


def not_a_pdf() -> bytes:
    """A Word document's first bytes (a ZIP container) renamed to ``.pdf``."""
    return b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + b"[Content_Types].xml" + bytes(200)


def _assemble(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from numbered object bodies (object ``i + 1`` is ``objects[i]``), with a real xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


@lru_cache(maxsize=4)
def _zeros_deflated(inflated_bytes: int) -> bytes:
    """zlib of ``inflated_bytes`` zeros, compressed a MiB at a time (never held inflated)."""
    compressor = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    parts = []
    remaining = inflated_bytes
    while remaining > 0:
        parts.append(compressor.compress(chunk[: min(remaining, len(chunk))]))
        remaining -= len(chunk)
    parts.append(compressor.flush())
    return b"".join(parts)


def bomb_pdf(inflated_bytes: int = 1 << 30) -> bytes:
    """A one-page PDF whose content stream is FlateDecode of ``inflated_bytes`` zeros (default
    1 GiB: about 1 MB on disk)."""
    return _assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 4 0 R >>",
        _stream(_zeros_deflated(inflated_bytes), b"/Filter /FlateDecode "),
    ])


def form_bomb_pdf(inflated_bytes: int = 1 << 30) -> bytes:
    """The same zeros in a form XObject drawn by an innocent page content stream."""
    return _assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /F 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        _stream(b"/F Do"),
        _stream(_zeros_deflated(inflated_bytes),
                b"/Type /XObject /Subtype /Form /BBox [0 0 9 9] /Filter /FlateDecode "),
    ])


def image_bomb_pdf(width: int = 100_000, height: int = 100_000, where: str = "page", padding: int = 0) -> bytes:
    """A one-page PDF of a few KB declaring a ``width`` × ``height`` grey image (default 10^10
    pixels: 10 GB to decode): renderers size their buffers from the declared dimensions, so the
    data is only a MiB of zeros, deflated. ``where`` the image is: ``"page"`` (an image XObject
    of the page), ``"form"`` (inside a form XObject drawn by the page), ``"inline"`` (``BI … ID
    … EI`` in the deflated content stream, after ``padding`` spaces) or ``"smask"`` (the soft
    mask of a small, honest image)."""
    pixels = _zeros_deflated(1 << 20)
    image = _stream(pixels, b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                            b"/BitsPerComponent 8 /Filter /FlateDecode " % (width, height))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 4 0 R >>"
    head = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
    draw = b"q 500 0 0 700 40 60 cm /Im Do Q"
    if where == "page":
        return _assemble(head + [page % b"<< /XObject << /Im 5 0 R >> >>", _stream(draw), image])
    if where == "form":
        form = _stream(draw, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /Im 6 0 R "
                             b">> >> ")
        return _assemble(head + [page % b"<< /XObject << /Fm 5 0 R >> >>", _stream(b"/Fm Do"), form, image])
    if where == "inline":
        inline = (b" " * padding + b"q 500 0 0 700 40 60 cm BI /W %d /H %d /BPC 8 /CS /G /F [/AHx /Fl] ID\n"
                  % (width, height) + pixels.hex().encode() + b">\nEI Q")
        return _assemble(head + [page % b"<< >>", _stream(zlib.compress(inline, 9), b"/Filter /FlateDecode ")])
    if where == "smask":
        small = _stream(bytes(16), b"/Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceGray "
                                   b"/BitsPerComponent 8 /SMask 6 0 R ")
        return _assemble(head + [page % b"<< /XObject << /Im 5 0 R >> >>", _stream(draw), small, image])
    raise ValueError(f"unknown place for the image: {where!r}")


# (Rotate, MediaBox, CropBox or None, Rotate and MediaBox inherited from a page tree node of the
# page's own): every page below shows a reader the same 595 × 842 portrait page.
RotatedPage = tuple[int, tuple[float, float, float, float], "tuple[float, float, float, float] | None", bool]
ROTATED_PAGES: tuple[RotatedPage, ...] = (
    (0, (0, 0, 595, 842), None, False),
    (90, (0, 0, 842, 595), None, False),
    (180, (0, 0, 595, 842), None, False),
    (270, (0, 0, 842, 595), None, False),
    (0, (100, 200, 695, 1042), None, False),  # a MediaBox away from the origin
    (90, (-300, -100, 542, 495), None, False),  # offset and turned
    (0, (0, 0, 1000, 1200), (200, 100, 795, 942), False),  # a CropBox inside a larger MediaBox
    (180, (0, 0, 1000, 1200), (150, 250, 745, 1092), False),  # the same, turned
    (-90, (0, 0, 842, 595), None, True),  # inherited; -90 is 270
    (450, (0, 0, 842, 595), None, True),  # inherited; 450 is 90
)


def _box(box: tuple[float, ...]) -> bytes:
    return b"[" + b" ".join(b"%g" % v for v in box) + b"]"


def rotated_pdf(pages: tuple[RotatedPage, ...] = ROTATED_PAGES) -> bytes:
    """Pages turned by /Rotate and with boxes away from the origin (``ROTATED_PAGES`` by
    default), each with "Trang N" (Helvetica) near its box's lower left corner."""
    kids, objects = [], [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    font = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
    for number, (rotate, media, crop, inherited) in enumerate(pages, start=1):
        kids.append(len(objects) + 1)
        parent = 2
        attributes = b"/Rotate %d /MediaBox %s" % (rotate, _box(media))
        if inherited:
            parent = len(objects) + 1
            objects.append(b"<< /Type /Pages /Parent 2 0 R /Kids [%d 0 R] /Count 1 " % (parent + 1) + attributes
                           + b" >>")
            attributes = b""
        crop_box = b" /CropBox %s" % _box(crop) if crop is not None else b""
        objects.append(b"<< /Type /Page /Parent %d 0 R %s%s /Contents %d 0 R >>" % (
            parent, attributes, crop_box, len(objects) + 2))
        left, bottom = (crop or media)[:2]
        objects.append(_stream(b"BT /F1 24 Tf %g %g Td (Trang %d) Tj ET" % (left + 40, bottom + 40, number)))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d /Resources %s >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(pages), font)
    return _assemble(objects)


def claimed_pages_pdf(count: int = 10**9) -> bytes:
    """A PDF whose page tree claims ``count`` pages while holding one."""
    return _assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 4 0 R >>",
        _stream(b"BT ET"),
    ])


def many_pages_pdf(pages: int, lie_count: int | None = None) -> bytes:
    """``pages`` real, tiny pages sharing one empty content stream (about 90 bytes a page).
    ``lie_count`` makes the root /Count claim another number (an honest-looking small one)."""
    count = pages if lie_count is None else lie_count
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        _stream(b""),
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 3 0 R >>"
    objects += [page] * pages
    return _assemble(objects)


def no_pages_pdf() -> bytes:
    """A well-formed PDF with an empty page tree."""
    return _assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
    ])


def corrupt_pdf() -> bytes:
    """Starts and ends like a PDF but holds no readable structure."""
    return b"%PDF-1.7\n" + bytes(random.Random(7).randrange(256) for _ in range(2000)) + b"\n%%EOF\n"
