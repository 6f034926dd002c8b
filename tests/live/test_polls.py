"""Written opinions (phiếu lấy ý kiến): asking, answering (also on paper), the reminder job (once, across a
restart), closing at the deadline, the consolidated result and its Excel export, refusals and the pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from ecabinet.accounts.models import Role
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.i18n import format_datetime
from ecabinet.live.polls import operations as polls
from ecabinet.live.models import OpinionPoll, PollStatus
from ecabinet.notify.models import Notification
from ecabinet.org.models import Unit
from ecabinet.policy import Action, poll_visibility
from ecabinet.scheduler import _jobs, run_job
from tests.fixtures.factories import make_user
from tests.fixtures.spreadsheets import FORMULA_PAYLOADS, assert_no_formula
from tests.fixtures.statements import statements_run
from tests.fixtures.visibility import visible_counts
from tests.fixtures.web import api_token, csrf_from, web_login


@pytest.fixture
def poll_members(app, people):
    """Two more members of the committee: one answers on paper, the other never answers."""
    with app.app_context():
        province = db.session.get(Unit, people.province)
        ids = (make_user("uyvien", province, Role.MEMBER, full_name="Lê Thị Hoa").id,
               make_user("uyvien2", province, Role.MEMBER, full_name="Phạm Quốc Bảo").id)
        db.session.commit()
    return ids


@pytest.fixture
def absent_meeting(client, schedule_meeting, venue, secretary, people):
    """A meeting the Chairman (chutich) cannot attend."""
    [meeting] = schedule_meeting(invitee_ids=[people.office_leader, venue.second_leader])
    [invitation] = [i for i in meeting["invitations"] if i["user"] and i["user"]["id"] == venue.second_leader]
    response = client.post(f"/api/v1/invitations/{invitation['id']}", headers=secretary,
                           json={"response": "absent", "reason": "Đi công tác Trung ương"})
    assert response.status_code == 200, response.get_json()
    return meeting


def _create(client, headers, expect=201, **body):
    body = {"title": "Xin ý kiến về chủ trương đầu tư dự án đường ven biển",
            "question": "Đồng ý chủ trương đầu tư dự án đường ven biển đoạn qua huyện Bình Sơn?",
            "deadline_at": (utcnow() + timedelta(hours=2)).isoformat(), **body}
    response = client.post("/api/v1/opinion-polls", headers=headers, json=body)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def _answer(client, headers, poll_id, expect=200, **body):
    response = client.post(f"/api/v1/opinion-polls/{poll_id}/answers", headers=headers, json=body)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def _notified(app, key):
    with app.app_context():
        return sorted(db.session.scalars(sa.select(Notification.user_id).where(Notification.event_key == key)))


def _listing_statements(app, client, headers) -> int:
    with app.app_context(), statements_run(db.engine) as seen:
        assert client.get("/api/v1/opinion-polls", headers=headers).status_code == 200
    return len(seen)


def _job():
    return next(job for job in _jobs() if job.id == "remind-opinion-polls")


def test_the_life_of_an_opinion_poll(app, client, fresh_app, people, venue, poll_members,
                                     absent_meeting, secretary):
    paper, silent = poll_members
    poll = _create(client, secretary, meeting_id=absent_meeting["id"], member_ids=[people.leader, paper, silent])
    asked = sorted([venue.second_leader, people.leader, paper, silent])
    assert sorted(m["id"] for m in poll["members"]) == asked  # the absent Chairman is asked by default
    assert _notified(app, f"opinion-poll:{poll['id']}") == asked
    with app.app_context():
        links = set(db.session.scalars(sa.select(Notification.link).where(Notification.kind == "opinion.request")))
    assert links == {f"/opinion-polls/{poll['id']}"}

    chairman, leader = api_token(client, "chutich"), api_token(client, "pct")
    refused = _answer(client, chairman, poll["id"], 422, answer="other", text="  ")
    assert refused["error"]["code"] == "text_required"
    _answer(client, chairman, poll["id"], answer="other", text="Đề nghị bổ sung đánh giá tác động môi trường.")
    assert _answer(client, leader, poll["id"], answer="agree")["my_answer"] == "agree"
    assert _answer(client, leader, poll["id"], answer="disagree", text="Chưa cân đối được vốn.")["my_answer"] \
        == "disagree"  # changed while open
    _answer(client, leader, poll["id"], 403, answer="agree", for_user_id=paper)  # a member cannot answer for another
    office = api_token(client, "chanhvp")
    _answer(client, office, poll["id"], answer="agree", text="Phiếu giấy ngày 22/11", for_user_id=paper)
    _answer(client, office, poll["id"], 422, answer="agree", for_user_id=people.liaison)  # not asked

    for runner in (app, app, fresh_app()):  # the job twice, then after a restart of the scheduler
        run_job(runner, _job())
    assert _notified(app, f"opinion-poll:{poll['id']}:reminder") == [silent]  # once, to who has not answered
    with app.app_context():
        assert db.session.get(OpinionPoll, poll["id"]).reminded_at is not None

    with app.app_context():
        stored = db.session.get(OpinionPoll, poll["id"])
        created = polls.remind_due(now=stored.deadline_at + timedelta(minutes=1))
        db.session.commit()
        assert [n.user_id for n in created] == [people.secretary]
        assert stored.status == PollStatus.CLOSED and stored.closed_at is not None
    assert _notified(app, f"opinion-poll:{poll['id']}:closed") == [people.secretary]
    assert _answer(client, leader, poll["id"], 409, answer="agree")["error"]["code"] == "poll_closed"

    result = client.get(f"/api/v1/opinion-polls/{poll['id']}", headers=secretary).get_json()
    assert result["status"] == "closed"
    counts = result["result"]["counts"]
    assert counts == {"agree": 1, "disagree": 1, "other": 1, "missing": 1, "asked": 4}
    answers = {a["member"]["id"]: a for a in result["result"]["answers"]}
    assert {k: a["answer"] for k, a in answers.items()} == {venue.second_leader: "other", people.leader: "disagree",
                                                            paper: "agree"}
    assert answers[paper]["answered_by"]["id"] == people.office_leader
    assert answers[people.leader]["answered_by"]["id"] == people.leader
    assert [m["id"] for m in result["result"]["not_answered"]] == [silent]

    export = client.get(f"/api/v1/opinion-polls/{poll['id']}/export.xlsx", headers=secretary)
    assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(export.data))
    assert book.sheetnames == ["Tổng hợp", "Ý kiến"]
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True) if row[0]}
    assert (summary["Đồng ý"], summary["Không đồng ý"], summary["Ý kiến khác"], summary["Chưa trả lời"]) == (1, 1, 1, 1)
    rows = list(book["Ý kiến"].iter_rows(values_only=True))
    assert rows[0] == ("STT", "Thành viên", "Chức vụ", "Ý kiến", "Nội dung", "Thời gian", "Người nhập")
    by_name = {row[1]: row for row in rows[1:]}
    assert len(by_name) == 4
    assert by_name["Lê Thị Hoa"][3:5] == ("Đồng ý", "Phiếu giấy ngày 22/11")
    assert by_name["Lê Thị Hoa"][6] == "Nguyễn Văn Chanhvp"
    assert by_name["Phạm Quốc Bảo"][3] == "Chưa trả lời"
    with app.app_context():
        when = format_datetime(datetime.fromisoformat(answers[people.leader]["answered_at"]))
    assert by_name["Nguyễn Văn Pct"][5] == when  # dd/mm/yyyy HH:MM, local time
    assert by_name["Nguyễn Văn Pct"][3:5] == ("Không đồng ý", "Chưa cân đối được vốn.")


def test_a_poll_without_a_meeting_is_cancelled_and_closed_once(app, client, people, poll_members, secretary):
    poll = _create(client, secretary, member_ids=list(poll_members))
    assert poll["meeting_id"] is None and poll["result"]["counts"]["missing"] == 2
    cancelled = client.post(f"/api/v1/opinion-polls/{poll['id']}/cancel", headers=secretary)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert _notified(app, f"opinion-poll:{poll['id']}:cancelled") == sorted(poll_members)
    assert client.post(f"/api/v1/opinion-polls/{poll['id']}/close", headers=secretary).status_code == 409
    _answer(client, api_token(client, "uyvien"), poll["id"], 409, answer="agree")
    listing_one = _listing_statements(app, client, secretary)
    other = _create(client, secretary, member_ids=[poll_members[0]])
    assert _listing_statements(app, client, secretary) == listing_one  # as many statements however many forms
    assert client.post(f"/api/v1/opinion-polls/{other['id']}/close", headers=secretary).get_json()["status"] == "closed"
    assert _notified(app, f"opinion-poll:{other['id']}:closed") == [people.secretary]
    listed = client.get("/api/v1/opinion-polls?status=closed", headers=secretary).get_json()
    assert [p["id"] for p in listed] == [other["id"]]
    assert [p["id"] for p in client.get("/api/v1/opinion-polls", headers=secretary).get_json()] == \
        [other["id"], poll["id"]]  # newest first
    mine = client.get("/api/v1/opinion-polls", headers=api_token(client, "uyvien2")).get_json()
    assert [p["id"] for p in mine] == [poll["id"]]  # only the forms it was asked
    with app.app_context():  # the list's SQL filter, for every account: the Office, its author, the two asked
        assert visible_counts(poll_visibility, OpinionPoll, Action.VIEW_POLL) == {0, 1, 2}


def test_refusals(app, client, people, poll_members, secretary):
    past = _create(client, secretary, 422, member_ids=list(poll_members),
                   deadline_at=(utcnow() - timedelta(minutes=1)).isoformat())
    assert past["error"]["code"] == "deadline_past"
    unknown = _create(client, secretary, 422, member_ids=[poll_members[0], 999_999])
    assert unknown["error"]["code"] == "unknown_member"
    assert _create(client, secretary, 422, member_ids=[])["error"]["code"] == "no_members"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OpinionPoll.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    for username in ("quansat", "sotc", "pct"):  # viewer, agency liaison, leader
        _create(client, api_token(client, username), 403, member_ids=list(poll_members))
    poll = _create(client, secretary, member_ids=[poll_members[0]])
    _answer(client, api_token(client, "pct"), poll["id"], 403, answer="agree")  # not asked
    assert client.get(f"/api/v1/opinion-polls/{poll['id']}", headers=api_token(client, "sotc")).status_code == 403
    assert client.get(f"/api/v1/opinion-polls/{poll['id']}/export.xlsx",
                      headers=api_token(client, "uyvien2")).status_code == 403
    assert client.get("/api/v1/opinion-polls/999999", headers=secretary).status_code == 404


def test_the_pages_in_vietnamese(app, client, people, poll_members):
    web_login(client, "chuyenvien")
    form = client.get("/opinion-polls/new")
    assert form.status_code == 200 and "Phiếu lấy ý kiến mới" in form.get_data(as_text=True)
    token = csrf_from(form.get_data(as_text=True))
    bad = client.post("/opinion-polls/new", data={"csrf_token": token, "title": "", "question": "Nội dung",
                                                   "deadline_date": "31/02/2026", "deadline_time": "25:00",
                                                   "member_ids": [str(poll_members[0])]})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Chưa lưu gì" in html and "Nhập ngày theo dạng dd/mm/yyyy" in html and "Nhập giờ theo dạng" in html
    yesterday = (utcnow() - timedelta(days=1)).strftime("%d/%m/%Y")
    past = client.post("/opinion-polls/new", data={"csrf_token": token, "title": "Xin ý kiến", "question": "Nội dung",
                                                    "deadline_date": yesterday, "deadline_time": "08:00",
                                                    "member_ids": [str(poll_members[0])]})
    assert past.status_code == 422 and "Hạn trả lời phải sau thời điểm hiện tại" in past.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OpinionPoll.id))) == 0
    later = (utcnow() + timedelta(days=3)).strftime("%d/%m/%Y")
    created = client.post("/opinion-polls/new", data={
        "csrf_token": token, "title": "Xin ý kiến về quy hoạch", "question": "Đồng ý quy hoạch phân khu?",
        "deadline_date": later, "deadline_time": "17:00", "member_ids": [str(poll_members[0])]})
    assert created.status_code == 302
    detail = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "Đồng ý quy hoạch phân khu?" in detail and "Xuất Excel" in detail and "Đang lấy ý kiến" in detail
    assert f"{later} 17:00" in detail

    member = app.test_client()
    web_login(member, "uyvien")
    page = member.get(created.headers["Location"]).get_data(as_text=True)
    assert "Ý kiến của đồng chí" in page and "Xuất Excel" not in page
    refused = member.post(created.headers["Location"] + "/answers",
                          data={"csrf_token": csrf_from(page), "answer": "other", "text": ""})
    assert refused.status_code == 422 and "Ghi rõ ý kiến khi chọn" in refused.get_data(as_text=True)
    answered = member.post(created.headers["Location"] + "/answers",
                           data={"csrf_token": csrf_from(page), "answer": "agree"}, follow_redirects=True)
    assert answered.status_code == 200 and 'data-answer="agree"' in answered.get_data(as_text=True)
    listing = member.get("/opinion-polls").get_data(as_text=True)
    assert "Xin ý kiến về quy hoạch" in listing and "Ý kiến bằng văn bản" in listing
    assert member.get("/opinion-polls/new").status_code == 403
    result = client.get(created.headers["Location"]).get_data(as_text=True)
    assert 'id="count-agree">1<' in result and "Lê Thị Hoa" in result and "Kết quả tổng hợp" in result


def test_the_export_neutralises_formulas_and_a_paper_answer_never_replaces_the_members_own(
        app, client, people, poll_members, secretary):
    paper, _silent = poll_members
    poll = _create(client, secretary, title=FORMULA_PAYLOADS[0], question="@SUM(1+1)",
                   member_ids=[people.leader, paper])
    leader, office = api_token(client, "pct"), api_token(client, "chanhvp")
    _answer(client, leader, poll["id"], answer="other", text="=1+1")
    refused = _answer(client, office, poll["id"], 409, answer="agree", text="Phiếu giấy", for_user_id=people.leader)
    assert refused["error"]["code"] == "answered_by_member"
    _answer(client, office, poll["id"], answer="other", text="-1+1", for_user_id=paper)
    _answer(client, office, poll["id"], answer="other", text="+cmd|' /C calc'!A0", for_user_id=paper)  # corrected
    answers = {a["member"]["id"]: a for a in
               client.get(f"/api/v1/opinion-polls/{poll['id']}", headers=secretary).get_json()["result"]["answers"]}
    assert (answers[people.leader]["text"], answers[people.leader]["answered_by"]["id"]) == ("=1+1", people.leader)
    assert answers[paper]["text"] == "+cmd|' /C calc'!A0"

    export = client.get(f"/api/v1/opinion-polls/{poll['id']}/export.xlsx", headers=secretary)
    texts = assert_no_formula(export.data)
    assert {"'" + FORMULA_PAYLOADS[0], "'@SUM(1+1)", "'=1+1", "'+cmd|' /C calc'!A0"} <= set(texts)
