"""The task pages: a task with the forms its state and the user allow, entering a task, refusals shown next to
their fields with nothing saved."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.tasks.models import ExtensionRequest, ProgressReport, Task
from tests.fixtures import TODAY
from tests.fixtures.browser import ARTIFACTS, signed_in_page
from tests.fixtures.tasks import PDF, start_new_task, task_page
from tests.fixtures.web import form_token, signed_in


def test_the_liaison_reports_with_a_file_and_the_office_verifies(app, client, task_factory, task_people):
    task_id = task_factory(deadline=TODAY + timedelta(days=3), coordinating=[task_people.unit_b])
    token = form_token(signed_in(client, "sotc"))
    html = task_page(client, task_id)
    assert 'id="report-form"' in html and 'id="extension-form"' in html and 'id="start-button"' in html
    assert 'id="verify-button"' not in html and 'id="office-tools"' not in html and 'id="edit-link"' not in html
    assert 'data-derived="due_soon"' in html
    refused = client.post(f"/tasks/{task_id}/report", content_type="multipart/form-data", data={
        "csrf_token": token, "text": "Đã hoàn thành", "percent": "100", "done": "true", "version": "1",
        "files": [(BytesIO(b"MZ"), "virus.exe")]})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="report-files-error"' in html and "chỉ nhận PDF" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressReport)) == 0
    done = client.post(f"/tasks/{task_id}/report", content_type="multipart/form-data", data={
        "csrf_token": token, "text": "Đã hoàn thành, gửi kèm báo cáo", "percent": "100", "done": "true",
        "version": "1", "files": [(BytesIO(PDF), "bao-cao.pdf")]})
    assert done.status_code == 302
    html = task_page(client, task_id)
    assert 'data-status="reported_done"' in html and "bao-cao.pdf" in html
    with app.app_context():
        [report] = db.session.scalars(sa.select(ProgressReport)).all()
        attachment_id = report.attachments[0].id
    assert client.get(f"/tasks/{task_id}/attachments/{attachment_id}").data == PDF

    client = app.test_client()
    token = form_token(signed_in(client, "chuyenvien"))
    html = task_page(client, task_id)
    assert 'id="verify-button"' in html and 'id="report-form"' not in html
    with app.app_context():
        version = db.session.get(Task, task_id).version
    stale = client.post(f"/tasks/{task_id}/verify", data={"csrf_token": token, "version": str(version - 1)})
    assert stale.status_code == 409 and "vừa được người khác thay đổi" in stale.get_data(as_text=True)
    ok = client.post(f"/tasks/{task_id}/verify", data={"csrf_token": token, "version": str(version)})
    assert ok.status_code == 302
    assert 'data-status="verified_done"' in task_page(client, task_id)


def test_extension_request_and_decision_through_the_page(app, client, task_factory):
    task_id = task_factory(deadline=date(2026, 12, 10))
    token = form_token(signed_in(client, "sotc"))
    earlier = client.post(f"/tasks/{task_id}/extension", data={"csrf_token": token, "new_deadline": "05/12/2026",
                                                               "reason": "Chờ số liệu"})
    assert earlier.status_code == 422 and 'id="extension-new_deadline-error"' in earlier.get_data(as_text=True)
    assert client.post(f"/tasks/{task_id}/extension", data={"csrf_token": token, "new_deadline": "20/12/2026",
                                                            "reason": "Chờ số liệu"}).status_code == 302
    client = app.test_client()
    token = form_token(signed_in(client, "pct"))
    html = task_page(client, task_id)
    assert 'id="decide-form"' in html and "20/12/2026" in html
    with app.app_context():
        request_id = db.session.scalar(sa.select(ExtensionRequest.id))
    url = f"/tasks/{task_id}/extensions/{request_id}/decide"
    no_note = client.post(url, data={"csrf_token": token, "grant": "false"})
    assert no_note.status_code == 422 and 'id="decide-note-error"' in no_note.get_data(as_text=True)
    assert client.post(url, data={"csrf_token": token, "grant": "true"}).status_code == 302
    html = task_page(client, task_id)
    assert 'id="deadline-history"' in html and "20/12/2026" in html and "10/12/2026" in html


def test_the_office_enters_a_task_and_errors_are_shown_next_to_fields(app, client, task_people):
    token = form_token(signed_in(client, "chuyenvien"))
    form = client.get("/tasks/new")
    assert form.status_code == 200 and 'id="task-form"' in form.get_data(as_text=True)
    missing = client.post("/tasks/new", data={"csrf_token": token, "content": "", "lead_unit_id": "",
                                               "source": "manual"})
    assert missing.status_code == 422
    html = missing.get_data(as_text=True)
    assert 'id="content-error"' in html and 'id="lead_unit_id-error"' in html
    bad_date = client.post("/tasks/new", data={"csrf_token": token, "content": "Kiểm tra", "source": "manual",
                                                "lead_unit_id": str(task_people.unit_a), "deadline_on": "31/02/2027"})
    assert bad_date.status_code == 422 and 'id="deadline_on-error"' in bad_date.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 0
    saved = client.post("/tasks/new", data={
        "csrf_token": token, "content": "Tổng kết 5 năm thực hiện Nghị quyết", "source": "programme",
        "source_reference": "Chương trình công tác năm 2027", "lead_unit_id": str(task_people.unit_a),
        "coordinating_unit_ids": [str(task_people.unit_b), str(task_people.district)],
        "deadline_on": "15/01/2027", "assigned_by_id": str(task_people.leader), "priority": "urgent",
        "recurrence": "none"})
    assert saved.status_code == 302
    with app.app_context():
        task = db.session.scalar(sa.select(Task))
        assert (task.deadline_on, task.original_deadline_on) == (date(2027, 1, 15), date(2027, 1, 15))
        assert sorted(u.id for u in task.coordinating_units) == sorted([task_people.unit_b, task_people.district])
    html = task_page(client, task.id)
    assert "Tổng kết 5 năm thực hiện Nghị quyết" in html and "Chương trình công tác năm 2027" in html
    client = app.test_client()
    signed_in(client, "sotc")
    assert client.get("/tasks/new").status_code == 403


def test_split_and_cancel_through_the_page(app, client, task_factory, task_people):
    task_id = task_factory()
    token = form_token(signed_in(client, "chuyenvien"))
    one = client.post(f"/tasks/{task_id}/split", data={"csrf_token": token, "version": "1",
                                                       "unit_ids": [str(task_people.unit_a)]})
    assert one.status_code == 422 and 'id="split-unit_ids-error"' in one.get_data(as_text=True)
    assert client.post(f"/tasks/{task_id}/split", data={
        "csrf_token": token, "version": "1",
        "unit_ids": [str(task_people.unit_a), str(task_people.unit_b)]}).status_code == 302
    html = task_page(client, task_id)
    assert 'id="task-parts"' in html and html.count('id="task-row-') == 2 and 'id="report-form"' not in html
    with app.app_context():
        version = db.session.get(Task, task_id).version
    no_reason = client.post(f"/tasks/{task_id}/cancel", data={"csrf_token": token, "version": str(version)})
    assert no_reason.status_code == 422 and 'id="cancel-reason-error"' in no_reason.get_data(as_text=True)
    assert client.post(f"/tasks/{task_id}/cancel", data={"csrf_token": token, "version": str(version),
                                                         "reason": "Đã có chỉ đạo khác"}).status_code == 302
    html = task_page(client, task_id)
    assert 'id="cancel-reason"' in html and html.count('data-status="cancelled"') == 3


# --- in a real Chromium against the real server ----------------------------------------------------


@pytest.mark.browser
def test_a_task_entered_reported_with_a_file_and_verified_in_chromium(live_server, browser, tmp_path):
    office, office_page = signed_in_page(browser, live_server, "chuyenvien1", 1280, 800)
    liaison, liaison_page = signed_in_page(browser, live_server, "sotc", 800, 1280)
    errors: list[str] = []
    for page in (office_page, liaison_page):
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        start_new_task(office_page, live_server,
                       "Rà soát, tổng hợp danh mục dự án chậm giải ngân vốn đầu tư công năm 2026")
        office_page.fill("#deadline_on", "31/12/2026")
        office_page.click("#save-button")
        office_page.wait_for_selector('#task-page [data-status="new"]')
        task_url = office_page.url
        assert office_page.evaluate("document.documentElement.scrollWidth") <= 1280
        office_page.wait_for_load_state("load")
        assert office_page.locator("#nav-tasks").is_visible()  # "Nhiệm vụ" is top level, on the bar's one line
        tops = office_page.evaluate("['#nav-meetings', '#nav-notices', '#nav-tasks', '#nav-notifications']"
                                    ".map(s => Math.round(document.querySelector(s).getBoundingClientRect().top))")
        assert len(set(tops)) == 1, tops
        assert office_page.locator("#lead-unit").inner_text().strip() == "Sở Tài chính"

        pdf = tmp_path / "bao-cao-ket-qua.pdf"
        pdf.write_bytes(PDF)
        liaison_page.goto(task_url)
        liaison_page.fill("#report-text", "Đã rà soát toàn bộ 42 dự án, gửi kèm danh mục.")
        liaison_page.check("#report-done")
        liaison_page.set_input_files("#report-files", str(pdf))
        liaison_page.click("#report-button")
        liaison_page.wait_for_selector('#task-page [data-status="reported_done"]')
        assert "bao-cao-ket-qua.pdf" in liaison_page.locator("#task-reports").inner_text()
        assert liaison_page.evaluate("document.documentElement.scrollWidth") <= 800
        ARTIFACTS.mkdir(exist_ok=True)
        liaison_page.screenshot(path=str(ARTIFACTS / "task-reported-800x1280.png"), full_page=True)

        office_page.goto(task_url)
        office_page.click("#verify-button")
        office_page.wait_for_selector('#task-page [data-status="verified_done"]')
        office_page.screenshot(path=str(ARTIFACTS / "task-verified-1280x800.png"), full_page=True)
        assert errors == []
    finally:
        office.close()
        liaison.close()
