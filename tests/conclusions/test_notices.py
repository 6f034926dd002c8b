"""The conclusion notice: drafted when the meeting ends, reviewed, approved, issued with the register's next
number, a frozen PDF whose text is the expected Vietnamese text, tasks with deadlines in working days, and the
notice sent to its recipients; rejections, refusals, corrections, reminders and concurrent issuing."""

from __future__ import annotations

import hashlib
import threading
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.notices import drafting as notice_drafting
from ecabinet.notices import issuing as notice_issuing
from ecabinet.notices import reminders as notice_reminders
from ecabinet.notices.document import notice_document
from ecabinet.notices.models import Notice, NoticeEvent, NoticeEventKind, NoticeStatus
from ecabinet.core import storage
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.documents import render_text
from ecabinet.documents.fontdir import FontMissing
from ecabinet.documents.formatting import squash
from ecabinet.notify import delivery
from ecabinet.notify.models import Notification
from ecabinet.registers import operations as registers
from ecabinet.registers.models import DocumentRegister, NumberStatus, RegisterNumber
from ecabinet.tasks.models import Task
from tests.fixtures.conclusions import DATE_DEADLINE, conclude, end_meeting
from tests.fixtures.meetings import MONDAY_8H
from tests.fixtures.notices import FRIDAY_ISSUE, TET_ISSUE, approved_notices, draft, issue_at, run_job, to_approved
from tests.fixtures.pdf_text import full_text, missing_lines
from tests.fixtures.web import ok


def second_meeting(client, schedule_meeting, secretary, people) -> int:
    """Another ended meeting with conclusions (the next day)."""
    [meeting] = schedule_meeting(title="Họp bàn phương án phòng, chống bão lũ",
                                 starts_at=MONDAY_8H.replace(day=1, month=12).isoformat(),
                                 ends_at=MONDAY_8H.replace(day=1, month=12, hour=3).isoformat())
    item = ok(client.post(f"/api/v1/meetings/{meeting['id']}/agenda", headers=secretary,
                          json={"title": "Phương án phòng, chống bão lũ", "presenting_unit_id": people.district}), 201)
    end_meeting(client, secretary, meeting)
    conclude(client, secretary, meeting["id"], [item["id"], item["id"]], people)
    return meeting["id"]


# --- the whole lifecycle -------------------------------------------------------------------------

def test_lifecycle_from_meeting_end_to_issued_notice(app, client, concluded_meeting, desk, mailable,
                                                     smtp_server, schedule_meeting, secretary, people):
    meeting = concluded_meeting
    # The job drafts the notice once, however often it runs, and tells the secretary.
    assert run_job(app, notice_drafting.draft_for_ended_meetings) == [(people.secretary, "notice.drafted")]
    assert run_job(app, notice_drafting.draft_for_ended_meetings) == []
    notice = draft(app, client, meeting.id, desk)
    assert notice["status"] == "draft" and notice["symbol"] == "TB-UBND"
    assert notice["summary"] == ("Kết luận của Phó Chủ tịch UBND tỉnh Nguyễn Văn Pct tại cuộc họp nghe báo cáo "
                                 "tình hình thực hiện kế hoạch đầu tư công năm 2026")
    assert notice["opening"].startswith("Ngày 22/11/2026, Phó Chủ tịch UBND tỉnh Nguyễn Văn Pct chủ trì cuộc họp "
                                        "nghe báo cáo")
    assert "Sau khi nghe Sở Tài chính báo cáo và ý kiến của các đại biểu dự họp" in notice["opening"]
    assert notice["signature_authority"] == ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
    assert notice["signer"]["username"] == "chanhvp"
    assert [r["label"] for r in notice["recipients"]] == [
        "Phó Chủ tịch UBND tỉnh Nguyễn Văn Pct (để báo cáo)", "Sở Tài chính"]

    # The secretary edits it (the version guards against lost updates) and adds a label-only line.
    recipients = [*({k: r[k] for k in ("unit_id", "user_id", "label")} for r in notice["recipients"]),
                  {"label": "Chủ tịch, các PCT UBND tỉnh"}]
    edited = ok(client.put(f"/api/v1/notices/{notice['id']}", headers=desk["chuyenvien"], json={
        "version": notice["version"], "archive_mark": "KTTH", "recipients": recipients}))
    assert edited["archive_mark"] == "KTTH" and edited["version"] > notice["version"]
    stale = client.put(f"/api/v1/notices/{notice['id']}", headers=desk["chuyenvien"],
                       json={"version": notice["version"], "archive_mark": "TH"})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "edit_conflict"

    approved = to_approved(client, notice["id"], desk)
    labels = [r["label"] for r in approved["recipients"]]
    # Submitting added every agency given a directive (Sở Y tế leads one, the district coordinates).
    assert labels == ["Phó Chủ tịch UBND tỉnh Nguyễn Văn Pct (để báo cáo)", "Sở Tài chính",
                      "Chủ tịch, các PCT UBND tỉnh", "Sở Y tế", "Ủy ban nhân dân huyện Bình Sơn"]

    issued = ok(client.post(f"/api/v1/notices/{notice['id']}/issue", headers=desk["vanthu"]))
    assert issued["status"] == "issued" and issued["number"] == 1 and issued["number_symbol"] == "01/TB-UBND"
    assert [e["kind"] for e in issued["events"]] == ["created", "edited", "submitted", "reviewed", "approved",
                                                     "issued"]

    pdf = client.get(f"/api/v1/notices/{notice['id']}.pdf", headers=desk["sotc"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == issued["pdf_sha256"]
    source = client.get(f"/api/v1/notices/{notice['id']}.txt", headers=desk["sotc"])
    assert source.headers["Content-Type"] == "text/plain; charset=utf-8"
    with app.app_context():
        stored = db.session.get(Notice, notice["id"])
        assert storage.read_bytes(stored.pdf_sha256) == pdf.data
        expected = render_text(notice_document(stored, number=1, issued_on=stored.issued_on))
        issued_on = stored.issued_on
    assert source.get_data(as_text=True) == expected
    assert missing_lines(expected.splitlines(), pdf.data) == []
    text = full_text(pdf.data)
    working_days_deadline = f"{issued['tasks'][1]['deadline_on'][8:10]}/{issued['tasks'][1]['deadline_on'][5:7]}/" \
                            f"{issued['tasks'][1]['deadline_on'][:4]}"
    for line in ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "THÔNG BÁO", "Số: 01/TB-UBND", "Nơi nhận:",
                 "- Lưu: VT, KTTH.", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Nguyễn Văn Chanhvp",
                 squash(issued["summary"]), "- Chủ tịch, các PCT UBND tỉnh;",
                 f"Quảng Ngãi, ngày {issued_on.day:02d} tháng",
                 "- Giao Sở Tài chính chủ trì tổng hợp danh mục dự án chậm giải ngân; hoàn thành trước ngày "
                 f"{DATE_DEADLINE:%d/%m/%Y}.",
                 "- Giao Sở Tài chính chủ trì rà soát, đề xuất điều chuyển vốn giữa các dự án; hoàn thành trước ngày "
                 f"{working_days_deadline}.",
                 "- Giao Sở Y tế chủ trì, phối hợp với Sở Tài chính, Ủy ban nhân dân huyện Bình Sơn xây dựng kế hoạch "
                 "triển khai Đề án; báo cáo kết quả về Ủy ban nhân dân tỉnh."]:
        assert squash(line) in text, line

    # Tasks from the three directives, with their deadlines and the source reference.
    tasks = issued["tasks"]
    assert [t["directive_id"] for t in tasks] == [meeting.directives[k] for k in ("date", "working_days",
                                                                                 "coordinated")]
    assert tasks[0]["deadline_on"] == DATE_DEADLINE.isoformat() and tasks[2]["deadline_on"] is None
    assert tasks[2]["report_required"] is True
    assert {u["id"] for u in tasks[2]["coordinating_units"]} == {people.department, people.district}
    assert tasks[0]["source_reference"] == f"Thông báo số 01/TB-UBND ngày {issued_on:%d/%m/%Y}"

    # In-app for the recipients (the chair, the liaison of a recipient agency), and e-mail with the PDF.
    with app.app_context():
        told = set(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "notice.issued")))
        delivery.deliver_pending()
    assert {people.leader, people.liaison} <= told and people.office_leader not in told
    mails = [m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == "sotc@sotc.example.vn"
             and "01/TB-UBND" in m["Subject"]]
    assert len(mails) == 1
    [attachment] = list(mails[0].iter_attachments())
    assert attachment.get_filename() == "thong-bao-01-TB-UBND.pdf"
    assert attachment.get_content() == pdf.data

    # The register holds number 1; the next notice takes number 2.
    other_id = second_meeting(client, schedule_meeting, secretary, people)
    other = draft(app, client, other_id, desk)
    to_approved(client, other["id"], desk)
    assert ok(client.post(f"/api/v1/notices/{other['id']}/issue", headers=desk["vanthu"]))["number"] == 2
    register = ok(client.get("/api/v1/registers", headers=desk["vanthu"], query_string={"year": issued_on.year}))
    assert [n["number_symbol"] for n in register["numbers"]] == ["01/TB-UBND", "02/TB-UBND"]
    assert [n["notice_id"] for n in register["numbers"]] == [notice["id"], other["id"]]
    assert register["gaps"] == [] and register["last_number"] == 2


def test_deadlines_count_working_days_across_tet_and_weekends(app, client, concluded_meeting, desk):
    notice = draft(app, client, concluded_meeting.id, desk)
    to_approved(client, notice["id"], desk)
    issue_at(app, notice["id"], TET_ISSUE)
    issued = ok(client.get(f"/api/v1/notices/{notice['id']}", headers=desk["chuyenvien"]))
    assert issued["issued_on"] == "2027-02-03" and issued["number_symbol"] == "01/TB-UBND"
    # 10 working days from Wednesday 03/02/2027: Thursday 04/02 (29 Tết), Friday 05/02 (Giao thừa), the weekend
    # 06–07/02 (Mùng một, Mùng hai) and Monday–Wednesday 08–10/02 (Mùng ba to Mùng năm) are skipped; then
    # 11, 12, 15, 16, 17, 18, 19, 22, 23 and 24/02 → Wednesday 24/02/2027.
    by_directive = {t["directive_id"]: t for t in issued["tasks"]}
    assert by_directive[concluded_meeting.directives["working_days"]]["deadline_on"] == "2027-02-24"
    with app.app_context():
        text = squash(db.session.get(Notice, notice["id"]).source_text)
    assert "rà soát, đề xuất điều chuyển vốn giữa các dự án; hoàn thành trước ngày 24/02/2027." in text

    # A correcting notice issued on Friday 05/03/2027 updates the same task: 10 working days skip the weekends
    # 06–07/03 and 13–14/03 → Friday 19/03/2027. The first notice is superseded, not changed.
    correction = ok(client.post(f"/api/v1/notices/{notice['id']}/correct", headers=desk["chuyenvien"]), 201)
    assert correction["corrects_id"] == notice["id"] and correction["summary"] == issued["summary"]
    assert correction["opening"].endswith("Thông báo này thay thế Thông báo số 01/TB-UBND ngày 03/02/2027.")
    to_approved(client, correction["id"], desk)
    issue_at(app, correction["id"], FRIDAY_ISSUE)
    corrected = ok(client.get(f"/api/v1/notices/{correction['id']}", headers=desk["chuyenvien"]))
    assert corrected["number_symbol"] == "02/TB-UBND"
    by_directive = {t["directive_id"]: t for t in corrected["tasks"]}
    task = by_directive[concluded_meeting.directives["working_days"]]
    assert task["deadline_on"] == "2027-03-19"
    assert task["source_reference"] == "Thông báo số 02/TB-UBND ngày 05/03/2027"
    first = ok(client.get(f"/api/v1/notices/{notice['id']}", headers=desk["chuyenvien"]))
    assert first["superseded_at"] is not None and first["number"] == 1 and first["pdf_sha256"] == issued["pdf_sha256"]
    assert first["events"][-1]["kind"] == "superseded"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 3  # updated, not duplicated


# --- rejections and refusals ---------------------------------------------------------------------

@pytest.mark.parametrize("step", ["in_review", "awaiting_approval", "approved"])
def test_a_rejection_at_each_step_returns_to_draft_with_the_reason(app, client, concluded_meeting, desk, step):
    notice = draft(app, client, concluded_meeting.id, desk)
    nid = notice["id"]
    ok(client.post(f"/api/v1/notices/{nid}/submit", headers=desk["chuyenvien"]))
    deciders = {"in_review": "chanhvp", "awaiting_approval": "pct", "approved": "vanthu"}
    if step in ("awaiting_approval", "approved"):
        ok(client.post(f"/api/v1/notices/{nid}/review", headers=desk["chanhvp"]))
    if step == "approved":
        ok(client.post(f"/api/v1/notices/{nid}/approve", headers=desk["pct"]))
    # Someone else may not send it back (403), and a reason is required (422).
    wrong = "chuyenvien" if step != "in_review" else "pct"
    assert client.post(f"/api/v1/notices/{nid}/reject", headers=desk[wrong],
                       json={"reason": "Không"}).status_code == 403
    assert client.post(f"/api/v1/notices/{nid}/reject", headers=desk[deciders[step]],
                       json={"reason": "  "}).status_code == 422
    reason = "Bổ sung ý kiến của Sở Tài chính về nguồn vốn"
    rejected = ok(client.post(f"/api/v1/notices/{nid}/reject", headers=desk[deciders[step]], json={"reason": reason}))
    assert rejected["status"] == "draft" and rejected["rejection_reason"] == reason
    assert rejected["events"][-1]["kind"] == "rejected" and rejected["events"][-1]["reason"] == reason
    assert rejected["events"][-1]["from_status"] == step
    with app.app_context():
        told = db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "notice.rejected")).all()
    assert told == [concluded_meeting.secretary]
    # Wrong state now: a draft cannot be reviewed, approved, issued or rejected.
    for action, username in (("review", "chanhvp"), ("approve", "pct"), ("issue", "vanthu")):
        refused = client.post(f"/api/v1/notices/{nid}/{action}", headers=desk[username])
        assert refused.status_code == 409, action
    assert client.post(f"/api/v1/notices/{nid}/reject", headers=desk["chanhvp"],
                       json={"reason": "x"}).status_code == 409
    # It can go round again and be submitted.
    assert ok(client.post(f"/api/v1/notices/{nid}/submit", headers=desk["chuyenvien"]))["rejection_reason"] is None


def test_wrong_people_are_refused_each_step(app, client, concluded_meeting, desk):
    nid = draft(app, client, concluded_meeting.id, desk)["id"]
    assert client.post(f"/api/v1/notices/{nid}/submit", headers=desk["vanthu"]).status_code == 403
    ok(client.post(f"/api/v1/notices/{nid}/submit", headers=desk["chuyenvien"]))
    assert client.post(f"/api/v1/notices/{nid}/review", headers=desk["chuyenvien"]).status_code == 403
    ok(client.post(f"/api/v1/notices/{nid}/review", headers=desk["chanhvp"]))
    assert client.post(f"/api/v1/notices/{nid}/approve", headers=desk["chanhvp"]).status_code == 403
    ok(client.post(f"/api/v1/notices/{nid}/approve", headers=desk["pct"]))
    assert client.post(f"/api/v1/notices/{nid}/issue", headers=desk["chuyenvien"]).status_code == 403
    assert client.post(f"/api/v1/notices/{nid}/issue", headers=desk["pct"]).status_code == 403


def test_an_issued_notice_refuses_edits(app, client, concluded_meeting, desk):
    notice = draft(app, client, concluded_meeting.id, desk)
    to_approved(client, notice["id"], desk)
    issued = ok(client.post(f"/api/v1/notices/{notice['id']}/issue", headers=desk["vanthu"]))
    with app.app_context():
        before = {c.name: getattr(db.session.get(Notice, notice["id"]), c.name) for c in Notice.__table__.columns}
    refused = client.put(f"/api/v1/notices/{notice['id']}", headers=desk["chuyenvien"],
                         json={"version": issued["version"], "summary": "Sửa sau khi ban hành"})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "notice_issued"
    assert "thông báo đính chính" in refused.get_json()["error"]["message"]
    for action in ("submit", "not-needed"):
        kwargs = {"json": {"reason": "x"}} if action == "not-needed" else {}
        assert client.post(f"/api/v1/notices/{notice['id']}/{action}", headers=desk["chuyenvien"],
                           **kwargs).status_code == 409
    assert client.post(f"/api/v1/notices/{notice['id']}/issue", headers=desk["vanthu"]).status_code == 409
    with app.app_context():
        after = {c.name: getattr(db.session.get(Notice, notice["id"]), c.name) for c in Notice.__table__.columns}
        assert db.session.scalar(sa.select(DocumentRegister.last_number)) == 1
    assert after == before
    # A draft in the workflow is refused with its own code.
    other = ok(client.post(f"/api/v1/notices/{notice['id']}/correct", headers=desk["chuyenvien"]), 201)
    ok(client.post(f"/api/v1/notices/{other['id']}/submit", headers=desk["chuyenvien"]))
    in_review = client.put(f"/api/v1/notices/{other['id']}", headers=desk["chuyenvien"],
                           json={"version": other["version"] + 1, "summary": "Khác"})
    assert in_review.status_code == 409 and in_review.get_json()["error"]["code"] == "notice_in_workflow"
    # Only one correction at a time.
    assert client.post(f"/api/v1/notices/{notice['id']}/correct", headers=desk["chuyenvien"]).status_code == 409


def test_the_number_of_an_issued_notice_cannot_be_cancelled(app, client, concluded_meeting, desk):
    """A number is cancelled only with its document withdrawn; an issued notice stays in force."""
    notice = draft(app, client, concluded_meeting.id, desk)
    to_approved(client, notice["id"], desk)
    ok(client.post(f"/api/v1/notices/{notice['id']}/issue", headers=desk["vanthu"]))
    with app.app_context():
        number_id = db.session.get(Notice, notice["id"]).register_number_id
    for username in ("vanthu", "chanhvp"):
        refused = client.post(f"/api/v1/register-numbers/{number_id}/cancel", headers=desk[username],
                              json={"reason": "Thu hồi"})
        assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "number_in_use"
        assert "thông báo đính chính" in refused.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.get(RegisterNumber, number_id).status == NumberStatus.ISSUED


def test_an_altered_stored_pdf_is_never_served(app, client, concluded_meeting, desk):
    notice = draft(app, client, concluded_meeting.id, desk)
    to_approved(client, notice["id"], desk)
    issued = ok(client.post(f"/api/v1/notices/{notice['id']}/issue", headers=desk["vanthu"]))
    assert client.get(f"/api/v1/notices/{notice['id']}.pdf", headers=desk["sotc"]).status_code == 200
    with app.app_context():
        path = storage.path_for(issued["pdf_sha256"])
    path.write_bytes(path.read_bytes().replace(b"%PDF", b"%PDX", 1))
    altered = client.get(f"/api/v1/notices/{notice['id']}.pdf", headers=desk["sotc"])
    assert altered.status_code == 500 and altered.get_json()["error"]["code"] == "pdf_integrity"


def test_submitting_needs_a_conclusion(app, client, people, schedule_meeting, secretary):
    [meeting] = schedule_meeting(title="Họp giao ban tuần")
    end_meeting(client, secretary, meeting)
    run_job(app, notice_drafting.draft_for_ended_meetings)
    nid = ok(client.get(f"/api/v1/meetings/{meeting['id']}/notice", headers=secretary))["id"]
    refused = client.post(f"/api/v1/notices/{nid}/submit", headers=secretary)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "no_conclusions"
    # A working session needs no notice; it can be reopened.
    assert client.post(f"/api/v1/notices/{nid}/not-needed", headers=secretary, json={}).status_code == 422
    marked = ok(client.post(f"/api/v1/notices/{nid}/not-needed", headers=secretary,
                            json={"reason": "Buổi làm việc, không ban hành thông báo"}))
    assert marked["status"] == "not_needed" and marked["not_needed_reason"].startswith("Buổi làm việc")
    assert ok(client.post(f"/api/v1/notices/{nid}/reopen", headers=secretary))["status"] == "draft"


# --- who sees what -------------------------------------------------------------------------------

def test_outsiders_never_see_a_notice_and_recipients_only_once_issued(app, client, concluded_meeting, desk):
    notice = draft(app, client, concluded_meeting.id, desk)
    nid = notice["id"]
    for username in ("sotc", "sokhdt"):
        assert client.get(f"/api/v1/notices/{nid}", headers=desk[username]).status_code == 404
        assert client.get(f"/api/v1/notices/{nid}.pdf", headers=desk[username]).status_code == 404
        assert ok(client.get("/api/v1/notices", headers=desk[username]))["total"] == 0
    assert ok(client.get("/api/v1/notices", headers=desk["vanthu"]))["total"] == 1
    to_approved(client, nid, desk)
    ok(client.post(f"/api/v1/notices/{nid}/issue", headers=desk["vanthu"]))
    listed = ok(client.get("/api/v1/notices", headers=desk["sotc"]))
    assert [n["id"] for n in listed["items"]] == [nid] and listed["total"] == 1
    assert ok(client.get(f"/api/v1/notices/{nid}", headers=desk["sotc"]))["status"] == "issued"
    assert client.get(f"/api/v1/notices/{nid}", headers=desk["sokhdt"]).status_code == 404
    assert ok(client.get("/api/v1/notices", headers=desk["sokhdt"]))["total"] == 0


def test_a_confidential_meetings_notice_is_not_listed_for_others(app, client, concluded_meeting, desk, people):
    with app.app_context():
        from ecabinet.meetings.models import Confidentiality, Meeting

        db.session.get(Meeting, concluded_meeting.id).confidentiality = Confidentiality.CONFIDENTIAL
        db.session.commit()
    notice = draft(app, client, concluded_meeting.id, desk)
    to_approved(client, notice["id"], desk)
    ok(client.post(f"/api/v1/notices/{notice['id']}/issue", headers=desk["vanthu"]))
    # The viewer may see non-confidential meetings only; the recipient liaison still receives it.
    assert ok(client.get("/api/v1/notices", headers=desk["quansat"]))["total"] == 0
    assert client.get(f"/api/v1/notices/{notice['id']}", headers=desk["quansat"]).status_code == 404
    assert ok(client.get("/api/v1/notices", headers=desk["sotc"]))["total"] == 1


# --- reminders -----------------------------------------------------------------------------------

def test_reminder_and_escalation_are_sent_once(app, client, concluded_meeting, desk, people, fresh_app):
    nid = draft(app, client, concluded_meeting.id, desk)["id"]
    with app.app_context():
        end_day = notice_reminders.meeting_end_day(db.session.get(Notice, nid).meeting)

    def at(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, 3, 0, tzinfo=timezone.utc)

    from ecabinet.workdays.operations import add_working_days

    with app.app_context():
        day1, day2, day3 = (add_working_days(end_day, n) for n in (1, 2, 3))
    assert run_job(app, lambda: notice_reminders.remind_unissued(at(day1))) == []
    assert run_job(app, lambda: notice_reminders.remind_unissued(at(day2))) == [(people.secretary, "notice.reminder")]
    assert run_job(app, lambda: notice_reminders.remind_unissued(at(day2))) == []
    escalated = run_job(app, lambda: notice_reminders.remind_unissued(at(day3)))
    assert escalated == [(people.office_leader, "notice.escalation")]
    assert run_job(app, lambda: notice_reminders.remind_unissued(at(day3))) == []
    restarted = fresh_app()  # a restarted scheduler: another app, a fresh session
    assert run_job(restarted, lambda: notice_reminders.remind_unissued(at(day3))) == []
    with app.app_context():
        kinds = db.session.scalars(sa.select(NoticeEvent.kind).where(NoticeEvent.notice_id == nid)
                                   .order_by(NoticeEvent.id)).all()
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                                  .where(Notification.kind.in_(["notice.reminder", "notice.escalation"])))
    assert kinds == [NoticeEventKind.CREATED, NoticeEventKind.REMINDED, NoticeEventKind.ESCALATED]
    assert count == 2


def test_an_issued_or_unneeded_notice_is_not_reminded(app, client, concluded_meeting, desk):
    nid = draft(app, client, concluded_meeting.id, desk)["id"]
    ok(client.post(f"/api/v1/notices/{nid}/not-needed", headers=desk["chuyenvien"], json={"reason": "Họp nội bộ"}))
    assert run_job(app, lambda: notice_reminders.remind_unissued(datetime(2027, 6, 1, tzinfo=timezone.utc))) == []


# --- the register: concurrency -------------------------------------------------------------------

def test_concurrent_issuing_never_duplicates_or_skips_a_number(app, backend, concluded_meeting, desk, people):
    if backend != "postgresql":
        pytest.skip("SQLite serialises every writer: the row lock is PostgreSQL's")
    ids = approved_notices(app, people, 8)
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(ids))

    def issue(notice_id: int) -> None:
        try:
            with app.app_context():
                actor = db.session.scalar(sa.select(User).where(User.username == "vanthu"))
                notice = db.session.get(Notice, notice_id)
                barrier.wait(timeout=30)
                notice_issuing.issue(notice, actor)
                db.session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=issue, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with app.app_context():
        numbers = sorted(db.session.scalars(sa.select(Notice.number).where(Notice.id.in_(ids))))
        year = db.session.get(Notice, ids[0]).issued_on.year
        assert numbers == list(range(1, 9))
        assert registers.gaps("TB-UBND", year) == []
        assert db.session.scalar(sa.select(DocumentRegister.last_number)) == 8


def test_two_jobs_drafting_at_once_make_one_notice(app, backend, concluded_meeting):
    """Two scheduler processes (or a job and a retry) drafting the same meeting's notice at once: the partial
    unique index lets one in, the other's savepoint is rolled back and it returns None."""
    if backend != "postgresql":
        pytest.skip("SQLite serialises every writer")
    from ecabinet.meetings.models import Meeting

    results: list = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            with app.app_context():
                meeting = db.session.get(Meeting, concluded_meeting.id)
                barrier.wait(timeout=30)
                notice = notice_drafting.draft_for_meeting(meeting)
                db.session.commit()
                results.append(notice is not None)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and sorted(results) == [False, True]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notice)) == 1


def test_two_clerks_issuing_the_same_notice_one_wins(app, backend, concluded_meeting, desk, people):
    if backend != "postgresql":
        pytest.skip("SQLite serialises every writer: the row lock is PostgreSQL's")
    [nid] = approved_notices(app, people, 1)
    outcomes: list = []
    barrier = threading.Barrier(2)

    def issue(username: str) -> None:
        with app.app_context():
            actor = db.session.scalar(sa.select(User).where(User.username == username))
            notice = db.session.get(Notice, nid)
            barrier.wait(timeout=30)
            try:
                notice_issuing.issue(notice, actor)
                db.session.commit()
                outcomes.append("issued")
            except DomainError as exc:
                db.session.rollback()
                outcomes.append(exc.code)

    threads = [threading.Thread(target=issue, args=(name,)) for name in ("vanthu", "chanhvp")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["issued", "notice_changed"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RegisterNumber)) == 1
        assert db.session.get(Notice, nid).number == 1


def test_the_pdf_is_rendered_before_the_number_is_taken(app, concluded_meeting, desk, people):
    """A render that fails (no usable font) fails before the register is touched: its lock is held only for
    stamping the number in, storing and recording."""
    [nid] = approved_notices(app, people, 1)
    with app.app_context():
        actor = db.session.scalar(sa.select(User).where(User.username == "vanthu"))
        font_dir, app.config["PDF_FONT_DIR"] = app.config["PDF_FONT_DIR"], "/nonexistent-font-dir"
        try:
            with pytest.raises(FontMissing):
                notice_issuing.issue(db.session.get(Notice, nid), actor)
            assert db.session.scalars(sa.select(RegisterNumber.number)).all() == []
        finally:
            db.session.rollback()
            app.config["PDF_FONT_DIR"] = font_dir


def test_a_rolled_back_issue_gives_its_number_back(app, concluded_meeting, desk, people, tmp_path):
    first, second = approved_notices(app, people, 2)
    with app.app_context():
        actor = db.session.scalar(sa.select(User).where(User.username == "vanthu"))
        notice = db.session.get(Notice, first)
        # Storing the PDF fails after the number was taken (the store is not a folder): all is rolled back.
        not_a_folder = tmp_path / "file"
        not_a_folder.write_bytes(b"")
        storage_dir, app.config["STORAGE_DIR"] = app.config["STORAGE_DIR"], str(not_a_folder)
        try:
            with pytest.raises(OSError):
                notice_issuing.issue(notice, actor)
            taken = db.session.scalars(sa.select(RegisterNumber.number)).all()
            assert taken == [1]  # taken inside the failed transaction
        finally:
            db.session.rollback()
            app.config["STORAGE_DIR"] = storage_dir
    with app.app_context():
        assert db.session.get(Notice, first).status == NoticeStatus.APPROVED
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RegisterNumber)) == 0
        actor = db.session.scalar(sa.select(User).where(User.username == "vanthu"))
        notice_issuing.issue(db.session.get(Notice, second), actor)
        db.session.commit()
        assert db.session.get(Notice, second).number == 1
