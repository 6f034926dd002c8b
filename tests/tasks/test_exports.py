"""Exports of tasks: the Excel sheet (columns the import reads back, only the tasks the user may see) and the
PDF briefing report."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from pypdf import PdfReader

from ecabinet.core.spreadsheet import unescaped
from ecabinet.tasks.exports import COLUMNS
from tests.fixtures.spreadsheets import FORMULA_PAYLOADS, assert_no_formula
from tests.fixtures.web import web_login
from tests.fixtures import TODAY


def _sheet_rows(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [tuple("" if v is None else v for v in row) for row in sheet.iter_rows(values_only=True)]


def test_excel_has_the_import_columns_and_one_row_per_task(client, task_people, task_factory):
    task_factory(content="Hoàn thiện đề án sắp xếp đơn vị hành chính", deadline=TODAY - timedelta(days=3),
                 coordinating=[task_people.unit_b], source="programme", source_reference="Kế hoạch 45/KH-UBND")
    task_factory(content="Báo cáo giải ngân", deadline=TODAY + timedelta(days=20), status="reported_done",
                 completed_on=TODAY - timedelta(days=1), priority="urgent", lead_unit=task_people.unit_b)
    response = client.get("/api/v1/tasks.xlsx", headers=task_people.headers(client, "office"))
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    rows = _sheet_rows(response.data)
    assert rows[0] == COLUMNS
    first = dict(zip(COLUMNS, rows[1]))
    assert first["Nội dung"] == "Hoàn thiện đề án sắp xếp đơn vị hành chính"
    assert first["Nguồn"] == "Chương trình công tác" and first["Số/ký hiệu văn bản"] == "Kế hoạch 45/KH-UBND"
    assert first["Cơ quan chủ trì"] == "sotc" and first["Cơ quan phối hợp"] == "soyt"
    assert first["Hạn xử lý"] == (TODAY - timedelta(days=3)).strftime("%d/%m/%Y")
    assert first["Tình trạng"] == "Quá hạn chưa hoàn thành" and first["Lãnh đạo giao"] == "Nguyễn Văn Pct"
    second = dict(zip(COLUMNS, rows[2]))
    assert second["Độ ưu tiên"] == "Khẩn" and second["Trạng thái"] == "Đã báo cáo hoàn thành"
    assert second["Ngày hoàn thành"] == (TODAY - timedelta(days=1)).strftime("%d/%m/%Y")
    assert len(rows) == 3


def test_excel_of_a_liaison_holds_only_its_agency(client, task_people, task_factory):
    own = task_factory(content="Việc của Sở Tài chính")
    task_factory(content="Việc riêng của Sở Y tế", lead_unit=task_people.unit_b)
    headers = task_people.headers(client, "liaison_a")
    rows = _sheet_rows(client.get("/api/v1/tasks.xlsx", headers=headers).data)
    assert [r[0] for r in rows[1:]] == ["Việc của Sở Tài chính"]
    rows = _sheet_rows(client.get("/api/v1/tasks.xlsx", query_string={"lead_unit_id": task_people.unit_b},
                                  headers=headers).data)
    assert rows == [COLUMNS]
    web_login(client, "sotc")
    page_rows = _sheet_rows(client.get(f"/tasks/export.xlsx?unit_id={task_people.unit_b}").data)
    assert page_rows == [COLUMNS]
    assert own


def test_briefing_pdf_contains_the_totals(client, task_people, task_factory):
    task_factory(deadline=TODAY - timedelta(days=12), content="Xử lý kiến nghị của cử tri")
    task_factory(deadline=TODAY - timedelta(days=3), status="verified_done", completed_on=TODAY - timedelta(days=4))
    task_factory(deadline=TODAY + timedelta(days=30), lead_unit=task_people.unit_b)
    response = client.get("/api/v1/task-statistics.pdf", headers=task_people.headers(client, "office"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(response.data)).pages)
    text = " ".join(text.split())
    assert "BÁO CÁO" in text and "tổng số nhiệm vụ được theo dõi là 3" in text
    assert "quá hạn chưa hoàn thành 1" in text and "Tỷ lệ hoàn thành đúng hạn: 100,0%" in text
    assert "Xử lý kiến nghị của cử tri" in text and "Sở Y tế" in text


def test_exports_need_a_task_scope(client, task_people, task_factory):
    task_factory()
    headers = task_people.headers(client, "viewer")
    assert client.get("/api/v1/tasks.xlsx", headers=headers).status_code == 403
    assert client.get("/api/v1/task-statistics.pdf", headers=headers).status_code == 403


def test_excel_neutralises_formulas_in_user_text_and_the_import_reads_them_back(client, task_people, task_factory):
    for payload in FORMULA_PAYLOADS:
        task_factory(content=payload, source_reference=payload)
    response = client.get("/api/v1/tasks.xlsx", headers=task_people.headers(client, "office"))
    texts = assert_no_formula(response.data)
    assert {"'" + payload for payload in FORMULA_PAYLOADS} <= set(texts)
    assert {unescaped("'" + payload) for payload in FORMULA_PAYLOADS} == set(FORMULA_PAYLOADS)
    assert _sheet_rows(response.data)[1][7] == (TODAY + timedelta(days=30)).strftime("%d/%m/%Y")
