"""Merging, splitting and renaming units: open work moves to the successor, closed work and held meetings keep
their historic unit, every move is recorded and audited, and statistics count by today's unit or as recorded,
each number equal to its list."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.fixtures import TODAY
from tests.fixtures.meetings import MONDAY_8H
from tests.fixtures.web import api_token, csrf_from, ok, signed_in, web_login

DECISION = "Quyết định số 123/QĐ-UBND ngày 20/6/2025 của UBND tỉnh về việc hợp nhất Sở Tài chính và Sở Y tế"
NEW_UNIT = {"code": "sotcyt", "name": "Sở Tài chính - Y tế", "kind": "department"}


def _body(**fields) -> dict:
    return {"kind": "merge", "effective_on": TODAY.isoformat(), "decision": DECISION, **fields}


def _apply(client, headers, body: dict, expect: int = 201) -> dict:
    shown = ok(client.post("/api/v1/reorganisations/preview", headers=headers, json=body))
    return ok(client.post("/api/v1/reorganisations", headers=headers,
                          json={**body, "fingerprint": shown["fingerprint"]}), expect)


@pytest.fixture
def open_and_closed_work(app, client, task_people, task_factory, schedule_meeting, secretary):
    """Sở Tài chính (A) and Sở Y tế (B) with open and closed tasks, a coming meeting inviting both with an item
    A presents and an open material request of A, and the leader's portfolio of both."""
    from ecabinet.accounts.models import portfolio_units
    from ecabinet.core.db import db
    from ecabinet.materials.models import MaterialRequest, RequestStatus

    a, b = task_people.unit_a, task_people.unit_b
    directive = task_factory(lead_unit=task_people.district, content="Chỉ đạo chung", coordinating=[a])
    work = {
        "open": task_factory(lead_unit=a, status="in_progress"),
        "part": task_factory(lead_unit=b, parent=directive, content="Phần của Sở Y tế"),
        "coordinated": directive,
        "done": task_factory(lead_unit=a, status="verified_done", deadline=TODAY - timedelta(days=5)),
        "cancelled": task_factory(lead_unit=b, status="cancelled"),
    }
    tuesday = MONDAY_8H + timedelta(days=1)
    [coming] = schedule_meeting(unit_ids=[a, b], starts_at=tuesday.isoformat(),
                                ends_at=(tuesday + timedelta(hours=2)).isoformat())
    item = ok(client.post(f"/api/v1/meetings/{coming['id']}/agenda", headers=secretary,
                          json={"title": "Báo cáo giải ngân", "presenting_unit_id": a}), 201)
    with app.app_context():
        requests = [MaterialRequest(meeting_id=coming["id"], agenda_item_id=item["id"], unit_id=unit,
                                    due_on=TODAY + timedelta(days=3), created_by_id=task_people.office,
                                    status=status)
                    for unit, status in ((a, RequestStatus.OPEN), (b, RequestStatus.CANCELLED))]
        db.session.add_all(requests)
        db.session.execute(sa.insert(portfolio_units), [{"user_id": task_people.leader, "unit_id": unit}
                                                        for unit in (a, b)])
        db.session.commit()
        work.update(meeting=coming["id"], item=item["id"], request=requests[0].id, cancelled_request=requests[1].id)
    return work


KEEP_THEIR_UNIT = {
    "task_progress_reports.unit_id": "the agency that reported, as it was",
    "task_comments.unit_id": "the agency that commented, as it was",
    "units.successor_id": "the reorganisation's own link",
    "reorganisation_units.unit_id": "the record of the reorganisation",
    "reorganisation_moves.from_unit_id": "the record of the reorganisation",
    "reorganisation_moves.to_unit_id": "the record of the reorganisation",
}


def test_every_column_naming_a_unit_either_moves_with_open_work_or_keeps_history():
    """A new column naming a unit must be declared where its domain declares what moves (``moves_with_unit``),
    or be listed here as history that keeps the unit of the time."""
    from ecabinet.core.db import db
    from ecabinet.org.reorganisation.references import unit_references

    naming_a_unit = {f"{key.parent.table.name}.{key.parent.name}" for table in db.metadata.tables.values()
                     for key in table.foreign_keys if key.column.table.name == "units"}
    moving = {f"{reference.table.name}.{reference.column.name}" for reference in unit_references()}
    assert naming_a_unit - moving == set(KEEP_THEIR_UNIT)


def _counts_equal_their_lists(app, user_id: int, units: str) -> dict:
    """Statistics by agency, each group's total equal to the length of its list; {unit: total}."""
    from ecabinet.accounts.models import User
    from ecabinet.core.db import db
    from ecabinet.tasks import queries

    with app.test_request_context():
        user = db.session.get(User, user_id)
        stats = queries.statistics(user, queries.TaskFilter(units=units), "agency")
        for group in [stats.totals, *stats.groups]:
            again = queries.TaskFilter.model_validate(group.list_params())
            assert queries.tasks_page(user, again, page=queries.Page(1, 200))[1] == group.total
            for derived, count in group.counts.items():
                listed = queries.TaskFilter.model_validate(group.list_params(derived))
                assert queries.tasks_page(user, listed, page=queries.Page(1, 200))[1] == count
        return {group.key: group.total for group in stats.groups}


def test_a_merge_moves_open_work_and_keeps_closed_work_and_history(app, client, task_people, open_and_closed_work,
                                                                    concluded_meeting):
    from ecabinet.accounts.models import User, portfolio_units
    from ecabinet.audit.models import AuditEvent
    from ecabinet.conclusions.models import Directive
    from ecabinet.core.db import db
    from ecabinet.materials.models import AgendaItem, MaterialRequest
    from ecabinet.meetings.models import Invitation
    from ecabinet.org.models import Unit
    from ecabinet.org.reorganisation.models import UnitMove
    from ecabinet.tasks.models import Task

    work, a, b = open_and_closed_work, task_people.unit_a, task_people.unit_b
    admin = api_token(client, "admin")
    body = _body(predecessor_ids=[a, b], new_unit=NEW_UNIT)
    shown = ok(client.post("/api/v1/reorganisations/preview", headers=admin, json=body))
    assert shown["counts"] == {"task": 1, "task_part": 1, "task_coordinator": 1, "invitation": 2, "agenda_item": 1,
                               "material_request": 1, "user": 2, "portfolio": 2, "directive": 3,
                               "directive_coordinator": 1}  # the concluded meeting's notice is not issued yet
    assert {m["outcome"] for m in shown["moves"] if m["subject"] == "invitation"} == {"moved", "dropped"}
    assert [m["outcome"] for m in shown["moves"] if m["subject"] == "directive_coordinator"] == ["dropped"]
    assert all(m["to_unit_id"] is None for m in shown["moves"])
    assert all(m["label"] == "" for m in shown["moves"] if m["subject"].startswith("task"))  # the admin sees no work

    record = ok(client.post("/api/v1/reorganisations", headers=admin, json={**body,
                                                                             "fingerprint": shown["fingerprint"]}), 201)
    c = record["successor_ids"][0]
    assert record["predecessor_ids"] == sorted([a, b]) and len(record["moves"]) == len(shown["moves"]) == 15
    assert {(m["subject"], m["from_unit_id"], m["to_unit_id"]) for m in record["moves"]} >= {
        ("task", a, c), ("task_part", b, c), ("user", a, c), ("user", b, c)}
    with app.app_context():
        lead = {key: db.session.get(Task, work[key]).lead_unit_id for key in ("open", "part", "done", "cancelled")}
        assert lead == {"open": c, "part": c, "done": a, "cancelled": b}
        assert [u.id for u in db.session.get(Task, work["coordinated"]).coordinating_units] == [c]
        assert db.session.get(Task, work["open"]).version == 2  # an edit begun before the merge is refused
        assert db.session.get(MaterialRequest, work["request"]).unit_id == c
        assert db.session.get(MaterialRequest, work["cancelled_request"]).unit_id == b
        assert db.session.get(AgendaItem, work["item"]).presenting_unit_id == c
        coming = db.session.scalars(sa.select(Invitation.unit_id).where(Invitation.meeting_id == work["meeting"],
                                                                        Invitation.unit_id.isnot(None))).all()
        assert coming == [c]
        held = db.session.scalars(sa.select(Invitation.unit_id).where(
            Invitation.meeting_id == concluded_meeting.id, Invitation.unit_id.isnot(None))).all()
        assert held == [a]  # a held meeting keeps whom it invited
        assert {db.session.get(AgendaItem, i).presenting_unit_id for i in concluded_meeting.items} == {a}
        directives = [db.session.get(Directive, i) for i in concluded_meeting.directives.values()]
        assert {d.lead_unit_id for d in directives} == {c}
        # Sở Y tế led and Sở Tài chính coordinated: their successor leads, and does not coordinate itself
        assert {u.id for d in directives for u in d.coordinating_units} == {task_people.district}
        assert {u.unit_id for u in db.session.scalars(sa.select(User).where(User.username.in_(["sotc", "soyt"])))} \
            == {c}
        assert db.session.scalars(sa.select(portfolio_units.c.unit_id).where(
            portfolio_units.c.user_id == task_people.leader)).all() == [c]
        predecessors = [db.session.get(Unit, unit) for unit in (a, b)]
        assert [(u.active, u.successor_id) for u in predecessors] == [(False, c), (False, c)]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(UnitMove)) == 15
        audited = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity_type == "reorganisation_moves", AuditEvent.action == "create"))
        assert audited == 15

    by_today = _counts_equal_their_lists(app, task_people.office, "today")
    by_then = _counts_equal_their_lists(app, task_people.office, "recorded")
    assert by_today[c] == 4 and a not in by_today and b not in by_today  # open, part, done, cancelled
    assert (by_then[c], by_then[a], by_then[b]) == (2, 1, 1)

    again = client.post("/api/v1/reorganisations", headers=admin, json={**body,
                                                                        "fingerprint": shown["fingerprint"]})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "inactive_unit"
    assert "không còn hoạt động" in again.get_json()["error"]["message"]


def test_a_chain_of_merges_counts_history_under_todays_unit(app, client, task_people, task_factory):
    from ecabinet.core.db import db
    from ecabinet.tasks import queries

    a, b, district = task_people.unit_a, task_people.unit_b, task_people.district
    done = task_factory(lead_unit=a, status="verified_done", deadline=TODAY - timedelta(days=3))
    admin = api_token(client, "admin")
    _apply(client, admin, _body(predecessor_ids=[a], successor_ids=[b]))
    _apply(client, admin, _body(predecessor_ids=[b], successor_ids=[district]))
    assert _counts_equal_their_lists(app, task_people.office, "today") == {district: 1}
    assert _counts_equal_their_lists(app, task_people.office, "recorded") == {a: 1}
    with app.test_request_context():
        from ecabinet.accounts.models import User

        office = db.session.get(User, task_people.office)
        listed, total = queries.tasks_page(office, queries.TaskFilter(lead_unit_id=district))
        assert total == 1 and listed[0].task.id == done


def test_a_split_assigns_work_per_item_and_the_rest_by_the_rule(app, client, task_people, task_factory):
    from ecabinet.core.db import db
    from ecabinet.org.models import Unit
    from ecabinet.tasks.models import Task

    a, b, district = task_people.unit_a, task_people.unit_b, task_people.district
    first, second = task_factory(lead_unit=a), task_factory(lead_unit=a, content="Nhiệm vụ về y tế")
    office = api_token(client, "chuyenvien")
    body = _body(kind="split", predecessor_ids=[a], successor_ids=[b, district], default_successor_id=district,
                 assignments=[{"subject": "task", "row_id": second, "to_unit_id": b}])
    shown = ok(client.post("/api/v1/reorganisations/preview", headers=office, json=body))
    assert {m["label"] for m in shown["moves"] if m["subject"] == "task"} == {
        "Nhiệm vụ về y tế", "Rà soát, báo cáo tình hình giải ngân vốn"}  # the Office sees the work it moves
    refused = client.post("/api/v1/reorganisations", headers=office, json={**body,
                                                                          "fingerprint": shown["fingerprint"]})
    assert refused.status_code == 403  # the Office previews, an admin applies
    _apply(client, api_token(client, "admin"), body)
    with app.app_context():
        assert (db.session.get(Task, first).lead_unit_id, db.session.get(Task, second).lead_unit_id) == (district, b)
        assert db.session.get(Unit, a).successor_id == district


def test_a_rename_keeps_the_unit_and_records_both_names(app, client, task_people, task_factory):
    from ecabinet.core.db import db
    from ecabinet.org.models import Unit
    from ecabinet.tasks.models import Task

    task = task_factory(lead_unit=task_people.unit_b)
    admin = api_token(client, "admin")
    record = _apply(client, admin, _body(kind="rename", predecessor_ids=[task_people.unit_b],
                                         name="Sở Y tế và Dân số", short_name="SYTDS"))
    assert record["moves"] == [] and record["details"]["name"] == ["Sở Y tế", "Sở Y tế và Dân số"]
    with app.app_context():
        unit = db.session.get(Unit, task_people.unit_b)
        assert (unit.name, unit.short_name, unit.active) == ("Sở Y tế và Dân số", "SYTDS", True)
        assert db.session.get(Task, task).lead_unit_id == unit.id
    again = client.post("/api/v1/reorganisations/preview", headers=admin, json=_body(
        kind="rename", predecessor_ids=[task_people.unit_b], name="Sở Y tế và Dân số", short_name="SYTDS"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "same_name"


@pytest.mark.parametrize("fields, code", [
    ({"predecessor_ids": ["a"], "successor_ids": ["a"]}, "into_itself"),
    ({"kind": "split", "predecessor_ids": ["a"]}, "split_needs_successors"),
    ({"predecessor_ids": ["a"], "successor_ids": ["gone"]}, "inactive_unit"),
    ({"predecessor_ids": ["a"], "successor_ids": ["district"], "effective_on": "before"}, "before_last_reorganisation"),
])
def test_bad_reorganisations_are_refused_in_vietnamese(app, client, task_people, fields, code):
    admin = api_token(client, "admin")
    units = {"a": task_people.unit_a, "district": task_people.district, "gone": task_people.unit_b}
    _apply(client, admin, _body(kind="merge", predecessor_ids=[task_people.unit_b],
                                successor_ids=[task_people.office_unit]))
    body = _body(**{k: [units[v] for v in value] if k.endswith("_ids") else value for k, value in fields.items()})
    if body["effective_on"] == "before":
        body["effective_on"] = (TODAY - timedelta(days=1)).isoformat()
        _apply(client, admin, _body(kind="rename", predecessor_ids=[task_people.district], name="Huyện Bình Sơn"))
    response = client.post("/api/v1/reorganisations/preview", headers=admin, json=body)
    error = response.get_json()["error"]
    assert 400 <= response.status_code < 500 and error["code"] == code
    assert error["message"] != error["message"].encode("ascii", "ignore").decode()  # Vietnamese, with its accents


def test_a_preview_that_changed_is_refused_and_nothing_moves(app, client, task_people, task_factory):
    from ecabinet.core.db import db
    from ecabinet.org.models import Unit

    admin = api_token(client, "admin")
    body = _body(predecessor_ids=[task_people.unit_a], successor_ids=[task_people.unit_b])
    shown = ok(client.post("/api/v1/reorganisations/preview", headers=admin, json=body))
    task_factory(lead_unit=task_people.unit_a)  # new work since the preview
    response = client.post("/api/v1/reorganisations", headers=admin, json={**body,
                                                                          "fingerprint": shown["fingerprint"]})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "preview_changed"
    with app.app_context():
        assert db.session.get(Unit, task_people.unit_a).active


def test_the_admin_previews_and_applies_on_the_page(app, client, task_people, task_factory):
    """A merge into a unit it creates, through the form: the new unit takes the first predecessor's place."""
    from ecabinet.core.db import db
    from ecabinet.org.models import Unit
    from ecabinet.tasks.models import Task

    task = task_factory(lead_unit=task_people.unit_a)
    web_login(client, "admin")
    token = csrf_from(client.get("/admin/reorganisations").get_data(as_text=True))
    form = {"csrf_token": token, "kind": "merge", "predecessor_ids": [str(task_people.unit_a),
                                                                     str(task_people.unit_b)],
            "new_code": "sotcyt", "new_name": "Sở Tài chính - Y tế", "new_kind": "department",
            "effective_on": TODAY.strftime("%d/%m/%Y"), "decision": DECISION}
    page = client.post("/admin/reorganisations/preview", data=form).get_data(as_text=True)
    assert 'data-subject="task"' in page and "Nhiệm vụ đang thực hiện" in page and "đơn vị mới" in page
    fingerprint = page.split('name="fingerprint" value="')[1].split('"')[0]
    applied = client.post("/admin/reorganisations", data={**form, "fingerprint": fingerprint})
    assert applied.status_code == 302
    record = client.get(applied.headers["Location"]).get_data(as_text=True)
    assert DECISION in record and "Sở Tài chính - Y tế" in record
    with app.app_context():
        created = db.session.scalar(sa.select(Unit).where(Unit.code == "sotcyt"))
        assert created.parent_id == db.session.get(Unit, task_people.unit_a).parent_id is not None
        assert db.session.get(Task, task).lead_unit_id == created.id
    assert signed_in(client, "sotc").get("/admin/reorganisations").status_code == 403  # a liaison may not preview


def test_draft_notices_follow_the_successor_and_issued_ones_keep_their_recipients(app, client, people,
                                                                                   concluded_meeting, desk):
    """An issued notice keeps whom it was sent to; its correction, still a draft, goes to the successor (the
    printed line too, unless written by hand) and prints a renamed agency's new name."""
    from ecabinet.core.db import db
    from ecabinet.notices.models import NoticeRecipient
    from tests.fixtures.notices import TET_ISSUE, draft, issue_at, to_approved

    notice = draft(app, client, concluded_meeting.id, desk)
    to_approved(client, notice["id"], desk)
    issue_at(app, notice["id"], TET_ISSUE)
    correction = ok(client.post(f"/api/v1/notices/{notice['id']}/correct", headers=desk["chuyenvien"]), 201)
    a, b = people.department, people.other_department
    with app.app_context():
        db.session.execute(sa.update(NoticeRecipient).where(NoticeRecipient.notice_id == correction["id"],
                                                            NoticeRecipient.unit_id == people.district)
                           .values(label="UBND huyện Bình Sơn (để phối hợp)"))
        db.session.commit()
    admin = api_token(client, "admin")
    record = _apply(client, admin, _body(predecessor_ids=[a], new_unit=NEW_UNIT))
    _apply(client, admin, _body(predecessor_ids=[people.district], successor_ids=[people.office]))
    _apply(client, admin, _body(kind="rename", predecessor_ids=[b], name="Sở Y tế và Dân số"))

    def recipients(notice_id: int) -> set[tuple]:
        rows = db.session.scalars(sa.select(NoticeRecipient).where(NoticeRecipient.notice_id == notice_id,
                                                                   NoticeRecipient.unit_id.isnot(None)))
        return {(r.unit_id, r.label) for r in rows}

    c = record["successor_ids"][0]
    assert ("notice_recipient", a, c) in {(m["subject"], m["from_unit_id"], m["to_unit_id"]) for m in record["moves"]}
    with app.app_context():
        assert recipients(notice["id"]) == {(a, "Sở Tài chính"), (b, "Sở Y tế"),
                                            (people.district, "Ủy ban nhân dân huyện Bình Sơn")}
        assert recipients(correction["id"]) == {(c, "Sở Tài chính - Y tế"), (b, "Sở Y tế và Dân số"),
                                                (people.office, "UBND huyện Bình Sơn (để phối hợp)")}


def test_sub_units_follow_their_unit_and_a_successor_cannot_lie_inside_it(app, client, task_people):
    from ecabinet.core.db import db
    from ecabinet.org.models import Unit, UnitKind
    from tests.fixtures.factories import make_unit

    a, b = task_people.unit_a, task_people.unit_b
    with app.app_context():
        parent = db.session.get(Unit, a)
        open_division, closed_division = (make_unit(code, UnitKind.OTHER, parent) for code in ("phongngs", "phongcu"))
        closed_division.active = False
        db.session.commit()
        divisions = (open_division.id, closed_division.id)
    admin = api_token(client, "admin")
    refused = client.post("/api/v1/reorganisations/preview", headers=admin,
                          json=_body(predecessor_ids=[a], successor_ids=[divisions[0]]))
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "successor_inside"
    assert "đơn vị trực thuộc" in refused.get_json()["error"]["message"]
    _apply(client, admin, _body(predecessor_ids=[a], successor_ids=[b]))
    with app.app_context():
        assert [db.session.get(Unit, unit).parent_id for unit in divisions] == [b, a]


def test_the_portfolio_and_the_statistics_page_follow_a_merge(app, client, task_people, task_factory):
    """The leader's portfolio moves to the successor with the predecessor's history; counting as recorded, the
    statistics page offers the reorganised agency, counting by today's agencies it does not."""
    from ecabinet.accounts.models import User, portfolio_units
    from ecabinet.core.db import db
    from ecabinet.tasks import queries

    a, b = task_people.unit_a, task_people.unit_b
    with app.app_context():
        db.session.execute(sa.insert(portfolio_units), [{"user_id": task_people.leader, "unit_id": a}])
        db.session.commit()
    done = task_factory(lead_unit=a, status="verified_done", deadline=TODAY - timedelta(days=3), assigned_by=None)
    task_factory(lead_unit=task_people.district, assigned_by=None)
    _apply(client, api_token(client, "admin"), _body(predecessor_ids=[a], successor_ids=[b]))
    with app.test_request_context():
        leader = db.session.get(User, task_people.leader)
        listed, total = queries.tasks_page(leader, queries.TaskFilter(portfolio="me"))
        assert total == 1 and listed[0].task.id == done

    web_login(client, "chuyenvien")
    option = f'<option value="{a}" selected>Sở Tài chính</option>'
    recorded = client.get(f"/tasks/statistics?units=recorded&unit_id={a}").get_data(as_text=True)
    reorganised = recorded.split('id="filter-unit-reorganised"')[1].split("</optgroup>")[0]
    assert option in reorganised and " disabled" not in reorganised.split(">")[0]
    today = client.get("/tasks/statistics?units=today").get_data(as_text=True)
    assert 'data-enabled-when="filter-units=recorded" disabled' in today
    assert f'<option value="{a}">Sở Tài chính</option>' in today.split('id="filter-unit-reorganised"')[1]


def _form(client, **fields) -> dict:
    token = csrf_from(client.get("/admin/reorganisations").get_data(as_text=True))
    return {"csrf_token": token, "effective_on": TODAY.strftime("%d/%m/%Y"), "decision": DECISION, **fields}


def _fingerprint(page: str) -> str:
    return page.split('name="fingerprint" value="')[1].split('"')[0]


def test_a_split_is_assigned_item_by_item_on_the_page(app, client, task_people, task_factory):
    from ecabinet.core.db import db
    from ecabinet.org.models import Unit
    from ecabinet.tasks.models import Task

    a, b, district = task_people.unit_a, task_people.unit_b, task_people.district
    first, second = task_factory(lead_unit=a), task_factory(lead_unit=a, content="Nhiệm vụ về y tế")
    web_login(client, "admin")
    form = _form(client, kind="split", predecessor_ids=[str(a)], successor_ids=[str(b), str(district)])
    page = client.post("/admin/reorganisations/preview", data=form).get_data(as_text=True)
    assert f'value="task:{second}:{b}" selected' in page and f'value="task:{second}:{district}">' in page

    wrong = client.post("/admin/reorganisations/preview", data={
        **form, "assignments": [f"task:{second}:{task_people.office_unit}"]})
    assert wrong.status_code == 422 and "một trong các đơn vị kế thừa" in wrong.get_data(as_text=True)

    chosen = {**form, "default_successor_id": str(district), "assignments": [
        f"task:{first}:{b}", f"task:{second}:{district}", f"user:{task_people.liaison_a}:{b}"]}
    stale = client.post("/admin/reorganisations", data={**chosen, "fingerprint": _fingerprint(page)})
    assert stale.status_code == 409  # the choices changed what moves: the admin sees the preview again
    again = stale.get_data(as_text=True)
    assert f'value="task:{second}:{district}" selected' in again and "xem trước" in again
    applied = client.post("/admin/reorganisations", data={**chosen, "fingerprint": _fingerprint(again)})
    assert applied.status_code == 302
    with app.app_context():
        assert (db.session.get(Task, first).lead_unit_id, db.session.get(Task, second).lead_unit_id) == (b, district)
        assert db.session.get(Unit, a).successor_id == district


def test_the_record_of_moves_is_readable_and_linked_from_the_audit_log(app, client, task_people, task_factory):
    """What moved (as each reader may see it), from where, to where, when and by whom; the audit log's entries of
    the reorganisation and of its moves open that record."""
    a, b = task_people.unit_a, task_people.unit_b
    task_factory(lead_unit=a, content="Báo cáo tiến độ dự án đường ven biển")
    record = _apply(client, api_token(client, "admin"), _body(predecessor_ids=[a], successor_ids=[b]))
    page_url = f"/admin/reorganisations/{record['id']}"

    web_login(client, "admin")
    seen_by_admin = client.get(page_url).get_data(as_text=True)
    assert "Nguyễn Văn Admin" in seen_by_admin and TODAY.strftime("%d/%m/%Y") in seen_by_admin
    assert "Nguyễn Văn Sotc" in seen_by_admin  # the liaison moved: people are named
    assert "đường ven biển" not in seen_by_admin  # the admin sees no agency's work
    assert f'href="/admin/audit?entity_type=reorganisations&amp;entity_id={record["id"]}"' in seen_by_admin
    for entity in ("reorganisations", "reorganisation_moves"):
        audit = client.get(f"/admin/audit?entity_type={entity}").get_data(as_text=True)
        assert f'href="{page_url}"' in audit
    assert f'href="{page_url}"' not in client.get("/admin/audit?entity_type=units").get_data(as_text=True)

    seen_by_office = signed_in(client, "chuyenvien").get(page_url).get_data(as_text=True)
    assert 'id="reorganisation-audit"' not in seen_by_office  # the audit log is the admin's
    row = seen_by_office.split('data-subject="task"')[1].split("</tr>")[0]
    assert "Báo cáo tiến độ dự án đường ven biển" in row and "Sở Tài chính" in row and "Sở Y tế" in row
