"""Ruled tables that wrap their cells, repeat their header row on each page and merge groups.

Drawn line by line with ``cell()`` rather than through fpdf2's ``table()`` so that a row taller
than what is left of a page is split between pages instead of pushed whole, and so that a
merged group (the "Thứ/ngày" of a weekly schedule) can go on over a page break and be named
again at the top of the next page.
"""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from ecabinet.documents.formatting import nfc
from ecabinet.documents.model import Table

PT = 25.4 / 72
PAD_X, PAD_Y = 1.5, 1.2  # cell padding, mm
LINE_FACTOR = 1.2
RULE = 0.2
_ALIGN = {"justify": "L", "left": "L", "center": "C", "right": "R"}


@dataclass
class _Row:
    cells: list[list[str]]  # wrapped lines of each cell
    labels: list[list[str]]  # for grouped columns: the group's lines, to repeat on a new page
    starts: list[bool]  # per column: does a cell (or a group) begin at this row?


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    text = nfc(text).strip()
    if not text:
        return []
    return pdf.multi_cell(width, 5, text, dry_run=True, output=MethodReturnValue.LINES)


def _group_starts(table: Table) -> list[list[bool]]:
    """For each row and column: True when the cell begins there (always, outside grouped columns)."""
    starts: list[list[bool]] = []
    previous: tuple[str, ...] | None = None
    for row in table.rows:
        flags = [True] * len(table.columns)
        broken = previous is None
        for index in table.group_rows:
            broken = broken or nfc(row[index]).strip() != nfc(previous[index]).strip()  # type: ignore[index]
            flags[index] = broken
        starts.append(flags)
        previous = row
    return starts


def _prepare(pdf: FPDF, table: Table, widths: list[float]) -> list[_Row]:
    rows = []
    for row, starts in zip(table.rows, _group_starts(table)):
        wrapped = [_wrap(pdf, text, w - 2 * PAD_X) for text, w in zip(row, widths)]
        cells = [lines if start else [] for lines, start in zip(wrapped, starts)]
        rows.append(_Row(cells=cells, labels=wrapped, starts=starts))
    return rows


class _Drawer:
    def __init__(self, pdf: FPDF, table: Table, family: str, repeat_header: bool) -> None:
        self.pdf, self.table, self.family, self.repeat_header = pdf, table, family, repeat_header
        self.widths = self._widths()
        self.xs = [pdf.l_margin + sum(self.widths[:i]) for i in range(len(self.widths))]
        self.x_end = pdf.l_margin + pdf.epw
        self.lh = table.font_size * PT * LINE_FACTOR
        self.header_size = self._fit_header_size()
        self.header_lh = self.header_size * PT * LINE_FACTOR
        self._header_h: float | None = None

    def _font(self, style: str = "", size: float | None = None) -> None:
        self.pdf.set_font(self.family, style, size or self.table.font_size)

    def _widths(self) -> list[float]:
        """Widths from the ratios, but widened where a word would not fit (taken from the wide ones)."""
        pdf, table = self.pdf, self.table
        total = sum(c.width_ratio for c in table.columns)
        widths = [pdf.epw * c.width_ratio / total for c in table.columns]
        needs = []
        for index, column in enumerate(table.columns):
            self._font("B", max(table.font_size - 2, 6))
            need = max((pdf.get_string_width(w) for w in nfc(column.title).split()), default=0)
            self._font()
            for row in table.rows:
                need = max([need, *(pdf.get_string_width(w) for w in nfc(row[index]).split())])
            needs.append(min(need + 2 * PAD_X + 0.5, pdf.epw / len(widths)))
        short = sum(max(n - w, 0) for n, w in zip(needs, widths))
        slack = sum(max(w - n, 0) for n, w in zip(needs, widths))
        if short <= 0 or slack <= short:
            return widths
        return [n if w < n else w - (w - n) * short / slack for n, w in zip(needs, widths)]

    def _fit_header_size(self) -> float:
        """The header size at which no title word has to be broken ("Thứ/ngày" in a narrow column)."""
        size = self.table.header_font_size or self.table.font_size
        while size > self.table.font_size - 3:
            self._font("B", size)
            if all(self.pdf.get_string_width(word) <= w - 2 * PAD_X
                   for c, w in zip(self.table.columns, self.widths) for word in nfc(c.title).split()):
                break
            size -= 0.5
        return size

    def _header_lines(self) -> list[list[str]]:
        self._font("B", self.header_size)
        return [_wrap(self.pdf, c.title, w - 2 * PAD_X) for c, w in zip(self.table.columns, self.widths)]

    def draw_header(self) -> None:
        pdf, lines = self.pdf, self._header_lines()
        height = max(len(x) for x in lines) * self.header_lh + 2 * PAD_Y
        y = pdf.get_y()
        self._font("B", self.header_size)
        for x, w, cell in zip(self.xs, self.widths, lines):
            top = y + (height - len(cell) * self.header_lh) / 2  # header titles centred both ways
            for i, line in enumerate(cell):
                pdf.set_xy(x + PAD_X, top + i * self.header_lh)
                pdf.cell(w - 2 * PAD_X, self.header_lh, line, align="C")
        pdf.set_line_width(RULE)
        pdf.rect(self.xs[0], y, self.x_end - self.xs[0], height)
        for x in self.xs[1:]:
            pdf.line(x, y, x, y + height)
        pdf.set_y(y + height)

    def header_height(self) -> float:
        if self._header_h is None:
            self._header_h = max(len(x) for x in self._header_lines()) * self.header_lh + 2 * PAD_Y
            self._font()
        return self._header_h

    def room(self) -> float:
        return self.pdf.page_break_trigger - self.pdf.get_y()

    def new_page(self) -> None:
        pdf = self.pdf
        pdf.set_line_width(RULE)
        pdf.line(self.xs[0], pdf.get_y(), self.x_end, pdf.get_y())  # close the page's last row
        pdf.add_page()
        if self.repeat_header:
            self.draw_header()

    def draw_segment(self, cells: list[list[str]], top_rules: list[bool], height: float) -> None:
        """One row (or the part of a row that fits): its lines, side rules and top rules."""
        pdf, y = self.pdf, self.pdf.get_y()
        self._font()
        for col, (x, w, lines) in enumerate(zip(self.xs, self.widths, cells)):
            align = _ALIGN[self.table.columns[col].align]
            for i, line in enumerate(lines):
                pdf.set_xy(x + PAD_X, y + PAD_Y + i * self.lh)
                pdf.cell(w - 2 * PAD_X, self.lh, line, align=align)
        pdf.set_line_width(RULE)
        for x in [*self.xs, self.x_end]:
            pdf.line(x, y, x, y + height)
        for x, w, rule in zip(self.xs, self.widths, top_rules):
            if rule:
                pdf.line(x, y, x + w, y)
        pdf.set_y(y + height)

    def _height(self, cells: list[list[str]]) -> float:
        return max((len(x) for x in cells), default=0) * self.lh + 2 * PAD_Y

    def draw_rows(self, rows: list[_Row]) -> None:
        grouped = set(self.table.group_rows)
        fresh_room = self.pdf.page_break_trigger - self.pdf.t_margin - (
            self.header_height() if self.repeat_header else 0)
        for row in rows:
            cells, tops = list(row.cells), list(row.starts)
            height = self._height(cells)
            if height > self.room() and (height <= fresh_room or self.room() < 2 * self.lh + 2 * PAD_Y):
                self.new_page()  # a new page names the groups that go on there again
                cells = [row.labels[c] if c in grouped else cells[c] for c in range(len(cells))]
                tops = [True] * len(cells)
                height = self._height(cells)
            while height > self.room():  # taller than a whole page: split it line by line
                fit = max(int((self.room() - 2 * PAD_Y) // self.lh), 1)
                self.draw_segment([x[:fit] for x in cells], tops, fit * self.lh + 2 * PAD_Y)
                self.new_page()
                rest = [x[fit:] for x in cells]
                cells = [row.labels[c] if c in grouped and not rest[c] and len(row.labels[c]) < fit else rest[c]
                         for c in range(len(rest))]
                tops = [True] * len(cells)
                height = self._height(cells)
            self.draw_segment(cells, tops, height)
        self.pdf.set_line_width(RULE)
        self.pdf.line(self.xs[0], self.pdf.get_y(), self.x_end, self.pdf.get_y())


def draw_table(pdf: FPDF, table: Table, family: str, *, repeat_header: bool = True) -> None:
    """Draw ``table`` across the text width from the current position, paging as needed."""
    saved_margin, pdf.c_margin = pdf.c_margin, 0
    saved_break = pdf.auto_page_break
    pdf.set_auto_page_break(False, margin=pdf.b_margin)  # this module pages by itself
    try:
        drawer = _Drawer(pdf, table, family, repeat_header)
        drawer._font()
        rows = _prepare(pdf, table, drawer.widths)
        first = rows[0] if rows else None
        first_h = drawer._height(first.cells) if first else 0
        if drawer.room() < drawer.header_height() + min(first_h, 3 * drawer.lh + 2 * PAD_Y):
            pdf.add_page()
        drawer.draw_header()
        drawer.draw_rows(rows)
    finally:
        pdf.c_margin = saved_margin
        pdf.set_auto_page_break(saved_break, margin=pdf.b_margin)
