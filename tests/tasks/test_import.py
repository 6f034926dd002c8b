"""Importing tasks from Excel: the export read back, errors per row with nothing saved, files that are not a
sheet, limits, and only the Office."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.notify.models import Notification
from ecabinet.tasks.importing import operations as importing
from ecabinet.tasks.models import Priority, Recurrence, Task, TaskSource, TaskStatus
from tests.fixtures.browser import ARTIFACTS, signed_in_page
from tests.fixtures.tasks import HEADERS
from tests.fixtures.web import csrf_from, web_login


def sheet_bytes(rows: list[list], headers: list[str] = HEADERS, title: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def task_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Task))


def upload(client, data: bytes, filename: str = "nhiem-vu.xlsx"):
    token = csrf_from(client.get("/tasks/import").get_data(as_text=True))
    return client.post("/tasks/import", data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def confirm(client, html: str):
    sha256 = re.search(r'name="sha256" value="([0-9a-f]{64})"', html)
    assert sha256, "no confirm form"
    return client.post("/tasks/import/confirm", data={"csrf_token": csrf_from(html), "sha256": sha256.group(1)})


@pytest.fixture
def sector(app):
    from ecabinet.org import operations as org

    with app.app_context():
        made = org.create_sector(code="taichinh", name="Tài chính - Ngân sách")
        db.session.commit()
        return made.id


def _fields(task: Task) -> tuple:
    return (task.content, task.source, task.source_reference, task.assigned_by_id, task.lead_unit_id,
            sorted(u.id for u in task.coordinating_units), task.sector_id, task.deadline_on,
            task.original_deadline_on, task.priority, task.recurrence, task.recurrence_anchor_on,
            task.recurrence_until, task.status)


def test_the_export_round_trips_through_the_import(app, client, task_people, task_factory, sector):
    from ecabinet.accounts.models import User
    from ecabinet.tasks import queries
    from ecabinet.tasks.exports import tasks_xlsx

    task_factory(content="=1+1 Xây dựng kế hoạch thu ngân sách năm 2027", deadline=date(2026, 12, 15),
                 coordinating=[task_people.unit_b, task_people.district], sector=sector, priority=Priority.URGENT,
                 source=TaskSource.PROGRAMME, source_reference="Chương trình công tác năm 2026")
    task_factory(content="Rà soát thủ tục hành chính lĩnh vực y tế", lead_unit=task_people.unit_b, deadline=None,
                 assigned_by=None, source=TaskSource.GOVERNMENT, source_reference="Công văn số 12/VPCP-KSTT")
    periodic = task_factory(content="Báo cáo kết quả giải ngân", status=TaskStatus.IN_PROGRESS,
                            deadline=date(2026, 11, 30), priority=Priority.HIGH, recurrence=Recurrence.MONTHLY)
    with app.app_context():
        db.session.get(Task, periodic).recurrence_until = date(2027, 6, 30)
        db.session.commit()
        office = db.session.get(User, task_people.office)
        originals = sorted(_fields(r.task) for r in queries.all_tasks(office, queries.TaskFilter()))
        workbook = tasks_xlsx(queries.all_tasks(office, queries.TaskFilter()))
    web_login(client, "chuyenvien")
    preview = upload(client, workbook)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'id="clean-summary"' in html
    assert "Xác nhận nhập 3 nhiệm vụ" in html or "Confirm: import 3 tasks" in html
    assert task_count(app) == 3  # nothing saved by the preview
    done = confirm(client, html)
    assert done.status_code == 302 and done.headers["Location"] == "/tasks?sort=created&order=desc"
    with app.app_context():
        imported = db.session.scalars(sa.select(Task).where(Task.id > 3)).all()
        # An imported task starts new, whatever state the exported one was in.
        expected = sorted(fields[:-1] + (TaskStatus.NEW,) for fields in originals)
        assert sorted(_fields(t) for t in imported) == expected
        assert all(t.created_by_id == task_people.office for t in imported)
        told = db.session.execute(sa.select(Notification.user_id, Notification.body)
                                  .where(Notification.kind == "task.assigned")).all()
    # One notification per lead agency listing its new tasks; the receipt to the importer.
    assert sorted(user for user, _body in told) == sorted([task_people.liaison_a, task_people.liaison_b])
    assert "Xây dựng kế hoạch thu ngân sách năm 2027" in dict(told)[task_people.liaison_a]
    with app.app_context():
        assert db.session.scalar(sa.select(Notification.user_id).where(Notification.kind == "task.imported")) \
            == task_people.office
    again = confirm(client, html)  # a double click, or the form sent again
    assert again.status_code == 409 and "đã được nhập rồi" in again.get_data(as_text=True)
    assert task_count(app) == 6


def test_errors_are_reported_per_row_and_nothing_is_saved(app, client, task_people):
    good = ["Tổng kết công tác năm 2026", "Chương trình công tác", "", "pct", "sotc", "soyt", "", "31/12/2026",
            "Cao"]
    sheet = sheet_bytes([
        good,
        ["", "", "", "", "sotc", "", "", "", ""],  # row 3: no content
        ["Nhiệm vụ B", "", "", "", "khong-co", "soyt; xyz", "", "31/02/2026", "Rất gấp"],  # row 4
        ["Nhiệm vụ C", "Thông báo kết luận", "", "Nguyễn Văn Không Có", "sotc", "sotc", "Y tế", "", ""],  # row 5
        [None] * 9,  # a blank row is skipped
        good,  # row 7
    ])
    web_login(client, "chuyenvien")
    response = upload(client, sheet)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-error-rows="3"' in html and 'name="sha256"' not in html
    rows = {int(n): int(e) for n, e in re.findall(r'data-row="(\d+)" data-errors="(\d+)"', html)}
    assert rows == {2: 0, 3: 1, 4: 4, 5: 4, 7: 0}
    with app.app_context():
        result = importing._check_sheet(sheet)
    errors = {row.number: row.errors for row in result.rows}
    assert errors[3] == {"Nội dung": "Chưa có nội dung nhiệm vụ."}
    assert set(errors[4]) == {"Cơ quan chủ trì", "Cơ quan phối hợp", "Hạn xử lý", "Độ ưu tiên"}
    assert "khong-co" in errors[4]["Cơ quan chủ trì"] and "“xyz”" in errors[4]["Cơ quan phối hợp"]
    assert "“soyt”" not in errors[4]["Cơ quan phối hợp"]
    assert set(errors[5]) == {"Nguồn", "Lãnh đạo giao", "Cơ quan phối hợp", "Lĩnh vực"}
    assert task_count(app) == 0

    # A confirmation of that sheet, forged with its stored hash, is checked again and saves nothing.
    with app.app_context():
        from ecabinet.core.storage import store_bytes

        sha256 = store_bytes(sheet)
    token = csrf_from(client.get("/tasks/import").get_data(as_text=True))
    forged = client.post("/tasks/import/confirm", data={"csrf_token": token, "sha256": sha256})
    assert forged.status_code == 422 and "3 dòng có lỗi" in forged.get_data(as_text=True)
    unknown = client.post("/tasks/import/confirm", data={"csrf_token": token, "sha256": "0" * 64})
    assert unknown.status_code == 422 and "tải tệp lên lại" in unknown.get_data(as_text=True)
    assert task_count(app) == 0


def test_periodic_rows_are_checked_like_the_form(app, task_people):
    headers = list(importing.READ_COLUMNS)
    base = ["Báo cáo tình hình thu ngân sách", "", "", "", "sotc", "", ""]
    sheet = sheet_bytes([
        base + ["20/12/2026", "", "Hằng tháng", "31/12/2027"],  # row 2: fine
        base + ["", "", "hang quy", ""],  # row 3: a periodic report needs its first deadline (typed sans accents)
        base + ["20/12/2026", "", "Hằng tuần", ""],  # row 4: no such period
        base + ["20/12/2026", "", "", "31/12/2027"],  # row 5: an end without a period
        base + ["20/12/2026", "", "Hằng quý", "01/12/2026"],  # row 6: ends before it starts
        base + ["20/12/2026", "", "Không", "30/02/2027"],  # row 7: not a day
    ], headers=headers)
    with app.app_context():
        result = importing._check_sheet(sheet)
    errors = {row.number: row.errors for row in result.rows}
    assert errors[2] == {} and result.rows[0].task["recurrence"] == Recurrence.MONTHLY
    assert result.rows[0].task["recurrence_until"] == date(2027, 12, 31)
    assert list(errors[3]) == ["Báo cáo định kỳ"] and "hạn xử lý" in errors[3]["Báo cáo định kỳ"]
    assert list(errors[4]) == ["Báo cáo định kỳ"] and "“Hằng quý”" in errors[4]["Báo cáo định kỳ"]
    assert list(errors[5]) == ["Định kỳ đến ngày"] and list(errors[6]) == ["Định kỳ đến ngày"]
    assert list(errors[7]) == ["Định kỳ đến ngày"] and "dd/mm/yyyy" in errors[7]["Định kỳ đến ngày"]
    assert task_count(app) == 0


def test_headers_are_found_whatever_their_case_spacing_and_diacritics(app, task_people):
    headers = ["  NỘI   DUNG ", "noi dung thua", "co quan chu tri", "Hạn xử lý".upper(), "Ghi chú"]
    sheet = sheet_bytes([["Lập quy hoạch tỉnh", "x", "SOTC", datetime(2027, 3, 31), "bỏ qua"],
                         ["Lập đề án", "", "Sở Y tế", 46477, ""]], headers=headers,
                        title="DANH SÁCH NHIỆM VỤ NĂM 2027")
    with app.app_context():
        result = importing.preview(sheet)
        assert result.clean and result.sha256
        assert [(r.number, r.task["lead_unit_id"], r.task["deadline_on"]) for r in result.rows] == [
            (3, task_people.unit_a, date(2027, 3, 31)), (4, task_people.unit_b, date(2027, 3, 31))]


def test_files_that_are_not_a_task_sheet_are_refused_in_vietnamese(app, client, task_people):
    web_login(client, "chuyenvien")
    for data, filename in ((b"%PDF-1.7\n...", "nhiem-vu.pdf"), (b"Noi dung;Co quan chu tri\n", "nhiem-vu.csv")):
        response = upload(client, data, filename)
        assert response.status_code == 422
        assert "không phải bảng tính Excel (.xlsx)" in response.get_data(as_text=True)
    missing = upload(client, sheet_bytes([["Một nhiệm vụ"]], headers=["Nội dung"]))
    assert missing.status_code == 422 and "Không tìm thấy dòng tiêu đề" in missing.get_data(as_text=True)
    empty = upload(client, sheet_bytes([]))
    assert empty.status_code == 422 and "không có dòng nhiệm vụ nào" in empty.get_data(as_text=True)
    assert task_count(app) == 0


def test_limits_of_size_rows_and_unpacked_size(app, task_people):
    with app.app_context():
        with pytest.raises(DomainError) as too_big:
            importing.preview(b"PK" + b"\0" * importing.MAX_BYTES)
        assert too_big.value.code == "file_too_large"
        rows = [[f"Nhiệm vụ {n}", "", "", "", "sotc", "", "", "", ""] for n in range(importing.MAX_ROWS + 1)]
        with pytest.raises(DomainError) as too_many:
            importing.preview(sheet_bytes(rows))
        assert too_many.value.code == "too_many_rows"
        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
            package.writestr("[Content_Types].xml", "<Types/>")
            package.writestr("xl/sharedStrings.xml", b"\0" * (importing.MAX_UNPACKED_BYTES + 1))
        with pytest.raises(DomainError) as unpacked:
            importing.preview(bomb.getvalue())
        assert unpacked.value.code == "file_too_large"


def test_only_the_office_imports(app, client, task_people):
    web_login(client, "sotc")
    assert client.get("/tasks/import").status_code == 403
    assert client.get("/tasks/import/template.xlsx").status_code == 403
    token = csrf_from(client.get("/notifications").get_data(as_text=True))
    sheet = sheet_bytes([["Nhiệm vụ", "", "", "", "sotc", "", "", "", ""]])
    refused = client.post("/tasks/import", data={"csrf_token": token, "file": (io.BytesIO(sheet), "a.xlsx")},
                          content_type="multipart/form-data")
    assert refused.status_code == 403
    assert client.post("/tasks/import/confirm", data={"csrf_token": token, "sha256": "0" * 64}).status_code == 403
    assert task_count(app) == 0


def test_the_template_has_the_header_row(app, client, task_people):
    web_login(client, "chanhvp")
    response = client.get("/tasks/import/template.xlsx")
    assert response.status_code == 200 and response.mimetype == importing.XLSX_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == list(importing.READ_COLUMNS) and sheet.max_row == 1
    assert importing.READ_COLUMNS[-2:] == ("Báo cáo định kỳ", "Định kỳ đến ngày")


# --- real Chromium ---------------------------------------------------------------------------


def _choose(page, data: bytes) -> None:
    page.set_input_files("#file", {"name": "nhiem-vu.xlsx", "mimeType": importing.XLSX_TYPE, "buffer": data})
    page.click("#upload-submit")
    page.wait_for_selector("#preview")


@pytest.mark.browser
def test_importing_through_the_page_in_chromium(live_server, browser):
    context, page = signed_in_page(browser, live_server, "chuyenvien1", 1280, 800)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(live_server + "/tasks/import")
        content = "Kiểm tra việc triển khai chuyển đổi số tại các sở (nhập từ Excel)"
        _choose(page, sheet_bytes([[content, "", "", "", "sokhcn", "pcamthanh", "", "15/01/2027", "Cao"],
                                   ["Nhiệm vụ lỗi", "", "", "", "khong-co-ma-nay", "", "", "32/01/2027", ""]]))
        bad = page.locator("#row-3")
        assert bad.get_attribute("data-errors") == "2" and "table-danger" in bad.get_attribute("class")
        assert "khong-co-ma-nay" in bad.locator("[data-error-column='Cơ quan chủ trì'] .import-error").inner_text()
        assert page.locator("#confirm-submit").count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "task-import-errors.png"), full_page=True)
        _choose(page, sheet_bytes([[content, "", "", "", "sokhcn", "pcamthanh", "", "15/01/2027", "Cao"]]))
        assert page.locator("#row-2").get_attribute("data-errors") == "0"
        page.screenshot(path=str(ARTIFACTS / "task-import-preview.png"), full_page=True)
        page.click("#confirm-submit")
        page.wait_for_url(lambda url: "/tasks/import" not in url)
        assert content in page.content()
        assert errors == []
    finally:
        context.close()
