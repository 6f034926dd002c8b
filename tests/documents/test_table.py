"""Tables: the weekly schedule over several pages keeps every cell and repeats its header."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from ecabinet.documents import Column, Paragraph, Table, render_text
from ecabinet.documents.pdf import render_pdf
from tests.fixtures import samples
from tests.fixtures.pdf_text import full_text, missing_lines, norm, page_texts

TITLES = [c.title for c in samples.SCHEDULE_COLUMNS]


@pytest.fixture(scope="module")
def schedule() -> tuple:
    doc = samples.weekly_schedule(days=7)
    return doc, render_pdf(doc, landscape=True)


def _table_pages(pdf: bytes) -> list[str]:
    return [norm(t) for t in page_texts(pdf) if "(số " in t]


def test_schedule_spans_pages_and_repeats_its_header(schedule: tuple) -> None:
    _, pdf = schedule
    pages = _table_pages(pdf)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        for title in TITLES:
            assert norm(title) in text, f"page {number} lacks the header {title!r}"
        # The header comes before the first row on every page.
        assert text.index("Địa điểm") < text.index("(số ")


def test_schedule_keeps_every_cell(schedule: tuple) -> None:
    doc, pdf = schedule
    text = full_text(pdf)
    table = doc.body[0]
    assert isinstance(table, Table)
    for row in table.rows:
        for cell in row:
            assert norm(cell) in text, cell
    # Every line of the plain text but the table's own rows is printed as such.
    lines = [line for line in render_text(doc).splitlines() if " | " not in line]
    assert missing_lines(lines, pdf) == []


def test_merged_day_is_named_once_per_page(schedule: tuple) -> None:
    doc, pdf = schedule
    table = doc.body[0]
    days = list(dict.fromkeys(norm(row[0]) for row in table.rows))
    assert len(days) == 7
    pages = _table_pages(pdf)
    for text in pages:
        # Whatever row a page starts with, its day is named above it.
        first_row = text.index("(số ")
        assert any(0 <= text.find(day) < first_row for day in days), text[:300]
    # A day with four engagements is named once unless it goes on over a page break.
    total = sum(text.count(day) for text in pages for day in days)
    assert len(days) <= total <= len(days) + len(pages)


def test_row_taller_than_a_page_is_split_not_lost() -> None:
    tokens = [f"mục-{i:03d}" for i in range(1, 401)]
    long_cell = " ".join(f"Nội dung chi tiết {t} của báo cáo." for t in tokens)
    table = Table((Column("STT", 0.5, "center"), Column("Nội dung", 5)), (("1", long_cell), ("2", "Kết thúc")))
    doc = dataclasses.replace(samples.minutes(), body=(Paragraph("Phụ lục kèm theo."), table))
    pdf = render_pdf(doc)
    pages = page_texts(pdf)
    assert len(pages) >= 3
    text = full_text(pdf)
    assert all(t in text for t in tokens)
    assert "Kết thúc" in text
    for page in pages[:-1]:
        assert "Nội dung" in page and "STT" in page


def test_table_in_portrait_with_narrow_columns() -> None:
    doc = samples.weekly_schedule(days=2)
    pdf = render_pdf(doc)  # portrait: the header titles shrink rather than break inside a word
    text = full_text(pdf)
    for title in TITLES:
        assert norm(title) in text


def test_grouping_nested_columns() -> None:
    rows = (("Thứ Hai", "Sáng", "Họp giao ban"), ("Thứ Hai", "Sáng", "Tiếp công dân"),
            ("Thứ Hai", "Chiều", "Đi cơ sở"), ("Thứ Ba", "Chiều", "Họp trực tuyến"))
    table = Table((Column("Ngày"), Column("Buổi"), Column("Nội dung", 3)), rows, group_rows=(0, 1))
    doc = dataclasses.replace(samples.minutes(), issued_on=date(2026, 11, 30), body=(table,))
    text = full_text(render_pdf(doc))
    assert text.count("Thứ Hai") == 1 and text.count("Thứ Ba") == 1
    assert text.count("Sáng") == 1 and text.count("Chiều") == 2  # "Chiều" of Thứ Ba starts a new group


def test_table_validation() -> None:
    with pytest.raises(ValueError, match="cells"):
        Table((Column("A"), Column("B")), (("1",),))
    with pytest.raises(ValueError, match="group_rows"):
        Table((Column("A"),), (("1",),), group_rows=(2,))
    with pytest.raises(ValueError, match="width_ratio"):
        Column("A", 0)
    with pytest.raises(ValueError):
        Table((), ())


def test_plain_text_of_a_table() -> None:
    text = render_text(samples.weekly_schedule(days=1))
    assert "Thứ/ngày | Buổi/giờ | Nội dung | Chủ trì | Thành phần/Chuẩn bị | Địa điểm" in text
    assert "Thứ Hai 23/11 | Sáng 07h30 | Họp Ban Thường vụ Tỉnh ủy" in text
