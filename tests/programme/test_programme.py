"""The work programme end to end through its pages, on SQLite and PostgreSQL: entered, adjusted with the chair's
approval (and refused), put on a meeting's agenda with its materials requested, presented once the meeting is
held; an item left behind reminded once and listed as behind; who may see and do what.

"Today" is Sunday 22/11/2026: an item of October is behind, one of November is not yet.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.audit.models import AuditEvent
from ecabinet.core.db import db
from ecabinet.materials.models import AgendaItem, MaterialRequest
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import ChangeKind, Meeting
from ecabinet.notify.models import Notification
from ecabinet.programme import operations as ops
from ecabinet.programme.models import Adjustment, ItemState, ProgrammeItem
from tests.fixtures import TODAY
from tests.fixtures.web import form_token, signed_in

YEAR = 2026


def _post(client, path: str, **data):
    return client.post(path, data={"csrf_token": form_token(client), **data})


def _item(title: str) -> ProgrammeItem:
    return db.session.scalars(sa.select(ProgrammeItem).where(ProgrammeItem.title == title)).one()


def _enter(client, title: str, month: int, unit: int, **extra) -> int:
    response = _post(client, f"/programme/{YEAR}/items", title=title, kind="scheme", period_kind="month",
                     period=str(month), lead_unit_id=str(unit), **extra)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _decide(client, item_id: int, decision: str) -> int:
    with client.application.app_context():
        adjustment = db.session.scalars(sa.select(Adjustment).where(Adjustment.item_id == item_id)
                                        .order_by(Adjustment.id.desc())).first()
        return _post(client, f"/programme/adjustments/{adjustment.id}/decide", decision=decision).status_code


def _hold(app, meeting_id: int, actor_id: int) -> None:
    with app.app_context():
        meeting, actor = db.session.get(Meeting, meeting_id), db.session.get(User, actor_id)
        for kind, reason in ((ChangeKind.PUBLISHED, "Họp gấp"), (ChangeKind.STARTED, "Họp sớm"),
                             (ChangeKind.ENDED, None)):
            meetings.change_status(meeting, meeting.version, kind, actor, reason)
        db.session.commit()


@pytest.fixture
def office(app, pages, people, venue):
    """The programme of 2026 created by the secretariat, chaired by the Chủ tịch (``venue.second_leader``): the
    pages' client, signed in as the secretariat (``client`` is left to the API calls of the fixtures)."""
    signed_in(pages, "chuyenvien")
    response = _post(pages, "/programme", year=str(YEAR), title="Chương trình công tác năm 2026",
                     chair_id=str(venue.second_leader))
    assert response.status_code == 302
    return pages


def test_an_item_planned_adjusted_put_on_the_agenda_presented_and_one_left_behind(app, office, people, venue,
                                                                                  meeting):
    client = office
    planned = _enter(client, "Đề án phát triển du lịch", 11, people.department, leader_id=str(people.leader))
    late = _enter(client, "Báo cáo tình hình kinh tế - xã hội quý III", 10, people.department)

    # a move approved by the chair, a drop refused, an addition refused; the Phó Chủ tịch is not the chair
    assert _post(client, f"/programme/items/{planned}/move", period_kind="month", period="12",
                 reason="Chờ ý kiến Bộ").status_code == 302
    assert _post(client, f"/programme/items/{late}/drop", reason="Ghép vào báo cáo năm").status_code == 302
    assert _post(client, f"/programme/{YEAR}/additions", title="Đề án chuyển đổi số", kind="scheme",
                 period_kind="quarter", period="4", lead_unit_id=str(people.other_department),
                 reason="Theo chỉ đạo của Tỉnh ủy").status_code == 302
    signed_in(client, "pct")
    assert _decide(client, planned, "approve") == 403
    signed_in(client, "chutich")
    assert "Chờ ý kiến Bộ" in client.get(f"/programme?year={YEAR}").get_data(as_text=True)
    assert _decide(client, planned, "approve") == 302
    assert _decide(client, late, "refuse") == 302
    with app.app_context():
        added = _item("Đề án chuyển đổi số").id
    assert _decide(client, added, "refuse") == 302
    assert _decide(client, added, "approve") == 409  # decided already

    with app.app_context():
        assert (_item("Đề án phát triển du lịch").period, _item("Đề án phát triển du lịch").state) == (12,
                                                                                                     ItemState.PLANNED)
        assert _item("Báo cáo tình hình kinh tế - xã hội quý III").state == ItemState.PLANNED
        assert _item("Đề án chuyển đổi số").state == ItemState.DROPPED
        audited = db.session.execute(sa.select(AuditEvent.action, AuditEvent.actor_id).where(
            AuditEvent.entity_type == "programme_adjustments")).all()
        assert audited.count(("create", people.secretary)) == 3 and audited.count(("update", venue.second_leader)) == 3
        told = db.session.scalars(sa.select(Notification.user_id).where(Notification.kind.like("programme.%"))).all()
        assert told.count(venue.second_leader) == 3 and told.count(people.secretary) == 3

    # picked into a meeting's agenda: the agenda item presented by the lead agency, its materials requested
    signed_in(client, "chuyenvien")
    assert _post(client, f"/programme/items/{planned}/agenda", meeting_id=str(meeting["id"])).status_code == 302
    with app.app_context():
        agenda_item = db.session.scalars(sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting["id"])).one()
        assert (agenda_item.title, agenda_item.presenting_unit_id) == ("Đề án phát triển du lịch", people.department)
        request = db.session.scalars(sa.select(MaterialRequest).where(
            MaterialRequest.agenda_item_id == agenda_item.id)).one()
        assert request.unit_id == people.department
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.user_id == people.liaison, Notification.kind == "material.request")) == 1
        assert _item("Đề án phát triển du lịch").state == ItemState.ON_AGENDA
    assert _post(client, f"/programme/items/{planned}/agenda", meeting_id=str(meeting["id"])).status_code == 409

    # the meeting held: the job marks the item presented, and reminds the October item's agency, once
    _hold(app, meeting["id"], people.secretary)
    for _run in range(2):
        with app.app_context():
            ops.follow_up()
            db.session.commit()
    with app.app_context():
        done = _item("Đề án phát triển du lịch")
        assert done.state == ItemState.DONE and done.presented_at is not None
        reminders = db.session.scalars(sa.select(Notification.user_id).where(
            Notification.kind == ops.KIND_BEHIND)).all()
        assert reminders == [people.liaison]
        assert _item("Báo cáo tình hình kinh tế - xã hội quý III").reminded_for == "2026-10"
        assert ops.remind_behind(TODAY) == []
    behind = client.get(f"/programme?year={YEAR}&behind=true").get_data(as_text=True)
    assert "Báo cáo tình hình kinh tế - xã hội quý III" in behind and "Đề án phát triển du lịch" not in behind

    history = client.get(f"/programme/items/{planned}").get_data(as_text=True)
    assert re.findall(r'data-kind="(\w+)"', history) == ["entered", "proposed", "approved", "put_on_agenda",
                                                       "presented"]
    late_history = client.get(f"/programme/items/{late}").get_data(as_text=True)
    assert re.findall(r'data-kind="(\w+)"', late_history) == ["entered", "proposed", "refused", "reminded"]
    assert 'id="item-behind"' in late_history


def test_who_sees_and_does_what(app, office, people, venue, client):
    pages, client = client, office
    own = _enter(client, "Đề án của Sở Tài chính", 12, people.department)
    other = _enter(client, "Đề án của Sở Y tế", 12, people.other_department)

    assert _post(client, f"/programme/items/{other}/drop", reason="Sở Y tế đề nghị rút").status_code == 302

    signed_in(pages, "sotc")  # the department's liaison: its own items only, nothing to change
    assert pages.get(f"/programme/items/{own}").status_code == 200
    assert pages.get(f"/programme/items/{other}").status_code == 404
    listed = pages.get(f"/programme?year={YEAR}").get_data(as_text=True)
    assert "Đề án của Sở Tài chính" in listed and "Đề án của Sở Y tế" not in listed
    assert "Sở Y tế đề nghị rút" not in listed
    api = pages.get(f"/api/v1/programme-items?year={YEAR}").get_json()
    assert [item["id"] for item in api["items"]] == [own]
    assert pages.get(f"/programme/{YEAR}.xlsx").status_code == 200
    assert _post(pages, f"/programme/items/{own}/drop", reason="Không cần").status_code == 403
    assert _post(pages, f"/programme/{YEAR}/items", title="x", kind="other", period_kind="month", period="1",
                 lead_unit_id=str(people.department)).status_code == 403

    signed_in(pages, "pct")  # a leader reads every item, changes nothing
    assert [i["id"] for i in pages.get(f"/api/v1/programme-items?year={YEAR}").get_json()["items"]] == [own, other]
    assert _post(pages, f"/programme/items/{own}/move", period_kind="quarter", period="4",
                 reason="x").status_code == 403

    assert _post(client, f"/programme/items/{own}/move", period_kind="month", period="13",
                 reason="Sai").status_code == 422
    assert _post(client, f"/programme/items/{own}/drop", reason="  ").status_code == 422
    assert _post(client, f"/programme/items/{own}/drop", reason="Không còn phù hợp").status_code == 302
    assert _post(client, f"/programme/items/{own}/drop", reason="Lần nữa").status_code == 409  # one at a time
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Adjustment)) == 2


def test_an_item_whose_meeting_is_cancelled_goes_on_another_agenda(app, office, people, schedule_meeting):
    client = office
    item_id = _enter(client, "Đề án sắp xếp đơn vị sự nghiệp", 12, people.department)
    [first] = schedule_meeting()
    [second] = schedule_meeting(title="Phiên họp UBND tỉnh tháng 12", starts_at="2026-12-07T01:00:00+00:00",
                                ends_at="2026-12-07T03:00:00+00:00")
    assert _post(client, f"/programme/items/{item_id}/agenda", meeting_id=str(first["id"])).status_code == 302
    with app.app_context():
        meeting = db.session.get(Meeting, first["id"])
        meetings.change_status(meeting, meeting.version, ChangeKind.CANCELLED, db.session.get(User, people.secretary),
                               "Lãnh đạo bận công tác")
        db.session.commit()
    assert _post(client, f"/programme/items/{item_id}/agenda", meeting_id=str(second["id"])).status_code == 302
    with app.app_context():
        ops.follow_up()
        item = db.session.get(ProgrammeItem, item_id)
        assert (item.state, item.agenda_item.meeting_id) == (ItemState.ON_AGENDA, second["id"])
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MaterialRequest).where(
            MaterialRequest.unit_id == people.department)) == 2
