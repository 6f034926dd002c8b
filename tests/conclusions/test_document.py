"""The conclusion notice as printed: where a Vietnamese reader looks for each part of page 1, its text, deadlines
counted across Tết, and the sample kept under docs/samples."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import pypdfium2 as pdfium

from tests.fixtures import notice_sample as sample
from ecabinet.notices.document import render_notice
from ecabinet.core.db import db
from ecabinet.documents.formatting import MOTTO, NATIONAL_TITLE
from ecabinet.documents.pdf import MARGIN_LEFT, MARGIN_RIGHT, PT
from tests.fixtures.pdf_text import full_text, missing_lines, norm

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
A4_WIDTH = 210.0
PLACE_DATE = "Quảng Ngãi, ngày 02 tháng 12 năm 2026"


@dataclass(frozen=True)
class Box:
    """Where a text is on the page, in millimetres from the top-left corner."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


class FirstPage:
    """Page 1 of a PDF rendered by pdfium (as the PNG is), with the boxes of the texts on it."""

    def __init__(self, pdf: bytes) -> None:
        self.document = pdfium.PdfDocument(pdf)
        self.page = self.document[0]
        self.width_pt, self.height_pt = self.page.get_size()
        self.text = self.page.get_textpage()

    @property
    def width(self) -> float:
        return self.width_pt * PT

    @property
    def height(self) -> float:
        return self.height_pt * PT

    def box(self, text: str) -> Box:
        """The box around the first occurrence of ``text``: the union of its characters' boxes."""
        found = self.text.search(text, match_case=True).get_next()
        assert found, f"{text!r} is not on page 1"
        start, count = found
        boxes = [self.text.get_charbox(i) for i in range(start, start + count)]
        boxes = [b for b in boxes if b[2] > b[0]]  # spaces have no ink
        left, bottom, right, top = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                                    max(b[3] for b in boxes))
        return Box(left * PT, (self.height_pt - top) * PT, right * PT, (self.height_pt - bottom) * PT)

    def close(self) -> None:
        self.document.close()


@pytest.fixture
def issued(app):
    """The sample notice, built in the test's database, printed as issued: number 15 of 02/12/2026."""
    with app.app_context():
        notice = sample.build_notice()
        db.session.commit()
        return render_notice(notice, number=sample.SAMPLE_NUMBER, issued_on=sample.SAMPLE_ISSUED_ON)


def test_page_one_puts_each_part_where_a_vietnamese_reader_looks(issued):
    page = FirstPage(issued.pdf)
    try:
        middle, quarter = page.width / 2, page.height / 4
        parent, body = page.box("UBND TỈNH QUẢNG NGÃI"), page.box("VĂN PHÒNG")
        for issuer in (parent, body):
            assert issuer.right < middle and issuer.bottom < quarter, issuer
        assert parent.bottom <= body.top + 0.5
        for national in (page.box(NATIONAL_TITLE), page.box(MOTTO)):
            assert national.centre > middle and national.bottom < quarter and national.left > parent.right, national
        number = page.box("Số: 15/TB-VP")
        assert number.top > body.bottom and number.right < middle
        assert abs(number.centre - body.centre) < 10, "the number is centred under the issuing body"
        place_date = page.box(PLACE_DATE)
        assert place_date.centre > middle and place_date.left > number.right and place_date.top > page.box(MOTTO).bottom
        assert abs(place_date.bottom - number.bottom) < 2, "number and date share a line"
        title = page.box("THÔNG BÁO")
        text_area_centre = (MARGIN_LEFT + A4_WIDTH - MARGIN_RIGHT) / 2
        assert abs(title.centre - text_area_centre) <= 5
        assert title.top > max(place_date.bottom, number.bottom)
        summary = page.box("Kết luận của Phó Chủ tịch UBND tỉnh Nguyễn")  # its whole first line
        assert summary.top >= title.bottom and summary.top - title.bottom < 10
        assert abs(summary.centre - text_area_centre) <= 5
        assert page.box("Ngày 30 tháng 11 năm 2026").top > summary.bottom
    finally:
        page.close()


def test_the_printed_text_is_the_text_source(issued):
    lines = [line for line in issued.text.splitlines() if line.strip()]
    assert missing_lines(lines, issued.pdf) == []
    printed = full_text(issued.pdf)
    assert sorted(printed.split()) == sorted(norm(issued.text).split()), "same words, only laid out differently"
    assert "Số: 15/TB-VP" in issued.text and PLACE_DATE in issued.text


def test_working_days_are_printed_as_the_date_counted_across_tet(app):
    """Issued on Monday 01/02/2027, just before Tết Nguyên Đán (06/02/2027, holidays 04–10/02): 10 working days
    are 02, 03, 11, 12, 15, 16, 17, 18, 19 and 22 February."""
    with app.app_context():
        notice = sample.build_notice(meeting_day=date(2027, 1, 28))
        db.session.commit()
        issued = render_notice(notice, number=3, issued_on=date(2027, 2, 1))
        draft = render_notice(notice)
    phrase = "tốt hơn; hoàn thành trước ngày 22/02/2027; báo cáo kết quả"
    assert phrase in issued.text and phrase in full_text(issued.pdf)
    assert "hoàn thành trong 10 ngày làm việc kể từ ngày ban hành Thông báo" in draft.text
    assert "22/02/2027" not in draft.text
    assert "Số: /TB-VP" in norm(draft.text) and "hoàn thành trước ngày 12/02/2027" in issued.text


def test_the_samples_under_docs_are_up_to_date():
    """Regenerate with ``python -m tests.fixtures.notice_sample docs/samples`` when this fails."""
    fresh = sample.sample_files()
    assert set(fresh) == {f"{sample.SAMPLE_NAME}.{ext}" for ext in ("pdf", "txt", "png")}
    text = f"{sample.SAMPLE_NAME}.txt"
    assert (SAMPLES / text).read_text(encoding="utf-8") == fresh[text].decode("utf-8"), "the .txt source is stale"
    for name in (f"{sample.SAMPLE_NAME}.pdf", f"{sample.SAMPLE_NAME}.png"):
        assert (SAMPLES / name).read_bytes() == fresh[name], f"{name} is stale"
    assert sample.sample_files()[f"{sample.SAMPLE_NAME}.pdf"] == fresh[f"{sample.SAMPLE_NAME}.pdf"], "deterministic"
