"""The per-reader watermark: ``watermark_page`` draws it, ``watermark_pdf`` puts it on every page
of a document as an incremental update."""

from __future__ import annotations

import hashlib
import io
import logging
import unicodedata

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from ecabinet.materials.pdf.rawpdf import (
    _incremental_update,
    _raw_objects,
    _renumber,
    _serialize,
    _Unsupported,
)
from ecabinet.materials.pdf.fonts import FAMILY, WATERMARK, new_pdf

log = logging.getLogger(__package__)  # "ecabinet.materials.pdf", as before the split

A4 = (595.28, 841.89)


def watermark_page(name: str, unit: str, when: str, size: tuple[float, float] = A4) -> bytes:
    """The one-page watermark (fpdf2, embedded DejaVu Serif): "MẬT" across the page, and the
    reader's name, unit and time in the footer and across the middle, half transparent."""
    width, height = size[0] * 25.4 / 72, size[1] * 25.4 / 72
    pdf = new_pdf(WATERMARK)
    pdf.set_auto_page_break(False)
    pdf.add_page(format=(width, height))
    line = unicodedata.normalize("NFC", f"{name} – {unit} – {when}")
    with pdf.local_context(fill_opacity=0.18, text_color=(200, 0, 0)):
        with pdf.rotation(45, width / 2, height / 2):
            pdf.set_font(FAMILY, "B", 110)
            pdf.set_xy(0, height / 2 - 25)
            pdf.cell(width, 40, "MẬT", align="C")
            pdf.set_font(FAMILY, "B", 16)
            pdf.set_xy(0, height / 2 + 18)
            pdf.cell(width, 10, line, align="C")
    with pdf.local_context(text_color=(160, 0, 0)):
        pdf.set_font(FAMILY, "B", 9)
        pdf.set_xy(10, height - 12)
        pdf.cell(width - 20, 6, f"MẬT – Bản cấp cho: {line}", align="C")
    return bytes(pdf.output())


def _form_xobject(writer: PdfWriter, page_pdf: bytes) -> tuple[IndirectObject, float, float]:
    """The first page of ``page_pdf`` as a form XObject added to ``writer``: (ref, width, height)."""
    page = PdfReader(io.BytesIO(page_pdf)).pages[0]
    box = page.mediabox
    form = DecodedStreamObject()
    form.set_data(page.get_contents().get_data())
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([box[0], box[1], box[2], box[3]]),
        NameObject("/Resources"): page["/Resources"].get_object().clone(writer),
    })
    form = form.flate_encode()
    return writer._add_object(form), float(box.width), float(box.height)


def _inherited(node, key: str):
    """``node[key]``, looked up the /Parent chain when the page inherits it (at most 64 levels)."""
    for _ in range(64):
        if node is None or key in node:
            return None if node is None else node[key]
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return None


def _stream_ref(writer: PdfWriter, content: bytes) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(content)
    return writer._add_object(stream)


def _with_watermark(writer: PdfWriter, resources, form: IndirectObject,
                    shared: dict[bytes, IndirectObject], wm_name: NameObject) -> IndirectObject:
    """A resources dictionary equal to ``resources`` plus ``/XObject /EcWm``, one per distinct
    content: pages whose resources are alike (fpdf2 gives each page its own copy) share it, so
    the update rewrites a short page dictionary per page and nothing more."""
    original = resources.get_object() if resources is not None else DictionaryObject()
    key_buffer = io.BytesIO()
    original.write_to_stream(key_buffer)
    key = key_buffer.getvalue()
    if key not in shared:
        merged = DictionaryObject(original)
        xobjects = merged.get("/XObject")
        xobjects = DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
        xobjects[wm_name] = form
        merged[NameObject("/XObject")] = xobjects
        shared[key] = writer._add_object(merged)
    return shared[key]


def watermark_pdf(data: bytes, name: str, unit: str, when: str) -> bytes:
    """``data`` with the reader's watermark on every page, upright and centred on the page as a
    reader sees it (CropBox, MediaBox origin and /Rotate: ``_placement``). The watermark is one
    form XObject referenced by every page (its resources shared too; a tiny content stream per
    distinct placement), written
    as an incremental update: the original bytes are kept and only the page dictionaries are
    rewritten. Classic cross-reference files get a hand-written update (``_raw_watermark``);
    others (cross-reference streams) go through pypdf's incremental writer."""
    reader = PdfReader(io.BytesIO(data), strict=False)
    try:
        return _raw_watermark(reader, data, name, unit, when)
    except (_Unsupported, PyPdfError, KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
        log.info("watermark_pdf: raw update not possible (%s), using pypdf's incremental writer", exc)
    writer = PdfWriter(reader, incremental=True)
    form, fw, fh = _form_xobject(writer, watermark_page(name, unit, when, _reader_size(writer.pages[0])))
    push = _stream_ref(writer, b"q\n")
    draws: dict[bytes, IndirectObject] = {}
    shared: dict[bytes, IndirectObject] = {}
    placed: dict[int, bytes] = {}
    for page in writer.pages:
        key = _page_draw(page, fw, fh, _wm_name(name, unit, when), placed)
        if key not in draws:
            draws[key] = _stream_ref(writer, key)
        contents = page.get(NameObject("/Contents"))
        resolved = contents.get_object() if contents is not None else None
        old = list(resolved) if isinstance(resolved, ArrayObject) else ([] if contents is None else [contents])
        page[NameObject("/Contents")] = ArrayObject([push, *old, draws[key]])
        page[NameObject("/Resources")] = _with_watermark(writer, _inherited(page, "/Resources"), form, shared,
                                                         _wm_name(name, unit, when))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _leaves(reader: PdfReader) -> list[tuple[IndirectObject, DictionaryObject]]:
    """The pages as (reference, dictionary), walked without pypdf's flattening (which copies
    inherited attributes into every page dictionary)."""
    out, stack, seen = [], [reader.trailer["/Root"].raw_get("/Pages")], set()
    while stack:
        ref = stack.pop()
        if not isinstance(ref, IndirectObject) or ref.idnum in seen:
            raise _Unsupported("page tree")
        seen.add(ref.idnum)
        node = ref.get_object()
        if "/Kids" in node:
            stack.extend(reversed(list(node["/Kids"].get_object())))
        else:
            out.append((ref, node))
    return out


Box = tuple[float, float, float, float]  # left, bottom, right, top
Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, as for ``cm``

# The reader's frame (p, q) has its origin at the bottom left of the page as displayed, which is
# the visible box turned clockwise by /Rotate. Per rotation, the map back to user space
# (x, y) = (a p + c q + e, b p + d q + f): (a, b, c, d), and which box corner gives (e, f) as
# indexes into (left, bottom, right, top): the corner the reader sees at the bottom left.
_TURNS: dict[int, tuple[tuple[int, int, int, int], tuple[int, int]]] = {
    0: ((1, 0, 0, 1), (0, 1)),  # left, bottom
    90: ((0, 1, -1, 0), (2, 1)),  # right, bottom
    180: ((-1, 0, 0, -1), (2, 3)),  # right, top
    270: ((0, -1, 1, 0), (0, 3)),  # left, top
}


def _rect(value) -> Box | None:
    """A box array as (left, bottom, right, top), its corners given in any order; None when it
    is not four numbers."""
    try:
        x1, y1, x2, y2 = (float(v.get_object()) for v in value.get_object())
    except (TypeError, ValueError, AttributeError):
        return None
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _visible_box(page: DictionaryObject) -> Box:
    """What a reader sees of the page: the CropBox (default: the MediaBox, default A4) clipped to
    the MediaBox, both possibly inherited; a CropBox outside the MediaBox is ignored (as pdf.js)."""
    media = _rect(_inherited(page, "/MediaBox")) or (0.0, 0.0, *A4)
    crop = _rect(_inherited(page, "/CropBox"))
    if crop is None:
        return media
    box = (max(media[0], crop[0]), max(media[1], crop[1]), min(media[2], crop[2]), min(media[3], crop[3]))
    return box if box[0] < box[2] and box[1] < box[3] else media


def _rotation(page: DictionaryObject) -> int:
    """/Rotate (possibly inherited) as 0, 90, 180 or 270: -90 is 270, 450 is 90; a value that is
    not a multiple of 90 is invalid and means 0, as in pdf.js."""
    try:
        degrees = float(_inherited(page, "/Rotate"))
    except (TypeError, ValueError):
        return 0
    return int(degrees) % 360 if degrees % 90 == 0 else 0


def _turned_size(box: Box, rotate: int) -> tuple[float, float]:
    """(width, height) of ``box`` as displayed when turned by ``rotate`` degrees."""
    x0, y0, x1, y1 = box
    return (y1 - y0, x1 - x0) if rotate in (90, 270) else (x1 - x0, y1 - y0)


def _reader_size(page: DictionaryObject) -> tuple[float, float]:
    """(width, height) of the page as a reader sees it: the visible box, turned by /Rotate."""
    return _turned_size(_visible_box(page), _rotation(page))


def _placement(page: DictionaryObject, fw: float, fh: float) -> Matrix:
    """The ``cm`` matrix drawing an ``fw`` × ``fh`` form upright for the reader, as large as fits and
    centred on the page as displayed (visible box, /Rotate): the fit in the reader's frame, then
    the frame mapped back into user space."""
    box, rotate = _visible_box(page), _rotation(page)
    vw, vh = _turned_size(box, rotate)
    scale = min(vw / fw, vh / fh)
    ox, oy = (vw - scale * fw) / 2, (vh - scale * fh) / 2
    (a, b, c, d), (corner_x, corner_y) = _TURNS[rotate]
    e, f = box[corner_x], box[corner_y]
    return scale * a, scale * b, scale * c, scale * d, a * ox + c * oy + e, b * ox + d * oy + f


def _num(value: float) -> bytes:
    """A PDF real: plain decimals (``%g`` may write exponents, which PDF has not), no ``-0``."""
    text = (b"%.4f" % value).rstrip(b"0").rstrip(b".")
    return b"0" if text in (b"-0", b"") else text


def _draw(matrix: Matrix, wm_name: NameObject) -> bytes:
    """The content stream closing the page's own graphics state and drawing the watermark: a few
    bytes, one stream per distinct placement (most documents have one or two)."""
    return b"Q\nq " + b" ".join(_num(v) for v in matrix) + b" cm %s Do Q\n" % wm_name.encode()


_OWN_PLACEMENT_KEYS = ("/MediaBox", "/CropBox", "/Rotate")


def _page_draw(page: DictionaryObject, fw: float, fh: float, wm_name: NameObject, cache: dict[int, bytes]) -> bytes:
    """``_draw(_placement(…))``, computed once per parent node for the pages that inherit their boxes
    and rotation (every page of a meeting pack): a tenth of the watermark's time otherwise."""
    parent = page.raw_get("/Parent") if "/Parent" in page else None
    inherits = isinstance(parent, IndirectObject) and not any(key in page for key in _OWN_PLACEMENT_KEYS)
    if inherits and parent.idnum in cache:
        return cache[parent.idnum]
    draw = _draw(_placement(page, fw, fh), wm_name)
    if inherits:
        cache[parent.idnum] = draw
    return draw


def _wm_name(name: str, unit: str, when: str) -> NameObject:
    """A resource name per reader, so that a file watermarked twice keeps both marks."""
    return NameObject("/EcWm" + hashlib.sha1(f"{name}|{unit}|{when}".encode()).hexdigest()[:8])


def _raw_watermark(reader: PdfReader, data: bytes, name: str, unit: str, when: str) -> bytes:
    """``watermark_pdf`` as a hand-written incremental update (classic cross-reference files):
    the original is not re-parsed beyond its page dictionaries, so it costs about qpdf's time."""
    startxref = int(data[data.rindex(b"startxref") + 9:].split()[0])
    if not data[startxref:startxref + 4] == b"xref" or reader.is_encrypted:
        raise _Unsupported("cross-reference stream")
    pages = _leaves(reader)
    size = int(reader.trailer["/Size"])
    wm = watermark_page(name, unit, when, _reader_size(pages[0][1]))
    wm_name = _wm_name(name, unit, when)
    wm_reader = PdfReader(io.BytesIO(wm))
    wm_page = wm_reader.pages[0]
    wm_root = wm_reader.trailer.raw_get("/Root")
    skip = {wm_root.idnum, wm_page.indirect_reference.idnum, wm_root.get_object().raw_get("/Pages").idnum}
    if "/Info" in wm_reader.trailer:
        skip.add(wm_reader.trailer.raw_get("/Info").idnum)
    objects = dict(_raw_objects(wm_reader, wm, size, skip, -1, 0))
    number = size + max(wm_reader.xref[0]) + 1

    def add(body: bytes) -> int:
        nonlocal number
        objects[number] = body
        number += 1
        return number - 1

    content = wm_page.get_contents()
    raw = content._data if isinstance(content, StreamObject) else content.get_data()
    filters = b"/Filter /FlateDecode " if isinstance(content, StreamObject) and content.get("/Filter") else b""
    box = wm_page.mediabox
    fw, fh = float(box.width), float(box.height)
    resources = _renumber(_serialize(wm_page["/Resources"].get_object()) + b" endobj", 0, size)[0]
    form = add(b"<< /Type /XObject /Subtype /Form /BBox [0 0 %g %g] /Resources %s %s/Length %d >>\nstream\n"
               % (fw, fh, resources, filters, len(raw)) + raw + b"\nendstream")
    push = add(b"<< /Length 2 >>\nstream\nq\n\nendstream")
    draws: dict[bytes, int] = {}
    shared: dict[bytes, int] = {}
    placed: dict[int, bytes] = {}
    updated: dict[int, tuple[int, bytes]] = {}
    for ref, page in pages:
        key = _page_draw(page, fw, fh, wm_name, placed)
        if key not in draws:
            draws[key] = add(b"<< /Length %d >>\nstream\n" % len(key) + key + b"\nendstream")
        original = _inherited(page, "/Resources")
        original = original.get_object() if original is not None else DictionaryObject()
        res_key = _serialize(original)
        if res_key not in shared:
            merged = DictionaryObject(original)
            xobjects = merged.get("/XObject")
            xobjects = DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
            xobjects[wm_name] = IndirectObject(form, 0, reader)
            merged[NameObject("/XObject")] = xobjects
            shared[res_key] = add(_serialize(merged))
        contents = page.get("/Contents")
        resolved = contents.get_object() if contents is not None else None
        old = list(resolved) if isinstance(resolved, ArrayObject) else ([] if contents is None else [contents])
        if any(not isinstance(ref, IndirectObject) for ref in old):
            raise _Unsupported("direct content stream")
        new = DictionaryObject(page)
        new[NameObject("/Contents")] = ArrayObject(
            [IndirectObject(push, 0, reader), *old, IndirectObject(draws[key], 0, reader)])
        new[NameObject("/Resources")] = IndirectObject(shared[res_key], 0, reader)
        updated[ref.idnum] = (ref.generation, _serialize(new))
    return _incremental_update(data, reader, updated, objects, number, startxref)
