"""Material requests: deadlines in working days, validation, the agency's own view, fulfilment, the checklist,
the reminders job (once, idempotent, again for a new deadline) and the page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import Role, User
from ecabinet.core import clock
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.materials.requests import operations as requests
from ecabinet.materials.models import (
    AgendaItem,
    Material,
    MaterialRequest,
    RequestStatus,
)
from ecabinet.meetings.models import Meeting
from ecabinet.notify.models import Notification
from ecabinet.org.models import Unit
from ecabinet.workdays.operations import add_working_days
from tests.fixtures import pdfs
from tests.fixtures.factories import make_user
from tests.fixtures.web import api_token, csrf_from, web_login

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
AFTER_TET = datetime(2027, 2, 11, 1, 0, tzinfo=timezone.utc)  # Thursday 11/02/2027 08:00, right after Tết
WEEKEND_MONDAY = datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc)  # Monday 30/11/2026 08:00


def _at_eight(day: date) -> datetime:
    return datetime.combine(day, time(8), HANOI).astimezone(timezone.utc)


@pytest.fixture
def meeting_day(app):
    """A working day about two months ahead: the tests do not depend on the day they run."""
    with app.app_context():
        today = utcnow().astimezone(HANOI).date()
        return add_working_days(today + timedelta(days=60), 0)


@pytest.fixture
def agency_meeting(schedule_meeting, meeting_day, people):
    """Invites the Department of Finance and the district (whose liaison sees the meeting but is asked nothing)."""
    start = _at_eight(meeting_day)
    [created] = schedule_meeting(starts_at=start.isoformat(), ends_at=(start + timedelta(hours=2)).isoformat(),
                                 unit_ids=[people.department, people.district])
    return created


@pytest.fixture
def liaisons(app, people):
    """Tokens of three agencies' liaisons: Finance (the fixture's), Health (not invited), the district."""
    with app.app_context():
        make_user("soyt", db.session.get(Unit, people.other_department), Role.AGENCY_LIAISON)
        make_user("lienlachuyen", db.session.get(Unit, people.district), Role.AGENCY_LIAISON)
        db.session.commit()
    return people


@pytest.fixture
def item(client, agency_meeting, secretary, people):
    response = client.post(f"/api/v1/meetings/{agency_meeting['id']}/agenda", headers=secretary,
                           json={"title": "Dự toán ngân sách tỉnh năm 2027", "presenting_unit_id": people.department})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _ask(client, headers, item_id, expect=201, **body):
    response = client.post(f"/api/v1/agenda-items/{item_id}/material-requests", headers=headers, json=body)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def _checklist(client, headers, meeting_id, expect=200):
    response = client.get(f"/api/v1/meetings/{meeting_id}/material-requests", headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def _rows(checklist) -> list[dict]:
    return [row for entry in checklist["items"] for row in entry["rows"]]


def _notifications(app, key_prefix: str = "material-request:") -> list[tuple[str, int, str]]:
    with app.app_context():
        return [(n.event_key, n.user_id, n.kind) for n in db.session.scalars(
            sa.select(Notification).where(Notification.event_key.startswith(key_prefix)).order_by(Notification.id))]


def _api_upload(client, headers, meeting_id, item_id=None, seed=1):
    form = {"title": "Tờ trình dự toán ngân sách 2027", "doc_type": "submission",
            "file": (BytesIO(pdfs.text_pdf(2, seed=seed)), "to-trinh.pdf")}
    if item_id is not None:
        form["agenda_item_id"] = str(item_id)
    response = client.post(f"/api/v1/meetings/{meeting_id}/materials", headers=headers, data=form,
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# --- deadlines in working days ---------------------------------------------------------------

def test_the_default_deadline_counts_working_days_across_weekends_and_tet(app, schedule_meeting):
    after_tet = schedule_meeting(starts_at=AFTER_TET.isoformat(), ends_at=(AFTER_TET + timedelta(hours=2)).isoformat())
    monday = schedule_meeting(starts_at=WEEKEND_MONDAY.isoformat(),
                              ends_at=(WEEKEND_MONDAY + timedelta(hours=2)).isoformat(), room_id=None,
                              location="Hội trường tỉnh")
    with app.app_context():
        tet_meeting = db.session.get(Meeting, after_tet[0]["id"])
        monday_meeting = db.session.get(Meeting, monday[0]["id"])
        # 10/02 back to 04/02 is Tết and 06–07/02 a weekend: 03, 02, 01/02, 29 and 28/01 are the five days
        assert requests.default_due_on(tet_meeting, today=date(2027, 1, 4)) == date(2027, 1, 28)
        # the weekends and Vietnamese Culture Day (Tuesday 24/11) are skipped: 27, 26, 25, 23 and 20/11
        assert requests.default_due_on(monday_meeting, today=date(2026, 11, 2)) == date(2026, 11, 20)
        # called at short notice: the deadline cannot be in the past, it is today
        assert requests.default_due_on(tet_meeting, today=date(2027, 2, 2)) == date(2027, 2, 2)
        app.config["MATERIAL_DEADLINE_WORKING_DAYS"] = 1
        assert requests.default_due_on(tet_meeting, today=date(2027, 1, 4)) == date(2027, 2, 3)


def test_a_request_is_due_by_default_five_working_days_before_and_tells_the_liaison(
        app, client, secretary, item, agency_meeting, meeting_day, people):
    [created] = _ask(client, secretary, item["id"], note="Gửi kèm dự thảo nghị quyết")
    with app.app_context():
        expected = add_working_days(meeting_day, -5)
    assert created["due_on"] == expected.isoformat()
    assert created["unit"]["id"] == people.department  # the presenting agency, by default
    assert (created["status"], created["state"], created["late"], created["material_count"]) == \
        ("open", "missing", False, 0)
    assert _notifications(app) == [(f"material-request:{created['id']}", people.liaison, "material.request")]
    with app.app_context():
        notification = db.session.scalar(sa.select(Notification))
        assert notification.link == f"/meetings/{agency_meeting['id']}/material-requests"
        assert expected.strftime("%d/%m/%Y") in notification.subject and "Gửi kèm dự thảo" in notification.body


# --- validation --------------------------------------------------------------------------------

def test_bad_requests_are_refused_and_nothing_is_saved(
        app, client, secretary, item, agency_meeting, meeting_day, people, liaisons):
    with app.app_context():
        today = clock.today()
        inactive = db.session.get(Unit, people.other_department)
        inactive.active = False
        db.session.commit()
    cases = [
        ({"due_on": (meeting_day + timedelta(days=1)).isoformat()}, 422, "due_after_meeting"),
        ({"due_on": (today - timedelta(days=1)).isoformat()}, 422, "due_in_past"),
        ({"unit_ids": [people.department, 999_999]}, 422, "unknown_unit"),
        ({"unit_ids": [people.other_department]}, 422, "unknown_unit"),
        ({"unit_ids": ["sotc"]}, 422, "validation_error"),
        ({"due_on": "31/02/2027"}, 422, "validation_error"),
        ({"colour": "red"}, 422, "validation_error"),
    ]
    for body, status, code in cases:
        response = client.post(f"/api/v1/agenda-items/{item['id']}/material-requests", headers=secretary, json=body)
        assert (response.status_code, response.get_json()["error"]["code"]) == (status, code), body
        assert response.get_json()["error"]["message"]
    without_agency = client.post(f"/api/v1/meetings/{agency_meeting['id']}/agenda", headers=secretary,
                                 json={"title": "Báo cáo tình hình kinh tế - xã hội"}).get_json()
    refused = client.post(f"/api/v1/agenda-items/{without_agency['id']}/material-requests", headers=secretary,
                          json={})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (422, "no_unit")
    assert client.post("/api/v1/agenda-items/999999/material-requests", headers=secretary,
                       json={}).status_code == 404
    finance = api_token(client, "sotc")
    assert client.post(f"/api/v1/agenda-items/{item['id']}/material-requests", headers=finance,
                       json={}).status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MaterialRequest)) == 0
    _ask(client, secretary, item["id"])
    duplicate = client.post(f"/api/v1/agenda-items/{item['id']}/material-requests", headers=secretary,
                            json={"unit_ids": [people.department]})
    assert (duplicate.status_code, duplicate.get_json()["error"]["code"]) == (409, "duplicate_request")
    assert "Sở Tài chính" in duplicate.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MaterialRequest)) == 1


def test_a_cancelled_meeting_takes_no_requests(app, client, secretary, item):
    with app.app_context():
        from ecabinet.meetings.models import MeetingStatus

        db_item = db.session.get(AgendaItem, item["id"])
        db_item.meeting.status, db_item.meeting.status_reason = MeetingStatus.CANCELLED, "Lãnh đạo đi công tác"
        db.session.commit()
    refused = client.post(f"/api/v1/agenda-items/{item['id']}/material-requests", headers=secretary, json={})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "meeting_cancelled")


# --- who sees what ----------------------------------------------------------------------------

def test_a_liaison_sees_only_its_own_agency(app, client, secretary, item, agency_meeting, people, liaisons):
    finance_request, health_request = _ask(client, secretary, item["id"],
                                           unit_ids=[people.department, people.other_department])
    everything = _checklist(client, secretary, agency_meeting["id"])
    assert [r["unit"]["code"] for r in _rows(everything)] == ["sotc", "soyt"]
    assert everything["counts"] == {"requested": 2, "fulfilled": 0, "missing": 2, "overdue": 0}

    finance = api_token(client, "sotc")
    own = _checklist(client, finance, agency_meeting["id"])
    assert [r["id"] for r in _rows(own)] == [finance_request["id"]] and own["counts"]["requested"] == 1
    health = api_token(client, "soyt")  # asked, though its agency is not invited: sees its own request only
    assert [r["id"] for r in _rows(_checklist(client, health, agency_meeting["id"]))] == [health_request["id"]]

    district = api_token(client, "lienlachuyen")  # invited, asked for nothing
    theirs = _checklist(client, district, agency_meeting["id"])
    assert theirs["items"] == [] and theirs["counts"]["requested"] == 0
    for headers in (district, health):
        refused = client.patch(f"/api/v1/material-requests/{finance_request['id']}", headers=headers,
                               json={"status": "fulfilled"})
        assert refused.status_code == 404 and refused.get_json()["error"]["code"] == "not_found"
    assert client.patch(f"/api/v1/material-requests/{finance_request['id']}", headers=finance,
                        json={"status": "fulfilled"}).status_code == 403  # the secretariat marks by hand


def test_an_agency_not_asked_nor_invited_does_not_learn_the_meeting(client, item, agency_meeting, liaisons):
    health = api_token(client, "soyt")
    assert _checklist(client, health, agency_meeting["id"], expect=404)["error"]["code"] == "not_found"
    assert _checklist(client, health, 999_999, expect=404)["error"]["code"] == "not_found"


def test_a_confidential_material_counts_for_its_readers_only(app, client, secretary, item, agency_meeting, people):
    [asked] = _ask(client, secretary, item["id"])
    finance = api_token(client, "sotc")
    response = client.post(f"/api/v1/meetings/{agency_meeting['id']}/materials", headers=finance,
                           content_type="multipart/form-data",
                           data={"title": "Phương án nhân sự", "confidentiality": "confidential",
                                 "agenda_item_id": str(item["id"]), "file": (BytesIO(pdfs.text_pdf(1)), "mat.pdf")})
    assert response.status_code == 201, response.get_json()
    [row] = _rows(_checklist(client, secretary, agency_meeting["id"]))  # the meeting's secretary reads it
    assert (row["id"], row["material_count"]) == (asked["id"], 1)
    [row] = _rows(_checklist(client, api_token(client, "chanhvp"), agency_meeting["id"]))
    assert (row["id"], row["material_count"]) == (asked["id"], 0)


# --- fulfilment ---------------------------------------------------------------------------------

def test_an_upload_by_the_agency_fulfils_its_request(app, client, secretary, item, agency_meeting, people):
    [asked] = _ask(client, secretary, item["id"])
    finance = api_token(client, "sotc")
    general = _api_upload(client, secretary, agency_meeting["id"])  # of the whole agency_meeting: fulfils nothing
    by_secretary = _api_upload(client, secretary, agency_meeting["id"], item["id"], seed=2)  # another agency's upload
    uploaded = _api_upload(client, finance, agency_meeting["id"], item["id"], seed=3)
    with app.app_context():
        office_user = db.session.get(User, people.secretary)
        finance_user = db.session.get(User, people.liaison)
        assert requests.fulfil_on_upload(db.session.get(Material, general["id"]), finance_user) == []
        assert requests.fulfil_on_upload(db.session.get(Material, by_secretary["id"]), office_user) == []
        requests.fulfil_on_upload(db.session.get(Material, uploaded["id"]), finance_user)  # no-op if wired
        db.session.commit()
        assert requests.fulfil_on_upload(db.session.get(Material, uploaded["id"]), finance_user) == []
    [row] = _rows(_checklist(client, secretary, agency_meeting["id"]))
    assert row["id"] == asked["id"] and row["status"] == "fulfilled" and row["state"] == "submitted"
    assert row["material_count"] == 1 and row["late"] is False and row["fulfilled_at"]


def test_the_secretariat_marks_received_reopens_and_cancels(app, client, secretary, item, agency_meeting):
    [asked] = _ask(client, secretary, item["id"])
    url = f"/api/v1/material-requests/{asked['id']}"
    received = client.patch(url, headers=secretary, json={"status": "fulfilled"}).get_json()
    assert (received["status"], received["state"], received["material_count"]) == ("fulfilled", "submitted", 0)
    reopened = client.patch(url, headers=secretary, json={"status": "open"}).get_json()
    assert (reopened["status"], reopened["fulfilled_at"]) == ("open", None)
    cancelled = client.patch(url, headers=secretary, json={"status": "cancelled", "note": "Không cần nữa"}).get_json()
    assert (cancelled["state"], cancelled["note"]) == ("cancelled", "Không cần nữa")
    refused = client.patch(url, headers=secretary, json={"status": "fulfilled"})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "request_cancelled")
    for body in ({"due_on": None}, {"status": "done"}, {"due_on": "2027-02-30"}):
        assert client.patch(url, headers=secretary, json=body).status_code == 422, body
    assert client.patch("/api/v1/material-requests/999999", headers=secretary, json={}).status_code == 404
    counts = _checklist(client, secretary, agency_meeting["id"])["counts"]
    assert counts == {"requested": 0, "fulfilled": 0, "missing": 0, "overdue": 0}  # cancelled ones do not count


# --- the checklist ---------------------------------------------------------------------------

def test_the_checklist_counts_equal_its_rows(
        app, client, secretary, item, agency_meeting, meeting_day, people, liaisons):
    second = client.post(f"/api/v1/meetings/{agency_meeting['id']}/agenda", headers=secretary,
                         json={"title": "Đề án phát triển y tế cơ sở", "presenting_unit_id": people.other_department})
    second = second.get_json()
    with app.app_context():
        today = clock.today()
        actor = db.session.get(User, people.secretary)
        first_item, second_item = db.session.get(AgendaItem, item["id"]), db.session.get(AgendaItem, second["id"])
        past = today - timedelta(days=10)
        (overdue,) = requests.request_materials(first_item, [people.department], actor, today=past,
                                                due_on=past + timedelta(days=2))
        (late,) = requests.request_materials(first_item, [people.district], actor, today=past,
                                             due_on=past + timedelta(days=2))
        requests.fulfil(late, now=utcnow())
        (on_time, missing, cancelled) = requests.request_materials(
            second_item, [people.other_department, people.office, people.province], actor)
        requests.fulfil(on_time)
        requests.cancel_request(cancelled)
        db.session.commit()
    checklist = _checklist(client, secretary, agency_meeting["id"])
    rows = _rows(checklist)
    assert [e["item"]["id"] for e in checklist["items"]] == [item["id"], second["id"]]
    states = [r["state"] for r in rows]
    assert states == ["overdue", "late", "submitted", "missing", "cancelled"]
    assert [r["late"] for r in rows] == [True, True, False, False, False]
    live = [r for r in rows if r["status"] != "cancelled"]
    assert checklist["counts"] == {
        "requested": len(live), "fulfilled": sum(r["status"] == "fulfilled" for r in live),
        "missing": sum(r["status"] == "open" for r in live), "overdue": sum(r["overdue"] for r in live),
    } == {"requested": 4, "fulfilled": 2, "missing": 2, "overdue": 1}


# --- reminders (the scheduled job) -----------------------------------------------------------------

def _request(app, item_id: int, unit_id: int, actor_id: int, today: date, due_on: date | None = None) -> int:
    with app.app_context():
        (created,) = requests.request_materials(db.session.get(AgendaItem, item_id), [unit_id],
                                                db.session.get(User, actor_id), due_on=due_on, today=today)
        db.session.commit()
        return created.id


def _remind(app, today: date) -> list[tuple[str, int]]:
    with app.app_context():
        sent = requests.remind_due(today=today)
        result = sorted((n.event_key, n.user_id) for n in sent)
        db.session.commit()
        return result


def test_reminders_go_out_once_before_and_once_on_the_deadline(app, client, item, meeting_day, people,
                                                               fresh_app):
    with app.app_context():
        due = add_working_days(meeting_day, -5)
        eve = add_working_days(due, -1)
        start = add_working_days(eve, -3)
    request_id = _request(app, item["id"], people.department, people.secretary, today=start)
    key = f"material-request:{request_id}"
    assert _remind(app, add_working_days_in(app, eve, -1)) == []  # too early
    assert _remind(app, eve) == [(f"{key}:before:{due.isoformat()}", people.liaison)]
    assert _remind(app, eve) == []  # the job ran again: nothing more
    assert _remind(app, due) == sorted([(f"{key}:due:{due.isoformat()}", people.liaison),
                                        (f"{key}:due:{due.isoformat()}", people.secretary)])
    assert _remind(app, due) == [] and _remind(app, due + timedelta(days=3)) == []
    with app.app_context():
        stored = db.session.get(MaterialRequest, request_id)
        assert stored.reminded_before_at and stored.reminded_due_at
        today_reminder = db.session.scalar(sa.select(Notification).where(
            Notification.event_key == f"{key}:due:{due.isoformat()}", Notification.user_id == people.liaison))
        assert today_reminder.kind == "material.request_reminder" and "hôm nay" in today_reminder.subject
    with fresh_app().app_context():  # the scheduler restarted
        assert requests.remind_due(today=due) == [] and requests.remind_due(today=eve) == []
        db.session.commit()

    # a later deadline: the reminders were cleared and go out again, for the new date
    new_due = add_working_days_in(app, due, 2)
    with app.app_context():
        stored = db.session.get(MaterialRequest, request_id)
        changed = requests.change_request(stored, due_on=new_due, today=start)
        assert [n.event_key for n in changed] == [f"{key}:due-changed:{new_due.isoformat()}"]
        assert stored.reminded_before_at is None and stored.reminded_due_at is None
        db.session.commit()
    assert _remind(app, new_due) == sorted([(f"{key}:due:{new_due.isoformat()}", people.liaison),
                                            (f"{key}:due:{new_due.isoformat()}", people.secretary)])
    assert _remind(app, new_due) == []  # on the deadline day only the due reminder went, never both


def add_working_days_in(app, day: date, count: int) -> date:
    with app.app_context():
        return add_working_days(day, count)


def test_a_first_run_after_the_deadline_sends_one_overdue_reminder(app, client, item, meeting_day,
                                                                   people):
    with app.app_context():
        due = add_working_days(meeting_day, -5)
    request_id = _request(app, item["id"], people.department, people.secretary, today=due - timedelta(days=20))
    late_day = add_working_days_in(app, due, 2)
    assert [k for k, _ in _remind(app, late_day)] == [f"material-request:{request_id}:due:{due.isoformat()}"] * 2
    with app.app_context():
        subjects = set(db.session.scalars(sa.select(Notification.subject).where(
            Notification.kind == "material.request_reminder")))
        assert len(subjects) == 1 and "quá hạn" in subjects.pop()
        assert db.session.get(MaterialRequest, request_id).reminded_before_at is None  # skipped, not sent
    assert _remind(app, late_day + timedelta(days=1)) == []


def test_fulfilled_and_cancelled_requests_are_not_reminded(app, client, item, meeting_day, people,
                                                           liaisons):
    with app.app_context():
        due = add_working_days(meeting_day, -5)
    start = due - timedelta(days=20)
    fulfilled = _request(app, item["id"], people.department, people.secretary, today=start)
    cancelled = _request(app, item["id"], people.other_department, people.secretary, today=start)
    with app.app_context():
        requests.fulfil(db.session.get(MaterialRequest, fulfilled))
        requests.cancel_request(db.session.get(MaterialRequest, cancelled))
        db.session.commit()
    for day in (add_working_days_in(app, due, -1), due, due + timedelta(days=5)):
        assert _remind(app, day) == []


def test_the_job_is_in_the_scheduler_table_and_runs(app, client, item, people):
    from ecabinet.scheduler import _jobs, run_job

    [job] = [j for j in _jobs() if j.id == "remind-material-requests"]
    assert job.run is requests.remind_due
    run_job(app, job)  # nothing due today: runs, commits, pushes nothing
    assert _notifications(app) == []


# --- the page ------------------------------------------------------------------------------------

def test_the_page_asks_agencies_and_shows_the_checklist_in_vietnamese(app, pages, item, agency_meeting, meeting_day,
                                                                     people):
    assert web_login(pages, "chuyenvien").status_code == 302
    url = f"/meetings/{agency_meeting['id']}/material-requests"
    page = pages.get(url)
    html = page.get_data(as_text=True)
    with app.app_context():
        due = add_working_days(meeting_day, -5)
    assert page.status_code == 200
    assert "Đề nghị cung cấp tài liệu" in html and "Danh mục tài liệu" in html
    assert f'value="{due.strftime("%d/%m/%Y")}"' in html
    token = csrf_from(html)
    form = {"csrf_token": token, "agenda_item_id": str(item["id"]), "unit_ids": [str(people.department)],
            "note": "Nộp bản điện tử có chữ ký số"}

    bad_date = pages.post(url, data={**form, "due_on": "31/02/2027"})
    assert bad_date.status_code == 422
    assert "Nhập ngày theo dạng dd/mm/yyyy." in bad_date.get_data(as_text=True)
    after = pages.post(url, data={**form, "due_on": (meeting_day + timedelta(days=1)).strftime("%d/%m/%Y")})
    after_html = after.get_data(as_text=True)
    assert after.status_code == 422 and "Hạn nộp không được sau ngày họp" in after_html
    assert "Nộp bản điện tử có chữ ký số" in after_html  # the form keeps what was typed
    no_item = pages.post(url, data={**form, "agenda_item_id": ""})
    assert no_item.status_code == 422 and "Chọn một nội dung của chương trình họp." in no_item.get_data(as_text=True)
    assert pages.post(url, data={**form, "csrf_token": "x"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MaterialRequest)) == 0

    sent = pages.post(url, data={**form, "due_on": due.strftime("%d/%m/%Y")}, follow_redirects=True)
    html = sent.get_data(as_text=True)
    assert sent.status_code == 200 and "Chưa nộp" in html and due.strftime("%d/%m/%Y") in html
    with app.app_context():
        request_id = db.session.scalar(sa.select(MaterialRequest.id))
    received = pages.post(f"{url}/{request_id}/status", data={"csrf_token": csrf_from(html), "status": "fulfilled"},
                            follow_redirects=True)
    assert "Đã nộp" in received.get_data(as_text=True)
    assert 'id="count-fulfilled">1<' in received.get_data(as_text=True)


def test_a_liaison_sees_its_requests_with_the_way_to_upload(
        app, client, pages, secretary, item, agency_meeting, people, liaisons):
    _ask(client, secretary, item["id"], unit_ids=[people.department, people.other_department])
    url = f"/meetings/{agency_meeting['id']}/material-requests"
    assert web_login(pages, "sotc").status_code == 302
    html = pages.get(url).get_data(as_text=True)
    assert "Tài liệu đề nghị cơ quan cung cấp" in html and "Sở Tài chính" in html and "Sở Y tế" not in html
    assert f'href="/meetings/{agency_meeting["id"]}/agenda#item-{item["id"]}"' in html
    assert 'id="request-form"' not in html
    with app.app_context():
        request_id = db.session.scalar(sa.select(MaterialRequest.id).where(
            MaterialRequest.unit_id == people.other_department))
    refused = pages.post(f"{url}/{request_id}/status", data={"csrf_token": csrf_from(html), "status": "fulfilled"})
    assert refused.status_code == 404
    pages.post("/logout", data={"csrf_token": csrf_from(html)})
    assert web_login(pages, "lienlachuyen").status_code == 302
    district_html = pages.get(url).get_data(as_text=True)
    assert "Chưa có đề nghị cung cấp tài liệu nào gửi cơ quan" in district_html and "Sở Tài chính" not in district_html


def test_upload_fulfils_the_request(app, client, secretary, item, agency_meeting):
    [asked] = _ask(client, secretary, item["id"])
    _api_upload(client, api_token(client, "sotc"), agency_meeting["id"], item["id"])
    [row] = _rows(_checklist(client, secretary, agency_meeting["id"]))
    assert (row["id"], row["state"], row["material_count"]) == (asked["id"], "submitted", 1)
    with app.app_context():
        assert db.session.get(MaterialRequest, asked["id"]).status == RequestStatus.FULFILLED
