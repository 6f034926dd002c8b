"""Checking an uploaded PDF's structure with pypdf: ``validate_pdf``, a pure function on bytes (or a path) that
returns ``PdfInfo`` or raises ``PdfRejected`` (``ecabinet.core.pdfcheck``). Imported by the isolated workers only
(``ecabinet.core.sandbox``): the server calls it through ``pdfcheck.validate_upload``."""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.filters import decode_stream_data
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from ecabinet.core.pdfcheck import (
    MAX_BYTES, MAX_IMAGE_PIXELS, MAX_PAGES, MAX_STREAM_INFLATED, MAX_TOTAL_INFLATED, MB, PdfInfo, PdfRejected,
)


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


_INLINE_IMAGE = re.compile(rb"BI[\s/]")  # then checked: a delimiter or whitespace before
_INLINE_END = re.compile(rb"\sID\s")
_INLINE_WIDTH = re.compile(rb"/W(?:idth)?\s+(\d+)")
_INLINE_HEIGHT = re.compile(rb"/H(?:eight)?\s+(\d+)")
_DELIMITERS = frozenset(b" \t\r\n\f\x00[]()<>{}/%")
_INLINE_WINDOW = 1024  # bytes read after ``BI``: an inline image dictionary is shorter


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
        window = content[at + 2:at + _INLINE_WINDOW]
        end = _INLINE_END.search(window)
        head = window[:end.start()] if end is not None else window
        width, height = _INLINE_WIDTH.search(head), _INLINE_HEIGHT.search(head)
        if width is not None and height is not None and int(width.group(1)) * int(height.group(1)) > max_pixels:
            raise _image_too_large(max_pixels)


def _declared_bytes(image: StreamObject) -> int:
    """Bytes of an image's decoded samples, from its declared size, colour space and bits per component
    (four components when the colour space is not understood)."""
    width, height, bits = (_number(image.get(key), default) for key, default in
                           (("/Width", 0), ("/Height", 0), ("/BitsPerComponent", 8)))
    space = image.get("/ColorSpace")
    space = space.get_object() if space is not None else None
    family = space[0].get_object() if isinstance(space, ArrayObject) and space else space
    if family in _ONE_COMPONENT or image.get("/ImageMask"):
        components = 1
    elif family in _THREE_COMPONENTS:
        components = 3
    elif family == "/ICCBased":
        components = _number(space[1].get_object().get("/N"), 4)
    elif family == "/DeviceN":
        components = len(space[1].get_object())
    else:
        components = 4
    return (width * components * bits + 7) // 8 * height


def _number(value, default: int) -> int:
    value = value.get_object() if value is not None else None
    return int(value) if isinstance(value, (int, float)) and value >= 0 else default


_ONE_COMPONENT = frozenset({"/DeviceGray", "/G", "/CalGray", "/Indexed", "/I", "/Separation", "/Pattern"})
_THREE_COMPONENTS = frozenset({"/DeviceRGB", "/RGB", "/CalRGB", "/Lab"})
_DECODABLE = frozenset({"/FlateDecode", "/Fl", "/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85",
                        "/LZWDecode", "/LZW", "/RunLengthDecode", "/RL"})
"""Filters decoded to measure a stream. An image codec (DCT, JPX, JBIG2, CCITT) ends the chain: what it makes is
bounded by the image's declared pixels."""
_IMAGE_SLACK = 64 * 1024  # padding and predictor bytes an honest encoder may add to an image's samples


def _as_list(value) -> list:
    value = value.get_object() if value is not None else None
    if value is None:
        return []
    return [item.get_object() for item in value] if isinstance(value, ArrayObject) else [value]


def _decoded(stream: StreamObject, cap: int) -> bytes:
    """The stream's data through every filter of its chain up to the first image codec, a stage at a time;
    ``LimitReachedError`` as soon as a stage would give more than ``cap`` bytes (pypdf's decoders, with ``cap``
    as their limits; ASCII85, which has none, is bounded beforehand: "z" is four zero bytes)."""
    filters = _as_list(stream.get("/Filter"))
    parameters = _as_list(stream.get("/DecodeParms"))
    data = stream._data
    with apply_configuration(zlib_maximum_output_length=cap, lzw_maximum_output_length=cap,
                             run_length_maximum_output_length=cap):
        for index, name in enumerate(filters):
            if name not in _DECODABLE:
                break
            if name in ("/ASCII85Decode", "/A85") and len(data) + 4 * data.count(b"z") > cap:
                raise LimitReachedError("ASCII85 data over its limit")
            stage = StreamObject()
            stage[NameObject("/Filter")] = name
            if index < len(parameters) and isinstance(parameters[index], DictionaryObject):
                stage[NameObject("/DecodeParms")] = parameters[index]
            stage._data = data
            data = decode_stream_data(stage)
            if len(data) > cap:
                raise LimitReachedError("decoded stream over its limit")
    return data


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


def _streams(reader: PdfReader) -> Iterator[StreamObject]:
    """Every stream of the file: streams are never inside object streams, so the cross-reference's
    uncompressed objects hold them all (the object streams themselves included)."""
    for generation, numbers in list(reader.xref.items()):
        for number in list(numbers):
            obj = reader.get_object(IndirectObject(number, generation, reader))
            if isinstance(obj, StreamObject):
                yield obj


def _check_streams(reader: PdfReader, max_stream: int, max_total: int, max_pixels: int) -> None:
    """Every stream of the file (page contents, forms, patterns, glyphs, fonts, object streams, images) is
    decoded through its whole filter chain within a limit: ``max_stream`` bytes, and ``max_total`` for all of
    them but images together; an image within its declared size, after at most ``max_pixels`` pixels are
    declared. Inline images in the decoded data are checked too."""
    total = 0
    for stream in _streams(reader):
        if stream.get("/Subtype") == "/Image":
            _check_image(stream, max_pixels)
            _decoded(stream, max(max_stream, _declared_bytes(stream) + _IMAGE_SLACK))
            continue
        data = _decoded(stream, max(1, min(max_stream, max_total - total)))  # pypdf reads 0 as "no limit"
        total += len(data)
        if b"BI" in data:
            _check_inline_images(data, max_pixels)


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
        _check_streams(reader, max_stream_inflated, max_total_inflated, max_image_pixels)
        pages = _count_pages(reader, max_pages)
        if pages == 0:
            raise PdfRejected("no_pages")
    except PdfRejected:
        raise
    except LimitReachedError as exc:
        raise PdfRejected("bomb") from exc
    except (PyPdfError, zlib.error, KeyError, AttributeError, TypeError, ValueError, RecursionError) as exc:
        raise PdfRejected("corrupt") from exc
    return PdfInfo(pages=pages, size=len(data), sha256=hashlib.sha256(data).hexdigest())
