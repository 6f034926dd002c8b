"""The Office's report on a small year: periods cut at local midnight, confidential pages, who may read it, and
the same numbers in its page, its Excel file and its Word draft."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

import pytest

from tests.fixtures.reports import add_conclusion, add_material, add_meeting, add_notice, add_programme_items
from tests.fixtures.web import api_token, ok, signed_in, web_login

FIRST_OF_OCTOBER = datetime(2026, 9, 30, 17, 30, tzinfo=timezone.utc)  # 00:30 on 01/10/2026 in Hà Nội
LAST_OF_SEPTEMBER = datetime(2026, 9, 30, 16, 30, tzinfo=timezone.utc)  # 23:30 on 30/09/2026 in Hà Nội


@pytest.fixture
def small_year(app, task_people, report_people, task_factory):
    """Three meetings held (one in September by the local clock, one confidential in November), one cancelled;
    their conclusions, notices and materials; five tasks entered around the same midnight."""
    from ecabinet.core.db import db

    kind, session = report_people.kinds
    vice, chair = report_people.chairs
    office, leader = task_people.office, task_people.leader
    with app.app_context():
        october = add_meeting(kind=kind, chair=vice, starts_at=FIRST_OF_OCTOBER, created_by=office)
        september = add_meeting(kind=kind, chair=chair, starts_at=LAST_OF_SEPTEMBER, created_by=office)
        november = add_meeting(kind=session, chair=vice, starts_at=datetime(2026, 11, 10, 2, tzinfo=timezone.utc),
                               created_by=office, status="closed", confidential=True)
        add_meeting(kind=session, chair=vice, starts_at=datetime(2026, 11, 12, 2, tzinfo=timezone.utc),
                    created_by=office, status="cancelled")
        add_conclusion(october, 2, task_people.unit_a, office)
        add_conclusion(november, 1, task_people.unit_b, office)
        for number, (meeting, day) in enumerate([(october, date(2026, 10, 5)), (november, date(2026, 11, 15)),
                                                 (september, date(2026, 9, 30))], start=1):
            add_notice(meeting, day, office, number)
        add_material(october, pages=10, uploader=office, opened_by=(office, leader))
        add_material(october, pages=4, uploader=office, confidential=True, named_readers=(leader,),
                     opened_by=(leader,))
        add_material(november, pages=3, uploader=office, published=False, opened_by=(office,))
        db.session.commit()
    a, b = task_people.unit_a, task_people.unit_b
    october_day = date(2026, 10, 20)
    task_factory(lead_unit=a, deadline=october_day, status="verified_done", completed_on=october_day,
                 created_at=FIRST_OF_OCTOBER, sector=report_people.sector)
    task_factory(lead_unit=a, deadline=october_day, status="reported_done", completed_on=october_day + timedelta(3),
                 created_at=FIRST_OF_OCTOBER)
    task_factory(lead_unit=b, deadline=october_day, created_at=FIRST_OF_OCTOBER)
    task_factory(lead_unit=b, deadline=date(2027, 1, 10), original_deadline=date(2026, 12, 1),
                 created_at=FIRST_OF_OCTOBER)
    task_factory(lead_unit=b, deadline=october_day, created_at=LAST_OF_SEPTEMBER)
    return task_people


def _report(client, username: str, period: str, status: int = 200):
    response = client.get("/api/v1/office-report", query_string={"period": period},
                          headers=api_token(client, username))
    return ok(response, status)


def _table(report: dict, key: str) -> dict:
    return next(t for s in report["sections"] for t in s["tables"] if t["key"] == key)


def _totals(report: dict, key: str) -> list[int]:
    return [cell["value"] for cell in _table(report, key)["total"]["cells"]]


def test_periods_are_cut_at_local_midnight(client, small_year):
    for period, meetings, tasks, notices in [("2026-09", 1, 1, 1), ("2026-10", 1, 4, 1), ("2026-Q3", 1, 1, 1),
                                             ("2026-Q4", 2, 4, 2), ("2026", 3, 5, 3)]:
        report = _report(client, "chuyenvien", period)
        assert _totals(report, "meetings_by_kind") == [meetings], period
        assert _totals(report, "tasks_by_agency")[0] == tasks, period
        assert _totals(report, "conclusions_by_chair")[2] == notices, period


def test_the_figures_of_a_quarter(client, small_year):
    report = _report(client, "chuyenvien", "2026-Q4")
    by_kind = {row["label"]: row["cells"][0]["value"] for row in _table(report, "meetings_by_kind")["rows"]}
    assert by_kind == {"Họp chuyên đề": 1, "Phiên họp UBND tỉnh": 1}
    assert _totals(report, "conclusions_by_chair") == [2, 3, 2]
    assert _totals(report, "tasks_by_agency") == [4, 1, 1, 1, 1, 1]
    assert _totals(report, "tasks_by_sector") == [4, 1, 1, 1, 1, 1]
    paper = _table(report, "paper_by_month")
    assert [row["label"] for row in paper["rows"]] == ["Tháng 10/2026", "Tháng 11/2026", "Tháng 12/2026"]
    assert _totals(report, "paper_by_month") == [1, 10, 2, 20]  # the draft and the confidential one left out
    assert "20" in next(s for s in report["sections"] if s["key"] == "paper")["summary"]


def test_the_programme_items_due_in_the_period(app, client, small_year, report_people):
    """Due in the fourth quarter of last year: October's, November's, the quarter's (its last month, December);
    September's and an addition the chair has not decided are not counted; what is still open is behind."""
    from ecabinet.core.db import db

    a, b = small_year.unit_a, small_year.unit_b
    with app.app_context():
        add_programme_items(2025, report_people.chairs[1], small_year.office, [
            (a, "month", 10, "done"), (a, "month", 11, "planned"), (b, "quarter", 4, "on_agenda"),
            (b, "month", 10, "dropped"), (b, "month", 9, "planned"), (a, "month", 12, "proposed")])
        db.session.commit()
    assert _totals(_report(client, "chuyenvien", "2025-Q4"), "programme_by_agency") == [3, 1, 2, 1]
    assert _totals(_report(client, "chuyenvien", "2025-09"), "programme_by_agency") == [1, 0, 1, 0]
    assert _totals(_report(client, "chuyenvien", "2026-Q4"), "programme_by_agency") == [0, 0, 0, 0]


def test_a_confidential_material_counts_only_for_its_named_readers(client, small_year):
    assert _totals(_report(client, "chuyenvien", "2026-Q4"), "paper_by_month")[3] == 20
    assert _totals(_report(client, "pct", "2026-Q4"), "paper_by_month")[3] == 20 + 4


def test_task_counts_open_their_lists(client, small_year):
    report = _report(client, "chuyenvien", "2026-Q4")
    headers = api_token(client, "chuyenvien")
    table = _table(report, "tasks_by_agency")
    for row in [*table["rows"], table["total"]]:
        for cell in row["cells"]:
            if cell["list_query"]:
                listed = ok(client.get(f"/api/v1/tasks?{cell['list_query']}", headers=headers))
                assert listed["total"] == cell["value"]
    extended = table["total"]["cells"][5]
    assert "extended=true" in extended["list_query"] and extended["value"] == 1


def test_agencies_and_viewers_may_not_read_it(client, small_year):
    for username in ("sotc", "quansat"):
        _report(client, username, "2026", status=403)
        signed_in(client, username)
        for path in ("/reports/office", "/reports/office.xlsx", "/reports/office.docx"):
            assert client.get(path).status_code == 403
        assert "nav-office-report" not in client.get("/").get_data(as_text=True)


def test_the_page_shows_the_numbers_and_links_tasks(client, small_year):
    web_login(client, "pct")
    html = client.get("/reports/office?period=2026-Q4").get_data(as_text=True)
    assert 'id="nav-office-report"' in html and 'id="office-report-data"' in html
    assert 'id="total-meetings_by_kind-0" data-count="2"' in html
    assert 'id="total-paper_by_month-3" data-count="24"' in html
    assert '<option value="2026-Q4" selected>' in html
    assert "/tasks?" in html and "period_on=created" in html


def test_the_excel_file_holds_the_numbers(client, small_year):
    from openpyxl import load_workbook

    web_login(client, "chuyenvien")
    response = client.get("/reports/office.xlsx?period=2026-Q4")
    assert response.status_code == 200 and "bao-cao-van-phong-2026-Q4.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    rows = {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
    assert list(rows) == ["Tổ chức, phục vụ cuộc họp", "Kết luận, chỉ đạo và thông báo", "Nhiệm vụ được giao",
                          "Thực hiện chương trình công tác", "Họp không giấy"]
    assert ["Tổng số", 2] in rows["Tổ chức, phục vụ cuộc họp"]
    assert ["Tổng số", 2, 3, 2] in rows["Kết luận, chỉ đạo và thông báo"]
    assert ["Tổng số", 4, 1, 1, 1, 1, 1] in rows["Nhiệm vụ được giao"]
    assert ["Tổng số", 1, 10, 2, 20] in rows["Họp không giấy"]


def test_the_word_draft_holds_the_numbers_in_vietnamese(client, small_year):
    from docx import Document

    web_login(client, "chuyenvien")
    response = client.get("/reports/office.docx?period=2026-Q4", headers={"Accept-Language": "en"})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text and "quý IV năm 2026" in text
    assert "tổ chức, phục vụ 2 cuộc họp" in text
    assert "tiết kiệm 20 trang" in text
    totals = [[cell.text for cell in table.rows[-1].cells] for table in document.tables[1:-1]]
    assert ["Tổng số", "4", "1", "1", "1", "1", "1"] in totals
    assert ["Tổng số", "2", "3", "2"] in totals
