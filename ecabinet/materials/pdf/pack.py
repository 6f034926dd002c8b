"""The meeting pack: cover, table of contents, the materials in order and an outline, as one PDF."""

from __future__ import annotations

import io
import logging
import unicodedata

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import IndirectObject

from ecabinet.materials.pdf.model import Pack, PackItem
from ecabinet.materials.pdf.rawpdf import _raw_objects, _Unsupported
from ecabinet.materials.pdf.fonts import FAMILY, FRONT_PAGES, new_pdf
from fpdf import FPDF
from fpdf.enums import XPos, YPos

log = logging.getLogger(__package__)  # "ecabinet.materials.pdf", as before the split


def _front_pages(title: str, subtitle: str, items: list[PackItem], item_pages: list[int],
                 material_pages: list[list[int]]) -> bytes:
    """The cover and the table of contents (mục lục), A4, fpdf2 with the embedded font."""
    pdf = new_pdf(FRONT_PAGES)
    pdf.set_margins(30, 20, 15)
    pdf.set_auto_page_break(True, 20)
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
        pdf.set_font(FAMILY, "", 13)
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
        if pdf.will_page_break(6.5 * _line_count(pdf, width, text) + 1):
            pdf.add_page()
        top = pdf.get_y()
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width, 6.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        bottom = pdf.get_y()
        pdf.set_xy(pdf.l_margin + pdf.epw - number_width, top)
        pdf.cell(number_width, 6.5, str(page), align="R")
        pdf.set_y(bottom + 1)
    return bytes(pdf.output())


def _line_count(pdf: FPDF, width: float, text: str) -> int:
    if pdf.get_string_width(text) <= width - 2 * pdf.c_margin:  # most rows: no line breaking to try
        return 1
    return len(pdf.multi_cell(width, 6.5, text, dry_run=True, output="LINES"))


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
    for number, title, page, parent in flat:
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
    try:  # strict, pypdf skips its check of every object's offset: ``_raw_objects`` checks those it copies
        readers = _readers(items, strict=True)
        counts = _page_counts(readers)
    except (PyPdfError, KeyError, ValueError, TypeError):
        readers = _readers(items, strict=False)
        counts = _page_counts(readers)

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
    try:
        data = _raw_merge(_sources(front_reader, front, items, readers), outline)
    except (_Unsupported, PyPdfError, KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
        log.info("build_pack: raw merge not possible (%s), merging with pypdf", exc)
        data = _pypdf_merge(_sources(front_reader, front, items, _readers(items, strict=False)), outline)
    return Pack(data=data, pages=last, item_pages=item_pages, material_pages=material_pages)


def _readers(items: list[PackItem], strict: bool) -> list[list[PdfReader]]:
    return [[PdfReader(io.BytesIO(m.data), strict=strict) for m in item.materials] for item in items]


def _page_counts(readers: list[list[PdfReader]]) -> list[list[int]]:
    return [[int(r.trailer["/Root"]["/Pages"]["/Count"]) for r in item] for item in readers]


def _sources(front_reader: PdfReader, front: bytes, items: list[PackItem],
             readers: list[list[PdfReader]]) -> list[tuple[PdfReader, bytes]]:
    materials = [(r, m.data) for item, rs in zip(items, readers) for r, m in zip(rs, item.materials)]
    return [(front_reader, front)] + materials


def _pypdf_merge(sources: list[tuple[PdfReader, bytes]],
                 outline: list[tuple[str, int, list[tuple[str, int]]]]) -> bytes:
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
