"""The work programme's Excel export and import, round trip and refusals, and its Decree 30 PDF."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from ecabinet.accounts.models import User
from ecabinet.core.db import db
from ecabinet.programme import operations as ops
from ecabinet.programme.models import ItemKind, PeriodKind, ProgrammeItem
from ecabinet.programme.sheets import COLUMNS
from tests.fixtures.pdf_text import fonts, full_text
from tests.fixtures.spreadsheets import FORMULA_PAYLOADS, assert_no_formula
from tests.fixtures.web import form_token, signed_in


@pytest.fixture
def desk(app, pages, people, venue):
    """Programmes of 2026 (two items) and 2027 (empty), and the secretariat's pages client."""
    with app.app_context():
        actor, chair = db.session.get(User, people.secretary), venue.second_leader
        programme = ops.create_programme(2026, "Chương trình công tác năm 2026 của UBND tỉnh", chair, actor)
        ops.create_programme(2027, "Chương trình công tác năm 2027 của UBND tỉnh", chair, actor)
        ops.enter_items(programme, [
            ops.ItemData("Đề án phát triển nguồn nhân lực chất lượng cao", ItemKind.SCHEME,
                         ops.Period(PeriodKind.QUARTER, 4), people.department, people.leader),
            ops.ItemData(FORMULA_PAYLOADS[1], ItemKind.REPORT, ops.Period(PeriodKind.MONTH, 3),
                         people.other_department)], actor)
        db.session.commit()
    return signed_in(pages, "chuyenvien")


def _upload(client, year: int, data: bytes):
    return client.post(f"/programme/{year}/import", data={"csrf_token": form_token(client),
                                                          "file": (io.BytesIO(data), "chuong-trinh.xlsx")})


def _items(year: int) -> list[tuple]:
    programme = ops.programme_of(year)
    return [(i.title, i.kind, i.period_kind, i.period, i.lead_unit_id, i.leader_id) for i in db.session.scalars(
        sa.select(ProgrammeItem).where(ProgrammeItem.programme_id == programme.id).order_by(ProgrammeItem.id))]


def _sheet(*rows: tuple) -> bytes:
    book = Workbook()
    book.active.append(COLUMNS[:5])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_export_imports_back_into_another_year_once(app, desk):
    exported = desk.get("/programme/2026.xlsx")
    assert exported.status_code == 200
    texts = assert_no_formula(exported.data)
    assert "Quý IV" in texts and "Tháng 3" in texts

    assert _upload(desk, 2027, exported.data).status_code == 302
    with app.app_context():
        assert sorted(_items(2027)) == sorted(_items(2026))
    again = _upload(desk, 2027, exported.data)
    assert again.status_code == 409 and "đã được nhập" in again.get_data(as_text=True)


def test_a_bad_sheet_saves_nothing_and_names_each_error(app, desk, people):
    bad = _sheet(("Đề án A", "Đề án", "Tháng 3", "Sở Tài chính", ""),
                 ("", "Báo cáo", "Quý V", "Sở không có", "Ai đó"),
                 ("Đề án C", "Thư", "Tháng 13", "Sở Y tế", ""))
    response = _upload(desk, 2027, bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for expected in ("Dòng 3, “Tên đề án, nội dung trình”", "Dòng 3, “Thời gian trình”: “Quý V”",
                     "Dòng 3, “Cơ quan chủ trì”: Không tìm thấy “Sở không có”", "Dòng 3, “Lãnh đạo phụ trách”",
                     "Dòng 4, “Loại”: Loại “Thư”", "Dòng 4, “Thời gian trình”"):
        assert expected in page, expected
    assert "Dòng 2" not in page
    for data, message in ((b"", "Tệp trống"), (b"PK\x03\x04 not a workbook", "không phải là bảng tính Excel"),
                          (_sheet(), "không có nội dung nào")):
        refused = _upload(desk, 2027, data)
        assert refused.status_code == 422 and message in refused.get_data(as_text=True), message
    with app.app_context():
        assert _items(2027) == []


def test_the_programme_as_a_decree_30_pdf(desk):
    response = desk.get("/programme/2026.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = full_text(response.data)
    for expected in ("ỦY BAN NHÂN DÂN TỈNH", "CHƯƠNG TRÌNH", "Chương trình công tác năm 2026 của UBND tỉnh",
                     "I. QUÝ I", "IV. QUÝ IV", "Đề án phát triển nguồn nhân lực chất lượng cao", "Sở Tài chính",
                     "TM. ỦY BAN NHÂN DÂN", "Trần Minh Khoa"):
        assert expected in text, expected
    assert all(font["descriptor"] is not None and "/FontFile2" in font["descriptor"] for font in fonts(response.data))
