"""Rendering an ``AdminDocument`` as PDF in the form of Decree 30/2020/NĐ-CP, Phụ lục I.

A4 portrait (landscape on request for wide tables); margins top and bottom 20 mm, left 30 mm,
right 15 mm; one embedded Unicode serif font (``fonts.py``); page numbers from page 2 at the
top centre. Two renders of the same document give the same bytes: the creation date is the
issue date and fpdf2 derives the file identifier from the content.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from ecabinet.documents.fonts import FAMILY, read_from_memory, register_fonts
from ecabinet.documents.formatting import (
    DRAFT_MARK,
    MOTTO,
    NATIONAL_TITLE,
    RECIPIENTS_LABEL,
    SIGNED_PLACEHOLDER,
    format_place_date,
    nfc,
    summary_lines,
)
from ecabinet.documents.stamping import DIGITS, Stampable
from ecabinet.documents.model import AdminDocument, Heading, Note, Paragraph, Signature, Table
from ecabinet.documents.table import draw_table

MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20.0, 20.0, 30.0, 15.0
PT = 25.4 / 72  # millimetres in a point
BODY_SIZE = 13.0  # Decree 30: 13–14
LINE_FACTOR = 1.3  # line spacing: at least single, at most 1.5 lines
PARAGRAPH_GAP = 6 * PT  # at least 6pt between paragraphs
FIRST_LINE_INDENT = 12.7  # 1.27 cm
SIGNATURE_SPACE = 24.0  # room for the hand signature and the seal
RULE_WIDTH = 0.3
HEADER_OUTDENT = 5.0
NUMBER_SIZE = 13.0
VIETNAM_TIME = timezone(timedelta(hours=7))

_ALIGN = {"justify": "J", "left": "L", "center": "C", "right": "R"}


class _Page(FPDF):
    """FPDF with the page number at the top centre of every page but the first."""

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font(FAMILY, "", BODY_SIZE)
            self.set_xy(self.l_margin, MARGIN_TOP / 2 - 2)
            self.cell(self.epw, 5, str(self.page_no()), align="C")
            self.set_xy(self.l_margin, self.t_margin)


def _lh(size: float, factor: float = 1.2) -> float:
    return size * PT * factor


def _upper(text: str) -> str:
    return nfc(text).upper()


def _text_lines(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy word wrap of ``text`` at ``width`` with the current font."""
    saved, pdf.c_margin = pdf.c_margin, 0
    try:
        return pdf.multi_cell(width, 5, text, dry_run=True, output=MethodReturnValue.LINES)
    finally:
        pdf.c_margin = saved


def _balanced_lines(pdf: FPDF, text: str, width: float) -> list[str]:
    """Wrap into as few lines as at ``width``, but of even lengths ("ỦY BAN NHÂN DÂN / TỈNH ...")."""
    out: list[str] = []
    for part in text.split("\n"):
        lines = _text_lines(pdf, part, width)
        if len(lines) > 1:
            low, high = max(pdf.get_string_width(w) for w in part.split()), width
            for _ in range(12):
                middle = (low + high) / 2
                if len(_text_lines(pdf, part, middle)) == len(lines):
                    high = middle
                else:
                    low = middle
            lines = _text_lines(pdf, part, high + 0.01)
        out.extend(lines)
    return out


def _centered_lines(pdf: FPDF, x: float, y: float, width: float, lines: list[str], lh: float) -> float:
    for line in lines:
        pdf.set_xy(x, y)
        pdf.cell(width, lh, line, align="C")
        y += lh
    return y


def _rule(pdf: FPDF, center_x: float, y: float, length: float) -> None:
    pdf.set_line_width(RULE_WIDTH)
    pdf.line(center_x - length / 2, y, center_x + length / 2, y)


def _fit_size(pdf: FPDF, text: str, style: str, size: float, smallest: float, width: float) -> float:
    """The largest size from ``size`` down to ``smallest`` at which ``text`` fits ``width``."""
    while size > smallest:
        pdf.set_font(FAMILY, style, size)
        if pdf.get_string_width(text) <= width:
            break
        size -= 0.5
    pdf.set_font(FAMILY, style, size)
    return size


def _fewest_lines(pdf: FPDF, text: str, style: str, width: float) -> list[str]:
    """Balanced lines at 12pt, or down to 11pt where that saves a line (DejaVu runs wider than Times).

    Leaves the chosen size set."""
    best: tuple[int, float] | None = None
    for size in (12.0, 11.5, 11.0):
        pdf.set_font(FAMILY, style, size)
        count = len(_balanced_lines(pdf, text, width))
        if best is None or count < best[0]:
            best = (count, size)
    pdf.set_font(FAMILY, style, best[1])  # type: ignore[index]
    return _balanced_lines(pdf, text, width)


def _header(pdf: FPDF, doc: AdminDocument) -> None:
    """Ô 1–4: issuing body and number at the left, national title and place/date at the right."""
    # As in the Word templates offices use, the header table reaches a little into the left margin.
    width, x0, y0 = pdf.epw + HEADER_OUTDENT, pdf.l_margin - HEADER_OUTDENT, pdf.t_margin
    pdf.set_font(FAMILY, "B", 12)
    national_w = pdf.get_string_width(NATIONAL_TITLE)
    pdf.set_font(FAMILY, "B", 13)
    motto_w = pdf.get_string_width(MOTTO)
    left_w = min(width - min(max(national_w, motto_w) + 6, width * 0.66), width * 0.45)
    right_w = width - left_w  # landscape: the right block moves right with the wider page
    right_x = x0 + left_w

    y = y0
    if doc.issuing_parent.strip():
        parent_lines = _fewest_lines(pdf, _upper(doc.issuing_parent), "", left_w - 2)
        y = _centered_lines(pdf, x0, y, left_w, parent_lines, _lh(12))
    body_lines = _fewest_lines(pdf, _upper(doc.issuing_body), "B", left_w - 2)
    y = _centered_lines(pdf, x0, y, left_w, body_lines, _lh(12))
    body_w = max(pdf.get_string_width(line) for line in body_lines)
    _rule(pdf, x0 + left_w / 2, y + 1.2, max(body_w * 0.4, 12))
    left_bottom = y + 1.2

    pdf.set_font(FAMILY, "B", 12)
    ry = _centered_lines(pdf, right_x, y0, right_w, [NATIONAL_TITLE], _lh(12))
    pdf.set_font(FAMILY, "B", 13)
    ry = _centered_lines(pdf, right_x, ry, right_w, [MOTTO], _lh(13))
    _rule(pdf, right_x + right_w / 2, ry + 1.0, motto_w)
    right_bottom = ry + 1.0

    # Ô 3 and ô 4 share a row: the number under the body, the place and date under the motto.
    y = max(left_bottom, right_bottom) + 3
    pdf.set_font(FAMILY, "", NUMBER_SIZE)
    number_end = _centered_lines(pdf, x0, y, left_w, _balanced_lines(pdf, nfc(doc.number_symbol), left_w), _lh(13))
    place_date = format_place_date(doc.place, doc.issued_on)
    _fit_size(pdf, place_date, "I", 13, 11, right_w - 2)
    end = _centered_lines(pdf, right_x, y, right_w, _balanced_lines(pdf, place_date, right_w - 2), _lh(13))
    pdf.set_y(max(end, number_end, y + _lh(13)) + 2)
    _marks(pdf, doc, x0, left_w)


def _draft_mark(pdf: FPDF) -> None:
    """"DỰ THẢO", boxed, in the top margin at the left: a printed draft cannot pass for the issued document."""
    pdf.set_font(FAMILY, "B", 11)
    width = pdf.get_string_width(DRAFT_MARK) + 6
    pdf.set_xy(pdf.l_margin - HEADER_OUTDENT, MARGIN_TOP / 2 - 3)
    pdf.set_line_width(0.4)
    pdf.cell(width, _lh(11) + 1.5, DRAFT_MARK, border=1, align="C")
    pdf.set_xy(pdf.l_margin, pdf.t_margin)


def _marks(pdf: FPDF, doc: AdminDocument, x0: float, left_w: float) -> None:
    """Ô 10a/10b: the confidentiality and urgency marks, boxed, under the number."""
    for mark in (doc.confidentiality, doc.urgency):
        if not mark:
            continue
        pdf.set_font(FAMILY, "B", 13)
        text = _upper(mark)
        w = pdf.get_string_width(text) + 6
        pdf.set_xy(x0 + (left_w - w) / 2, pdf.get_y() + 1)
        pdf.set_line_width(0.4)
        pdf.cell(w, _lh(13) + 1.5, text, border=1, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(pdf.get_y() + 1)


def _title(pdf: FPDF, doc: AdminDocument) -> None:
    """Ô 5a: the document type, then the summary with a short rule under it."""
    pdf.set_y(pdf.get_y() + 6)
    pdf.set_font(FAMILY, "B", 14)
    y = _centered_lines(pdf, pdf.l_margin, pdf.get_y(), pdf.epw, _balanced_lines(pdf, _upper(doc.doc_type), pdf.epw),
                        _lh(14, 1.25))
    lines = summary_lines(doc.summary)
    if lines:
        pdf.set_font(FAMILY, "B", 13)
        wrapped = [w for line in lines for w in _balanced_lines(pdf, line, pdf.epw - 10)]
        y = _centered_lines(pdf, pdf.l_margin, y, pdf.epw, wrapped, _lh(13, 1.25))
        widest = max(pdf.get_string_width(line) for line in wrapped)
        _rule(pdf, pdf.l_margin + pdf.epw / 2, y + 1.5, max(widest / 3, min(widest, 30)))
        y += 1.5
    pdf.set_y(y + 6)


def _flow(pdf: FPDF, blocks: list) -> None:
    """Paragraphs, headings and notes through fpdf2's text region: justified, indented, paged."""
    with pdf.text_columns(text_align="J", line_height=LINE_FACTOR, skip_leading_spaces=True) as cols:
        for block in blocks:
            if isinstance(block, Paragraph):
                style = ("B" if block.bold else "") + ("I" if block.italic else "")
                size, align = BODY_SIZE, _ALIGN[block.align]
                indent = FIRST_LINE_INDENT if block.indent_first_line and align in ("J", "L") else 0
            elif isinstance(block, Heading):
                style, size = "B", BODY_SIZE
                align, indent = ("C", 0) if block.center else ("J", FIRST_LINE_INDENT)
            elif isinstance(block, Note):
                style, size, align, indent = "I", 11.0, "J", 0
            else:
                raise TypeError(f"not a text block: {block!r}")
            pdf.set_font(FAMILY, style, size)
            for text in nfc(block.text).split("\n\n"):
                with cols.paragraph(text_align=align, first_line_indent=indent, bottom_margin=PARAGRAPH_GAP,
                                    line_height=LINE_FACTOR if size == BODY_SIZE else 1.2) as par:
                    par.write(text.strip())


def _body(pdf: FPDF, doc: AdminDocument) -> None:
    pending: list = []
    for block in doc.body:
        if isinstance(block, Table):
            if pending:
                _flow(pdf, pending)
                pending = []
            draw_table(pdf, block, FAMILY, repeat_header=True)
            pdf.set_y(pdf.get_y() + 2 * PARAGRAPH_GAP)
        else:
            pending.append(block)
    if pending:
        _flow(pdf, pending)


def _signature_height(pdf: FPDF, sig: Signature, width: float) -> float:
    pdf.set_font(FAMILY, "B", 13)
    lines = [w for a in sig.authority for w in _balanced_lines(pdf, _upper(a), width - 4)]
    return len(lines) * _lh(13) + SIGNATURE_SPACE + _lh(13)


def _draw_signature(pdf: FPDF, sig: Signature, x: float, y: float, width: float) -> float:
    """Ô 7: authority and title (bold upper case), room to sign, the signer's name (bold)."""
    pdf.set_font(FAMILY, "B", 13)
    lines = [w for a in sig.authority for w in _balanced_lines(pdf, _upper(a), width - 4)]
    y = _centered_lines(pdf, x, y, width, lines, _lh(13))
    if sig.signed_placeholder:
        pdf.set_font(FAMILY, "I", 13)
        _centered_lines(pdf, x, y + (SIGNATURE_SPACE - _lh(13)) / 2, width, [SIGNED_PLACEHOLDER], _lh(13))
    pdf.set_font(FAMILY, "B", 13)
    return _centered_lines(pdf, x, y + SIGNATURE_SPACE, width, [nfc(sig.signer).strip()], _lh(13))


def _recipient_lines(pdf: FPDF, doc: AdminDocument, width: float) -> list[tuple[float, str]]:
    """(indent, text) lines: a recipient that wraps goes on under its text, not under its dash."""
    pdf.set_font(FAMILY, "", 11)
    out: list[tuple[float, str]] = []
    for recipient in doc.recipients:
        text = nfc(recipient).strip()
        lines = _text_lines(pdf, text, width)
        if len(lines) > 1 and text[:2] in ("- ", "+ "):
            hang = pdf.get_string_width(text[:2])
            rest = _text_lines(pdf, text[len(lines[0]):].strip(), width - hang)
            out += [(0.0, lines[0])] + [(hang, line) for line in rest]
        else:
            out += [(0.0, line) for line in lines]
    return out


def _recipients_height(pdf: FPDF, doc: AdminDocument, width: float) -> float:
    return _lh(12) + len(_recipient_lines(pdf, doc, width)) * _lh(11, 1.15) if doc.recipients else 0.0


def _draw_recipients(pdf: FPDF, doc: AdminDocument, x: float, y: float, width: float) -> float:
    """Ô 9a: "Nơi nhận:" bold italic 12pt, then one recipient a line in 11pt."""
    if not doc.recipients:
        return y
    pdf.set_font(FAMILY, "BI", 12)
    pdf.set_xy(x, y)
    pdf.cell(width, _lh(12), RECIPIENTS_LABEL)
    y += _lh(12)
    for indent, line in _recipient_lines(pdf, doc, width):
        pdf.set_xy(x + indent, y)
        pdf.cell(width - indent, _lh(11, 1.15), line)
        y += _lh(11, 1.15)
    return y


def _closing(pdf: FPDF, doc: AdminDocument) -> None:
    """Recipients at the left and the signature at the right, kept together on one page."""
    left_w = pdf.epw * 0.45
    right_w = pdf.epw - left_w
    x_left, x_right = pdf.l_margin, pdf.l_margin + left_w
    sig_h = _signature_height(pdf, doc.signature, right_w)
    if doc.secondary_signature:
        sig_h = max(sig_h, _signature_height(pdf, doc.secondary_signature, left_w))
        needed = sig_h + 4 + _recipients_height(pdf, doc, left_w)
    else:
        needed = max(sig_h, _recipients_height(pdf, doc, left_w))
    y = pdf.get_y() + 3
    if y + needed > pdf.page_break_trigger:
        pdf.add_page()
        y = pdf.get_y()
    if doc.secondary_signature:
        left_end = _draw_signature(pdf, doc.secondary_signature, x_left, y, left_w)
        right_end = _draw_signature(pdf, doc.signature, x_right, y, right_w)
        end = _draw_recipients(pdf, doc, x_left, max(left_end, right_end) + 4, left_w)
    else:
        left_end = _draw_recipients(pdf, doc, x_left, y, left_w)
        end = max(left_end, _draw_signature(pdf, doc.signature, x_right, y, right_w))
    pdf.set_xy(pdf.l_margin, end)


def render_pdf(doc: AdminDocument, *, font_dir: Path | str | None = None, landscape: bool = False) -> bytes:
    """The document as PDF bytes, the same bytes for the same document, font and fpdf2.

    ``font_dir`` is where the TTF files are (default ``<repo>/static/vendor/fonts``; callers
    pass their ``PDF_FONT_DIR`` setting). Raises ``FontMissing`` when no font set is there.
    """
    pdf = _fresh_page(font_dir, "L") if landscape else _new_page(font_dir)
    _lay_out(pdf, doc)
    return bytes(pdf.output())


def render_stampable(doc: AdminDocument, *, font_dir: Path | str | None = None) -> Stampable:
    """The document as PDF, ready to have the digits of its number replaced once the number is taken: the
    slow part (layout, fonts) done before, the replacement a byte substitution of the same length."""
    pdf = _new_page(font_dir)
    pdf.set_compression(False)
    pdf.set_font(FAMILY, "", NUMBER_SIZE)
    font = pdf.current_font
    for digit in DIGITS:  # first, so that each digit's code is small and of the same length
        font.subset.pick(ord(digit))
    tabular = len({pdf.get_string_width(digit) for digit in DIGITS}) == 1
    _lay_out(pdf, doc)
    number_symbol = nfc(doc.number_symbol)
    codes = {char: font.escape_text(chr(font.subset.pick(ord(char)))).encode("latin-1")
             for char in set(number_symbol + DIGITS)} if tabular else {}
    return Stampable(pdf=bytes(pdf.output()), number_symbol=number_symbol, codes=codes)


_prepared: dict[str, _Page] = {}


def prepare_fonts(font_dir: Path | str | None = None) -> None:
    """Parse the fonts ahead for the next portrait render in this process: the forkserver of ``core.sandbox``
    does it once, and each worker forked from it starts with them parsed for its one render (a quarter of a
    second saved per document)."""
    page = _fresh_page(font_dir)
    read_from_memory(page)
    _prepared[str(font_dir)] = page


def _new_page(font_dir: Path | str | None) -> _Page:
    return _prepared.pop(str(font_dir), None) or _fresh_page(font_dir)


def _fresh_page(font_dir: Path | str | None, orientation: str = "P") -> _Page:
    pdf = _Page(orientation=orientation, unit="mm", format="A4")
    register_fonts(pdf, font_dir)
    return pdf


def _lay_out(pdf: _Page, doc: AdminDocument) -> None:
    pdf.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
    pdf.set_auto_page_break(True, margin=MARGIN_BOTTOM)
    pdf.c_margin = 0
    title = " - ".join([nfc(doc.doc_type).strip().upper(), " ".join(summary_lines(doc.summary))]).strip(" -")
    pdf.set_title(title)
    pdf.set_subject(" ".join(summary_lines(doc.summary)))
    pdf.set_author(nfc(doc.issuing_body).replace("\n", " ").strip())
    pdf.set_creator("ecabinet")
    pdf.set_lang("vi")
    pdf.set_creation_date(datetime.combine(doc.issued_on, time(0, 0), tzinfo=VIETNAM_TIME))
    pdf.add_page()
    if doc.draft:
        _draft_mark(pdf)
    _header(pdf, doc)
    _title(pdf, doc)
    _body(pdf, doc)
    _closing(pdf, doc)
