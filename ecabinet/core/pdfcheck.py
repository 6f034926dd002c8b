"""Checking an uploaded PDF: ``validate_pdf`` checks it before it is stored or read (materials, the signature
check) and refuses it with ``PdfRejected`` (a reason code and a message in the uploader's language that can be
shown as is). A pure function on bytes (or a path), shared by the domains that take PDFs."""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

MB = 1024 * 1024
MAX_BYTES = 100 * MB
MAX_PAGES = 5000
MAX_STREAM_INFLATED = 64 * MB  # a page content stream larger than this is a bomb
MAX_TOTAL_INFLATED = 512 * MB  # all content streams of the document together
MAX_IMAGE_PIXELS = 100_000_000  # width × height of one image; an A3 page scanned at 600 dpi is 70 million

MESSAGES = {
    "not_pdf": _l("The file is not a PDF document."),
    "too_large": _l("The PDF file is larger than allowed (%(limit)s MB)."),
    "encrypted": _l("The PDF file is protected by a password or encrypted; remove the password and upload it again."),
    "truncated": _l("The PDF file is cut short (the upload did not finish); upload it again."),
    "corrupt": _l("The PDF file is damaged and cannot be read."),
    "no_pages": _l("The PDF file has no pages."),
    "too_many_pages": _l("The PDF file has too many pages (at most %(limit)s pages)."),
    "bomb": _l("The PDF file holds abnormally compressed data (far too large once inflated) and is refused."),
    "image_too_large": _l("The PDF file holds an image too large (over %(limit)s million pixels) to be shown "
                          "safely, and is refused."),
}


class PdfRejected(ValueError):
    """An upload refused: ``code`` (stable, for programs) and ``message`` (for people, in their language)."""

    def __init__(self, code: str, limit: int | float | None = None) -> None:
        self.code = code
        self.limit = limit
        super().__init__(code if limit is None else f"{code} ({limit})")

    @property
    def message(self) -> str:
        """A fractional limit is written with the language's decimal mark (Vietnamese: a comma)."""
        limit = format_decimal(self.limit) if isinstance(self.limit, float) else self.limit
        return str(MESSAGES.get(self.code, MESSAGES["corrupt"])) % {"limit": limit}


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    size: int
    sha256: str


def _read(source: bytes | str | Path, max_bytes: int) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        path = Path(source)
        if path.stat().st_size > max_bytes:
            raise PdfRejected("too_large", max_bytes // MB)
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise PdfRejected("too_large", max_bytes // MB)
    return data


def _count_pages(reader: PdfReader, max_pages: int) -> int:
    """Leaves of the page tree, walked without pypdf's flattening: stops as soon as the claimed
    /Count or the real number of leaves passes ``max_pages``; cycles are corruption."""
    too_many = PdfRejected("too_many_pages", max_pages)
    root = reader.trailer["/Root"].get_object()["/Pages"].get_object()
    claimed = root.get("/Count", 0)
    if isinstance(claimed, int) and claimed > max_pages:
        raise too_many
    seen: set[int] = set()
    stack = [reader.trailer["/Root"].get_object()["/Pages"]]
    leaves = 0
    while stack:
        ref = stack.pop()
        if isinstance(ref, IndirectObject):
            if ref.idnum in seen:
                raise PdfRejected("corrupt")
            seen.add(ref.idnum)
        node = ref.get_object()
        if not isinstance(node, DictionaryObject):
            raise PdfRejected("corrupt")
        kids = node.get("/Kids")
        if node.get("/Type") == "/Pages" or kids is not None:
            stack.extend(reversed(list(kids.get_object() if kids is not None else [])))
        else:
            leaves += 1
            if leaves > max_pages:
                raise too_many
    return leaves


_INFLATE_CHUNK = 1 * MB
_INLINE_IMAGE = re.compile(rb"BI[\s/]")  # then checked: a delimiter or whitespace before
_INLINE_END = re.compile(rb"\sID\s")
_INLINE_WIDTH = re.compile(rb"/W(?:idth)?\s+(\d+)")
_INLINE_HEIGHT = re.compile(rb"/H(?:eight)?\s+(\d+)")
_DELIMITERS = frozenset(b" \t\r\n\f\x00[]()<>{}/%")
_OVERLAP = 1024  # bytes of inflated content kept for the next chunk: an inline image dictionary is shorter


def _image_too_large(max_pixels: int) -> PdfRejected:
    return PdfRejected("image_too_large", max_pixels / 1_000_000)


def _check_inline_images(content: bytes, max_pixels: int) -> None:
    """Refuse an inline image (``BI /W … /H … ID``) of more than ``max_pixels`` declared pixels.
    Text operators never contain ``BI`` (glyph strings are hex or literal: a false match would
    still need two large numbers before ``ID``)."""
    for match in _INLINE_IMAGE.finditer(content):
        at = match.start()
        if at and content[at - 1] not in _DELIMITERS:
            continue
        window = content[at + 2:at + _OVERLAP]
        end = _INLINE_END.search(window)
        head = window[:end.start()] if end is not None else window
        width, height = _INLINE_WIDTH.search(head), _INLINE_HEIGHT.search(head)
        if width is not None and height is not None and int(width.group(1)) * int(height.group(1)) > max_pixels:
            raise _image_too_large(max_pixels)


def _bounded_inflate(stream: StreamObject, budget: int, max_pixels: int) -> int:
    """Inflated size of a FlateDecode stream, never inflating more than ``budget`` + 1 bytes; the
    inflated content (or the raw one, unfiltered) is scanned for oversized inline images on the way."""
    filters = stream.get("/Filter")
    names = [filters] if not isinstance(filters, ArrayObject) else list(filters)
    raw = stream._data  # the encoded bytes, as stored in the file
    if filters is None or not names:
        _check_inline_images(raw, max_pixels)
        return len(raw)
    if names[0] not in ("/FlateDecode", "/Fl"):
        return len(raw)
    inflater = zlib.decompressobj()
    total = 0
    data = raw
    tail = b""
    while data and total <= budget:
        out = inflater.decompress(data, _INFLATE_CHUNK)
        total += len(out)
        data = inflater.unconsumed_tail
        scanned = tail + out  # an image dictionary cut by the chunk's end is read whole here
        if b"BI" in scanned:
            _check_inline_images(scanned, max_pixels)
        tail = scanned[-_OVERLAP:]
        if not out and not data:
            break
    return total


def _check_image(image: StreamObject, max_pixels: int) -> None:
    """Refuse an image XObject (or its /SMask or /Mask image) declaring more than ``max_pixels``
    pixels: viewers allocate its full bitmap from /Width and /Height, whatever the data."""
    for candidate in (image, image.get("/SMask"), image.get("/Mask")):
        candidate = candidate.get_object() if candidate is not None else None
        if not isinstance(candidate, StreamObject):
            continue
        width, height = candidate.get("/Width"), candidate.get("/Height")
        width, height = (v.get_object() if v is not None else None for v in (width, height))
        if isinstance(width, (int, float)) and isinstance(height, (int, float)) and width * height > max_pixels:
            raise _image_too_large(max_pixels)


_CONTENT, _RESOURCES, _XOBJECT, _FONT = range(4)


def _resource_children(resources) -> list[tuple[int, object]]:
    """What a resources dictionary draws: its XObjects and tiling patterns (streams), and its fonts
    (for Type 3 glyph procedures, which are content streams with resources of their own)."""
    if not isinstance(resources, DictionaryObject):
        return []
    out: list[tuple[int, object]] = []
    for key, kind in (("/XObject", _XOBJECT), ("/Pattern", _XOBJECT), ("/Font", _FONT)):
        group = resources.get(key)
        group = group.get_object() if group is not None else None
        if isinstance(group, DictionaryObject):
            out += [(kind, value) for value in group.values()]
    return out


def _type3_children(font) -> list[tuple[int, object]]:
    """A Type 3 font's glyph procedures (content streams) and resources; nothing for other fonts."""
    if not isinstance(font, DictionaryObject) or font.get("/Subtype") != "/Type3":
        return []
    procs = font.get("/CharProcs")
    procs = procs.get_object() if procs is not None else None
    out: list[tuple[int, object]] = [(_CONTENT, proc) for proc in procs.values()] \
        if isinstance(procs, DictionaryObject) else []
    return out + [(_RESOURCES, font.get("/Resources"))]


def _check_drawn_objects(reader: PdfReader, max_stream: int, max_total: int, max_pixels: int) -> None:
    """Every page content stream, form XObject, tiling pattern and Type 3 glyph (nested ones too)
    inflates within the limits, and every image declares at most ``max_pixels`` pixels. Images
    are not inflated (text extraction and the watermark never decode them)."""
    total = 0
    seen: set[int] = set()
    for page in reader.pages:
        contents = page.get("/Contents")
        resolved = contents.get_object() if contents is not None else None
        todo = [(_CONTENT, ref) for ref in (list(resolved) if isinstance(resolved, ArrayObject) else [contents])]
        todo.append((_RESOURCES, page.get("/Resources")))
        while todo:
            kind, ref = todo.pop()
            if isinstance(ref, IndirectObject):
                if ref.idnum in seen:
                    continue
                seen.add(ref.idnum)
            obj = ref.get_object() if ref is not None else None
            if kind == _RESOURCES:
                todo += _resource_children(obj)
            elif kind == _FONT:
                todo += _type3_children(obj)
            elif isinstance(obj, StreamObject):
                if kind == _XOBJECT and obj.get("/Subtype") == "/Image":
                    _check_image(obj, max_pixels)
                    continue
                size = _bounded_inflate(obj, min(max_stream, max_total - total), max_pixels)
                total += size
                if size > max_stream or total > max_total:
                    raise PdfRejected("bomb")
                if kind == _XOBJECT:  # a form XObject or a tiling pattern
                    todo.append((_RESOURCES, obj.get("/Resources")))


def validate_pdf(source: bytes | str | Path, *, max_bytes: int = MAX_BYTES, max_pages: int = MAX_PAGES,
                 max_stream_inflated: int = MAX_STREAM_INFLATED,
                 max_total_inflated: int = MAX_TOTAL_INFLATED, max_image_pixels: int = MAX_IMAGE_PIXELS) -> PdfInfo:
    """Check an upload before it is stored; ``PdfInfo`` (pages, size, sha256) or ``PdfRejected``.
    Besides the structure and the decompression limits, an image (XObject, soft mask or inline,
    in forms too) declaring more than ``max_image_pixels`` pixels is refused (``image_too_large``):
    viewers would allocate its bitmap from the declared size, whatever the few bytes behind it."""
    data = _read(source, max_bytes)
    if b"%PDF-" not in data[:1024]:
        raise PdfRejected("not_pdf")
    if b"%%EOF" not in data[-2048:]:
        raise PdfRejected("truncated")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise PdfRejected("encrypted")
        pages = _count_pages(reader, max_pages)
        if pages == 0:
            raise PdfRejected("no_pages")
        _check_drawn_objects(reader, max_stream_inflated, max_total_inflated, max_image_pixels)
    except PdfRejected:
        raise
    except LimitReachedError as exc:
        raise PdfRejected("bomb") from exc
    except (PyPdfError, zlib.error, KeyError, AttributeError, TypeError, ValueError, RecursionError) as exc:
        raise PdfRejected("corrupt") from exc
    return PdfInfo(pages=pages, size=len(data), sha256=hashlib.sha256(data).hexdigest())
