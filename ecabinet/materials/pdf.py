"""The PDF layer of meeting materials: validation, text extraction, watermark, meeting pack.

Pure functions on bytes (or paths): no database, no request. Refusals raise ``PdfRejected``
with a reason code and a Vietnamese message that can be shown to the uploader as is.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

log = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_BYTES = 100 * MB
MAX_PAGES = 5000
MAX_STREAM_INFLATED = 64 * MB  # a page content stream larger than this is a bomb
MAX_TOTAL_INFLATED = 512 * MB  # all content streams of the document together

MESSAGES = {
    "not_pdf": "Tệp không phải là tài liệu PDF.",
    "too_large": "Tệp PDF vượt quá dung lượng cho phép ({limit} MB).",
    "encrypted": "Tệp PDF được đặt mật khẩu hoặc mã hóa; vui lòng gỡ mật khẩu rồi tải lên lại.",
    "truncated": "Tệp PDF bị cắt cụt (tải lên chưa hết); vui lòng tải lên lại.",
    "corrupt": "Tệp PDF bị hỏng, không đọc được.",
    "no_pages": "Tệp PDF không có trang nào.",
    "too_many_pages": "Tệp PDF có quá nhiều trang (tối đa {limit} trang).",
    "bomb": "Tệp PDF chứa dữ liệu nén bất thường (giải nén quá lớn) và bị từ chối.",
}


class PdfRejected(ValueError):
    """An upload refused: ``code`` (stable, for programs) and ``message_vi`` (for people)."""

    def __init__(self, code: str, message_vi: str | None = None) -> None:
        self.code = code
        self.message_vi = message_vi or MESSAGES.get(code, MESSAGES["corrupt"])
        super().__init__(f"{code}: {self.message_vi}")


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
            raise PdfRejected("too_large", MESSAGES["too_large"].format(limit=max_bytes // MB))
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise PdfRejected("too_large", MESSAGES["too_large"].format(limit=max_bytes // MB))
    return data


def _count_pages(reader: PdfReader, max_pages: int) -> int:
    """Leaves of the page tree, walked without pypdf's flattening: stops as soon as the claimed
    /Count or the real number of leaves passes ``max_pages``; cycles are corruption."""
    too_many = PdfRejected("too_many_pages", MESSAGES["too_many_pages"].format(limit=max_pages))
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


def _bounded_inflate(stream: StreamObject, budget: int) -> int:
    """Inflated size of a FlateDecode stream, never inflating more than ``budget`` + 1 bytes."""
    filters = stream.get("/Filter")
    names = [filters] if not isinstance(filters, ArrayObject) else list(filters)
    raw = stream._data  # the encoded bytes, as stored in the file
    if not names or names[0] not in ("/FlateDecode", "/Fl"):
        return len(raw)
    inflater = zlib.decompressobj()
    total = 0
    data = raw
    while data and total <= budget:
        out = inflater.decompress(data, 1 * MB)
        total += len(out)
        data = inflater.unconsumed_tail
        if not out and not data:
            break
    return total


def _check_inflation(reader: PdfReader, max_stream: int, max_total: int) -> None:
    """Every page content stream and form XObject (nested ones too) inflates within the limits.
    Images are not inflated (text extraction and the watermark never decode them)."""
    total = 0
    seen: set[int] = set()
    for page in reader.pages:
        contents = page.get("/Contents")
        resolved = contents.get_object() if contents is not None else None
        todo = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
        todo.append(page.get("/Resources"))
        while todo:
            ref = todo.pop()
            if isinstance(ref, IndirectObject):
                if ref.idnum in seen:
                    continue
                seen.add(ref.idnum)
            obj = ref.get_object() if ref is not None else None
            if isinstance(obj, StreamObject):
                size = _bounded_inflate(obj, min(max_stream, max_total - total))
                total += size
                if size > max_stream or total > max_total:
                    raise PdfRejected("bomb")
                if obj.get("/Subtype") == "/Form":
                    todo.append(obj.get("/Resources"))
            elif isinstance(obj, DictionaryObject):  # a resources dictionary
                xobjects = obj.get("/XObject")
                xobjects = xobjects.get_object() if xobjects is not None else {}
                todo.extend(x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Form")


def validate_pdf(source: bytes | str | Path, *, max_bytes: int = MAX_BYTES, max_pages: int = MAX_PAGES,
                 max_stream_inflated: int = MAX_STREAM_INFLATED,
                 max_total_inflated: int = MAX_TOTAL_INFLATED) -> PdfInfo:
    """Check an upload before it is stored; ``PdfInfo`` (pages, size, sha256) or ``PdfRejected``."""
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
        _check_inflation(reader, max_stream_inflated, max_total_inflated)
    except PdfRejected:
        raise
    except LimitReachedError as exc:
        raise PdfRejected("bomb") from exc
    except (PyPdfError, zlib.error, KeyError, AttributeError, TypeError, ValueError, RecursionError) as exc:
        raise PdfRejected("corrupt") from exc
    return PdfInfo(pages=pages, size=len(data), sha256=hashlib.sha256(data).hexdigest())


# --- text extraction -------------------------------------------------------------------------

class PageTexts(list):
    """``list[str]``, one string per page, with ``failed``: the 0-based pages that could not be
    read (their string is empty)."""

    failed: list[int]


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "").replace("\ufffe", "")
    return unicodedata.normalize("NFC", text)


def extract_text(data: bytes) -> PageTexts:
    """The text of every page (NFC) with pypdfium2, 7× faster than pypdf here (bench/materials.py).
    A page that fails is an empty string, listed in ``.failed``; a document that cannot be
    opened at all gives an empty list with ``failed == [-1]``."""
    import pypdfium2 as pdfium

    result = PageTexts()
    result.failed = []
    try:
        document = pdfium.PdfDocument(bytes(data))
    except Exception:  # noqa: BLE001 - pdfium raises its own PdfiumError or worse
        log.warning("extract_text: the document cannot be opened")
        result.failed.append(-1)
        return result
    try:
        for index in range(len(document)):
            try:
                page = document[index]
                textpage = page.get_textpage()
                result.append(_clean(textpage.get_text_range()))
                textpage.close()
                page.close()
            except Exception:  # noqa: BLE001 - one bad page must not stop the others
                log.warning("extract_text: page %d cannot be read", index + 1)
                result.append("")
                result.failed.append(index)
    finally:
        document.close()
    return result


# --- watermark -------------------------------------------------------------------------------

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


def _serialize(obj) -> bytes:
    """PDF bytes of a pypdf object; dictionaries on one line (page dictionaries are most of the
    update: every byte counts 1,200 times)."""
    if isinstance(obj, DictionaryObject) and not isinstance(obj, StreamObject):
        return b"<<" + b"".join(b"%s %s" % (key.encode(), _serialize(value)) for key, value in obj.items()) + b">>"
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


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
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    entries: dict[int, bytes] = {}
    for num, (gen, body) in sorted(updated.items()) + [(n, (0, b)) for n, b in sorted(objects.items())]:
        entries[num] = b"%010d %05d n \n" % (len(out), gen)
        out += b"%d %d obj\n" % (num, gen) + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    numbers = sorted(entries)
    start = 0
    while start < len(numbers):
        end = start
        while end + 1 < len(numbers) and numbers[end + 1] == numbers[end] + 1:
            end += 1
        out += b"%d %d\n" % (numbers[start], end - start + 1) + b"".join(entries[n] for n in numbers[start:end + 1])
        start = end + 1
    trailer = DictionaryObject({NameObject(k): reader.trailer.raw_get(k) for k in ("/Root", "/Info", "/ID")
                                if k in reader.trailer})
    out += b"trailer\n" + _serialize(trailer)[:-2] + b" /Size %d /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        number, startxref, xref)
    return bytes(out)


# --- the meeting pack ------------------------------------------------------------------------

@dataclass(frozen=True)
class PackMaterial:
    title: str
    data: bytes


@dataclass(frozen=True)
class PackItem:
    title: str
    materials: list[PackMaterial] = field(default_factory=list)


@dataclass(frozen=True)
class Pack:
    data: bytes
    pages: int
    item_pages: list[int]  # 1-based page where each item starts (its first material)
    material_pages: list[list[int]]  # 1-based page where each material starts, per item


def _front_pages(title: str, subtitle: str, items: list[PackItem], item_pages: list[int],
                 material_pages: list[list[int]]) -> bytes:
    """The cover and the table of contents (mục lục), A4, fpdf2 with the embedded font."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_margins(30, 20, 15)
    pdf.set_auto_page_break(True, 20)
    _add_fonts(pdf, ("", "B", "I"))
    nfc = lambda text: unicodedata.normalize("NFC", text)  # noqa: E731
    pdf.add_page()
    pdf.set_y(80)
    pdf.set_font(FAMILY, "B", 20)
    pdf.multi_cell(0, 10, "TÀI LIỆU PHIÊN HỌP", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(8)
    pdf.set_font(FAMILY, "B", 15)
    pdf.multi_cell(0, 8, nfc(title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if subtitle:
        pdf.ln(4)
        pdf.set_font(FAMILY, "I", 13)
        pdf.multi_cell(0, 7, nfc(subtitle), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 15)
    pdf.cell(0, 10, "MỤC LỤC", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    number_width = 18
    rows: list[tuple[str, str, float, int]] = []
    for i, item in enumerate(items):
        rows.append(("B", f"{i + 1}. {nfc(item.title)}", 0, item_pages[i]))
        for j, material in enumerate(item.materials):
            rows.append(("", f"{chr(ord('a') + j % 26)}) {nfc(material.title)}", 8, material_pages[i][j]))
    for style, text, indent, page in rows:
        pdf.set_font(FAMILY, style, 12)
        width = pdf.epw - number_width - indent
        lines = pdf.multi_cell(width, 6.5, text, dry_run=True, output="LINES")
        if pdf.will_page_break(6.5 * len(lines) + 1):
            pdf.add_page()
        top = pdf.get_y()
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width, 6.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        bottom = pdf.get_y()
        pdf.set_xy(pdf.l_margin + pdf.epw - number_width, top)
        pdf.cell(number_width, 6.5, str(page), align="R")
        pdf.set_y(bottom + 1)
    return bytes(pdf.output())


class _Unsupported(Exception):
    """A source the raw merge does not handle (object streams, updates): pypdf does it instead."""


_LEX = re.compile(rb"(?<![\w.+#-])(\d+)\s+(\d+)\s+R(?![\w])|\(|%|endobj|stream(?=\r?\n)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?:\s+(\d+)\s+R)?")


def _renumber(data: bytes, start: int, base: int) -> tuple[bytes, int, bool]:
    """Object body from ``start`` with every reference shifted by ``base``: (bytes up to the
    ``endobj``/``stream`` keyword, where the keyword starts, whether it is a stream)."""
    out, pos = [], start
    while True:
        match = _LEX.search(data, pos)
        if match is None:
            raise _Unsupported("no endobj")
        token = match.group(0)
        if match.group(1) is not None:
            out += [data[pos:match.start()], b"%d %s R" % (int(match.group(1)) + base, match.group(2))]
            pos = match.end()
        elif token == b"(":  # a literal string: balanced parentheses, backslash escapes
            depth, i = 1, match.end()
            while depth:
                c = data[i]
                i += 2 if c == 0x5C else 1
                depth += (c == 0x28) - (c == 0x29)
            out.append(data[pos:i])
            pos = i
        elif token == b"%":
            end = min(x for x in (data.find(b"\n", pos), data.find(b"\r", pos), len(data)) if x >= 0)
            out.append(data[pos:end])
            pos = end
        else:
            out.append(data[pos:match.start()])
            return b"".join(out), match.start(), token == b"stream"


def _raw_objects(reader: PdfReader, data: bytes, base: int, skip: set[int], root_pages: int,
                 parent: int) -> list[tuple[int, bytes]]:
    """Every object of a classic-xref file, renumbered by ``base``, copied without parsing."""
    if reader.xref_objStm or set(reader.xref) - {0, 65535} or reader.xref.get(0) is None:
        raise _Unsupported("object streams or generations")
    out = []
    for number, offset in reader.xref[0].items():
        if number in skip:
            continue
        header = re.compile(rb"\s*%d\s+0\s+obj" % number).match(data, offset)
        if header is None:
            raise _Unsupported("xref offset")
        body, at, is_stream = _renumber(data, header.end(), base)
        if re.search(rb"/Type\s*/XRef\b", body):  # a cross-reference stream: not content
            continue
        if number == root_pages:
            body = body.replace(b"<<", b"<< /Parent %d 0 R " % parent, 1)
        if is_stream:
            length = _LENGTH.search(body)
            if length is None:
                raise _Unsupported("stream length")
            size = int(length.group(1) if length.group(2) is None else reader.get_object(int(length.group(1)) - base))
            begin = at + 6 + (2 if data[at + 6:at + 8] == b"\r\n" else 1)
            if not re.match(rb"\s*endstream", data[begin + size:begin + size + 16]):
                raise _Unsupported("stream length")
            body += b"stream\n" + data[begin:begin + size] + b"\nendstream"
        out.append((number + base, body))
    return out


def _raw_merge(sources: list[tuple[PdfReader, bytes]], outline: list[tuple[str, int, list[tuple[str, int]]]]) -> bytes:
    """Sources merged by copying their objects' bytes (references renumbered); each source's page
    tree becomes a kid of the new root, so inherited attributes stay. ``outline``: (title, 0-based
    page, children)."""
    objects: list[tuple[int, bytes]] = []
    kids, first_pages, base, total = [], [], 2, 0
    for reader, data in sources:
        root = reader.trailer.raw_get("/Root")
        pages_ref = root.get_object().raw_get("/Pages")
        info = reader.trailer.raw_get("/Info") if "/Info" in reader.trailer else None
        skip = {root.idnum} | ({info.idnum} if isinstance(info, IndirectObject) else set())
        objects += _raw_objects(reader, data, base, skip, pages_ref.idnum, 2)
        kids.append(pages_ref.idnum + base)
        node, starts = pages_ref.get_object(), total
        while node.get("/Type") == "/Pages":  # first leaf: the first page, for the outline
            node = node["/Kids"][0].get_object()
        first_pages.append((starts, node.indirect_reference.idnum + base))
        total += int(pages_ref.get_object()["/Count"])
        base += max(reader.xref[0]) + 1
    page_ref = dict(first_pages)
    next_number = base
    flat: list[tuple[int, str, int, int | None]] = []  # (number, title, target, parent number)
    for title, page, children in outline:
        number = next_number
        flat.append((number, title, page, None))
        next_number += 1
        for child_title, child_page in children:
            flat.append((next_number, child_title, child_page, number))
            next_number += 1
    outline_root = next_number
    for index, (number, title, page, parent) in enumerate(flat):
        siblings = [f[0] for f in flat if f[3] == parent]
        position = siblings.index(number)
        children = [f[0] for f in flat if f[3] == number]
        entry = b"<< /Title " + _pdf_text(title) + b" /Parent %d 0 R /Dest [%d 0 R /Fit]" % (
            parent if parent is not None else outline_root, page_ref[page])
        if position:
            entry += b" /Prev %d 0 R" % siblings[position - 1]
        if position + 1 < len(siblings):
            entry += b" /Next %d 0 R" % siblings[position + 1]
        if children:
            entry += b" /First %d 0 R /Last %d 0 R /Count -%d" % (children[0], children[-1], len(children))
        objects.append((number, entry + b" >>"))
    tops = [f[0] for f in flat if f[3] is None]
    objects.append((outline_root, b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (
        tops[0], tops[-1], len(tops)) if tops else b"<< /Type /Outlines /Count 0 >>"))
    objects.append((1, b"<< /Type /Catalog /Pages 2 0 R /Outlines %d 0 R /PageMode /UseOutlines >>" % outline_root))
    objects.append((2, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), total)))
    buffer = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in objects:
        offsets[number] = len(buffer)
        buffer += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    size = outline_root + 1
    xref = len(buffer)
    rows = [b"0000000000 65535 f \n"] + [b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n"
                                          for n in range(1, size)]
    buffer += b"xref\n0 %d\n" % size + b"".join(rows)
    buffer += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(buffer)


def _pdf_text(text: str) -> bytes:
    """A PDF text string (UTF-16BE with BOM), as a hex string."""
    return b"<FEFF" + unicodedata.normalize("NFC", text).encode("utf-16-be").hex().upper().encode() + b">"


def build_pack(title: str, items: list[PackItem], subtitle: str = "") -> Pack:
    """One PDF: cover, table of contents with the starting page of every item and material, the
    materials in order, and an outline (item → material). Materials must have passed
    ``validate_pdf`` (their page tree's /Count is trusted). Objects are copied as bytes with
    their references renumbered (``_raw_merge``); files it cannot copy (object streams,
    incremental updates) make the whole pack go through pypdf's append instead."""
    readers = [[PdfReader(io.BytesIO(m.data), strict=False) for m in item.materials] for item in items]
    counts = [[int(r.trailer["/Root"]["/Pages"]["/Count"]) for r in item] for item in readers]

    def layout(front: int) -> tuple[list[int], list[list[int]]]:
        page = front + 1
        item_pages, material_pages = [], []
        for item_counts in counts:
            item_pages.append(page)
            starts = []
            for count in item_counts:
                starts.append(page)
                page += count
            material_pages.append(starts)
        return item_pages, material_pages

    front_count = 2 + sum(1 + len(item.materials) for item in items) // 30  # ~30 rows a page
    while True:  # the TOC's length decides the page numbers it prints: settle it
        item_pages, material_pages = layout(front_count)
        front = _front_pages(title, subtitle, items, item_pages, material_pages)
        front_reader = PdfReader(io.BytesIO(front))
        if len(front_reader.pages) == front_count:
            break
        front_count = len(front_reader.pages)

    last = front_count + sum(map(sum, counts))
    item_pages = [min(page, last) for page in item_pages]
    outline = [(f"{i + 1}. {item.title}", item_pages[i] - 1,
                [(m.title, material_pages[i][j] - 1) for j, m in enumerate(item.materials)])
               for i, item in enumerate(items)]
    sources = [(front_reader, front)] + [(r, m.data) for item, rs in zip(items, readers)
                                         for r, m in zip(rs, item.materials)]
    try:
        data = _raw_merge(sources, outline)
    except (_Unsupported, PyPdfError, KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
        log.info("build_pack: raw merge not possible (%s), merging with pypdf", exc)
        data = _pypdf_merge(sources, outline)
    return Pack(data=data, pages=last, item_pages=item_pages, material_pages=material_pages)


def _pypdf_merge(sources: list[tuple[PdfReader, bytes]], outline: list[tuple[str, int, list[tuple[str, int]]]]) -> bytes:
    """The same as ``_raw_merge`` with pypdf (any PDF pypdf reads; about 3× slower)."""
    writer = PdfWriter()
    for reader, _ in sources:
        writer.append(reader, import_outline=False)
    for title, page, children in outline:
        parent = writer.add_outline_item(title=unicodedata.normalize("NFC", title), page_number=page)
        for child_title, child_page in children:
            writer.add_outline_item(title=unicodedata.normalize("NFC", child_title), page_number=child_page,
                                    parent=parent)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
