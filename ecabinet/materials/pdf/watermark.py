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

log = logging.getLogger(__package__)  # "ecabinet.materials.pdf", as before the split

FAMILY = "DocSerif"
A4 = (595.28, 841.89)


def _add_fonts(pdf, styles: tuple[str, ...]) -> None:
    """Embed only the faces used (parsing each TTF costs ~0.1 s): the set ``documents`` chose."""
    from ecabinet.documents.fonts import FAMILY as family, find_font_set

    assert family == FAMILY
    font_set, folder = find_font_set()
    for style in styles:
        pdf.add_font(FAMILY, style, str(folder / font_set.files[style]))


def watermark_page(name: str, unit: str, when: str, size: tuple[float, float] = A4) -> bytes:
    """The one-page watermark (fpdf2, embedded DejaVu Serif): "MẬT" across the page, and the
    reader's name, unit and time in the footer and across the middle, half transparent."""
    from fpdf import FPDF

    width, height = size[0] * 25.4 / 72, size[1] * 25.4 / 72
    pdf = FPDF(unit="mm", format=(width, height))
    pdf.set_auto_page_break(False)
    _add_fonts(pdf, ("B",))
    pdf.add_page()
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
    """``data`` with the reader's watermark on every page. The watermark is one form XObject
    referenced by every page (its resources and two tiny content streams shared too), written
    as an incremental update: the original bytes are kept and only the page dictionaries are
    rewritten. Classic cross-reference files get a hand-written update (``_raw_watermark``);
    others (cross-reference streams) go through pypdf's incremental writer."""
    reader = PdfReader(io.BytesIO(data), strict=False)
    try:
        return _raw_watermark(reader, data, name, unit, when)
    except (_Unsupported, PyPdfError, KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
        log.info("watermark_pdf: raw update not possible (%s), using pypdf's incremental writer", exc)
    writer = PdfWriter(reader, incremental=True)
    first = writer.pages[0].mediabox
    form, fw, fh = _form_xobject(writer, watermark_page(name, unit, when, (float(first.width), float(first.height))))
    push = _stream_ref(writer, b"q\n")
    draws: dict[tuple[float, ...], IndirectObject] = {}
    shared: dict[bytes, IndirectObject] = {}
    for page in writer.pages:
        box = page.mediabox
        x0, y0, w, h = float(box.left), float(box.bottom), float(box.width), float(box.height)
        scale = min(w / fw, h / fh)
        key = (round(scale, 4), round(x0 + (w - scale * fw) / 2, 2), round(y0 + (h - scale * fh) / 2, 2))
        if key not in draws:
            draws[key] = _stream_ref(writer, b"Q\nq %g 0 0 %g %g %g cm %s Do Q\n" % (
                key[0], key[0], key[1], key[2], _wm_name(name, unit, when).encode()))
        contents = page.get(NameObject("/Contents"))
        old = [] if contents is None else (list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents])
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


def _box(page: DictionaryObject):
    from pypdf.generic import RectangleObject

    box = _inherited(page, "/MediaBox")
    return RectangleObject(box.get_object() if box is not None else [0, 0, *A4])


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
    first = _box(pages[0][1])
    wm = watermark_page(name, unit, when, (float(first.width), float(first.height)))
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
    draws: dict[tuple[float, ...], int] = {}
    shared: dict[bytes, int] = {}
    updated: dict[int, tuple[int, bytes]] = {}
    for ref, page in pages:
        box = _box(page)
        x0, y0, w, h = float(box.left), float(box.bottom), float(box.width), float(box.height)
        scale = min(w / fw, h / fh)
        key = (round(scale, 4), round(x0 + (w - scale * fw) / 2, 2), round(y0 + (h - scale * fh) / 2, 2))
        if key not in draws:
            draw = b"Q\nq %g 0 0 %g %g %g cm %s Do Q\n" % (key[0], key[0], key[1], key[2], wm_name.encode())
            draws[key] = add(b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream")
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
