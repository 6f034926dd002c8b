"""Every API operation × every role of the demo province (and no token) answers what ``docs/permissions.md`` says.

The expected answers are the doc's matrix (section "Every API operation, role by role"), parsed here: ``✓``
means allowed (any answer but 401, 403, 404 and 5xx: a 409 for a step at the wrong moment or a 422 naming a
rule of the domain is the operation speaking, not the policy), ``403`` refused, ``404`` refused as if the object
did not exist, and ``401`` no credentials. Each operation is called with a valid request on the demo objects
its row is about (``_requests`` below, described in the doc); one app and one seeded database per backend,
every request rolled back after it. A new operation fails ``test_every_operation_has_a_row`` until the doc
gives it one.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa

from ecabinet.accounts import sessions
from ecabinet.accounts.models import ApiToken, User
from ecabinet.conclusions.models import Conclusion, Directive
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.extensions import socketio
from ecabinet.demo.pdfs import text_pdf
from ecabinet.materials.models import AgendaItem, Confidentiality, Material
from ecabinet.meetings.models import Invitation, Meeting, MeetingKind, Room
from ecabinet.notices.models import Notice
from ecabinet.notify.models import EmailDelivery, Notification
from ecabinet.org.models import Sector, Unit
from ecabinet.registers.models import RegisterNumber
from ecabinet.tasks.models import ReportAttachment, Task
from tests.fixtures import ROOT, TODAY
from tests.fixtures.database import bind_socketio
from tests.fixtures.demo import DEMO_PASSWORD, rolling_back
from tests.fixtures.web import openapi_document

pytestmark = pytest.mark.xdist_group("permission_matrix")  # one worker seeds the demo province once per backend

DOC = ROOT / "docs" / "permissions.md"
TABLE_HEADING = "### The matrix"
ROLES_HEADING = "### Who plays each role"
ALLOWED = "✓"


def _table_rows(heading: str) -> list[list[str]]:
    """The rows (cells stripped of backticks) of the first table after ``heading`` in the doc."""
    text = DOC.read_text(encoding="utf-8")
    assert heading in text, f"docs/permissions.md has no section {heading!r}"
    rows = []
    for line in text.split(heading, 1)[1].splitlines():
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if not set("".join(cells)) <= set("-: "):
            rows.append(cells)
    return rows


def _role_players() -> dict[str, str]:
    """Column of the matrix → the demo username who plays it (``-`` for no token)."""
    return {row[0]: row[1] for row in _table_rows(ROLES_HEADING)[1:]}


def _expected() -> tuple[list[str], dict[str, dict[str, str]]]:
    header, *rows = _table_rows(TABLE_HEADING)
    columns = header[1:]
    expected = {}
    for row in rows:
        assert len(row) == len(header), f"row {row[0]!r} has {len(row)} cells, the header {len(header)}"
        assert row[0] not in expected, f"{row[0]!r} has two rows"
        expected[row[0]] = dict(zip(columns, row[1:]))
    return columns, expected


@functools.cache
def _operations() -> tuple[str, ...]:
    return tuple(f"{method.upper()} {path}" for path, item in openapi_document()["paths"].items()
                 for method in item if method in {"get", "post", "put", "patch", "delete"})


def test_every_operation_has_a_row():
    columns, expected = _expected()
    assert set(columns) == set(_role_players()), "every column of the matrix needs its player, and only those"
    assert set(columns) >= {"no token", "viewer"}
    missing = [op for op in _operations() if op not in expected]
    stale = [op for op in expected if op not in _operations()]
    assert not missing, f"operations without a row in docs/permissions.md: {missing}"
    assert not stale, f"rows of docs/permissions.md for no operation: {stale}"
    odd = {(op, cell) for op, cells in expected.items() for cell in cells.values()
           if cell not in {ALLOWED, "401", "403", "404"}}
    assert not odd, f"cells must be ✓, 401, 403 or 404: {sorted(odd)}"


# --- The demo objects each row is about -----------------------------------------------------------------------

REGULAR_SESSION = "Phiên họp Ủy ban nhân dân tỉnh thường kỳ"
CONCLUDED = "Họp nghe báo cáo tình hình giải ngân vốn đầu tư công năm 2026"


def _one(model: type, *where: Any) -> Any:
    return db.session.scalars(sa.select(model).where(*where).order_by(model.id)).first()


def _ids_in_order(model: type, *where: Any) -> list[int]:
    return list(db.session.scalars(sa.select(model.id).where(*where).order_by(model.position)))


def _user_id(username: str) -> int:
    return db.session.scalar(sa.select(User.id).where(User.username == username))


def _unit_id(code: str) -> int:
    return db.session.scalar(sa.select(Unit.id).where(Unit.code == code))


PDF = "<a one-page PDF>"
"""In a ``Call``'s form: a fresh file for each request (a test client reads it to the end)."""


def _pdf() -> tuple[io.BytesIO, str]:
    return io.BytesIO(text_pdf(1, seed=1, title="Bản bổ sung")), "bo-sung.pdf"


def _seeded_ids() -> SimpleNamespace:
    regular = _one(Meeting, Meeting.title == REGULAR_SESSION)
    concluded = _one(Meeting, Meeting.title == CONCLUDED)
    item = _one(AgendaItem, AgendaItem.meeting_id == regular.id)
    notice = _one(Notice, Notice.meeting_id == concluded.id)
    conclusion = _one(Conclusion, Conclusion.meeting_id == concluded.id)
    tasks = db.session.scalars(sa.select(Task).order_by(Task.id)).all()
    task = next(t for t in tasks if t.lead_unit_id == _unit_id("sotc"))
    return SimpleNamespace(
        day_off="2026-12-24", meeting=regular.id, meeting_version=regular.version, concluded=concluded.id,
        item=item.id,
        items=_ids_in_order(AgendaItem, AgendaItem.meeting_id == regular.id),
        material=_one(Material, Material.agenda_item_id == item.id, Material.publication_id.is_not(None)).id,
        confidential=_one(Material, Material.meeting_id == regular.id,
                          Material.confidentiality == Confidentiality.CONFIDENTIAL).id,
        invitation=_one(Invitation, Invitation.meeting_id == regular.id,
                        Invitation.user_id == _user_id("giamdocstc")).id,
        notice=notice.id, notice_version=notice.version,
        number=_one(RegisterNumber).id,
        conclusion=conclusion.id, conclusions=_ids_in_order(Conclusion, Conclusion.meeting_id == concluded.id),
        directive=_one(Directive, Directive.conclusion_id == conclusion.id).id,
        task=task.id, task_version=task.version, other_task=next(t.id for t in tasks if t.id != task.id),
        user=_user_id("giamdocstc"), unit=_unit_id("sotc"), other_unit=_unit_id("soxd"),
        sector=_one(Sector).id, kind=_one(MeetingKind).id, room=_one(Room).id,
        leader=_user_id("pct1"), member=_user_id("giamdocstc"),
    )


def _made_through_the_api(province, ids: SimpleNamespace) -> None:
    """What the seed has not: a private note, an opinion poll, a material request, an extension request, a
    report's file, a calendar feed, the minutes with a revision, a day off; each made by the person who would."""
    client = province.app.test_client()

    def post(username: str, path: str, **kwargs) -> dict:
        response = client.post(f"/api/v1{path}", headers=province.token(username), **kwargs)
        assert response.status_code in (200, 201), (path, response.get_json())
        return response.get_json()

    ids.note = post("giamdocstc", f"/materials/{ids.material}/notes",
                    json={"page": 1, "text": "Hỏi lại số liệu"})["id"]
    ids.poll = post("chuyenvien1", "/opinion-polls", json={
        "title": "Lấy ý kiến về dự thảo quy chế", "question": "Đồng ý ban hành?", "member_ids": [ids.member],
        "deadline_at": (utcnow() + timedelta(days=30)).isoformat()})["id"]
    ids.material_request = post("chuyenvien1", f"/agenda-items/{ids.item}/material-requests",
                                json={"unit_ids": [ids.unit], "note": "Bổ sung phụ lục"})[0]["id"]
    ids.extension = post("sotc", f"/tasks/{ids.task}/extensions", json={
        "new_deadline": (TODAY + timedelta(days=60)).isoformat(), "reason": "Chờ ý kiến của Bộ"})["id"]
    post("sotc", f"/tasks/{ids.task}/reports", data={"text": "Đã rà soát 12 dự án", "files": _pdf()},
         content_type="multipart/form-data")
    ids.feed = post("pct1", "/calendar-feeds", json={})["id"]
    rename = _rename(ids)
    shown = post("admin", "/reorganisations/preview", json=rename)
    ids.reorganisation = post("admin", "/reorganisations", json={**rename, "fingerprint": shown["fingerprint"]})["id"]
    minutes = client.get(f"/api/v1/meetings/{ids.concluded}/minutes", headers=province.token("chuyenvien1"))
    assert minutes.status_code == 200, minutes.get_json()
    section = minutes.get_json()["sections"][0]
    ids.section = section["id"]
    edited = client.put(f"/api/v1/minutes/sections/{ids.section}", headers=province.token("chuyenvien1"),
                        json={"text": "Đồng chí Phó Chủ tịch chủ trì.", "base_revision": section["revision"]})
    assert edited.status_code == 200, edited.get_json()
    ids.section_revision = edited.get_json()["revision"]
    day_off = client.put(f"/api/v1/workdays/days/{ids.day_off}", headers=province.token("admin"),
                         json={"kind": "day_off", "reason": "Nghỉ bù dịp Giáng sinh"})
    assert day_off.status_code in (200, 201), day_off.get_json()
    with province.app.app_context():
        ids.task_version = db.session.get(Task, ids.task).version
        ids.attachment = _one(ReportAttachment).id
        ids.notification = _one(Notification, Notification.user_id == ids.member).id
        ids.delivery = _one(EmailDelivery).id


def _rename(ids: SimpleNamespace) -> dict:
    return {"kind": "rename", "predecessor_ids": [ids.other_unit], "name": "Sở Tài chính tỉnh Quảng Ngãi",
            "effective_on": TODAY.isoformat(), "decision": "Quyết định số 123/QĐ-UBND"}


@dataclass
class Call:
    params: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    form: dict[str, Any] | None = None
    query: dict[str, Any] = field(default_factory=dict)


def _requests(ids: SimpleNamespace) -> dict[str, Call]:
    """A valid request for each operation that needs more than its path's ids (``_PARAMS``)."""
    later = (datetime(2026, 12, 3, 1, 0, tzinfo=timezone.utc), datetime(2026, 12, 3, 3, 0, tzinfo=timezone.utc))
    directive = {"content": "tổng hợp, báo cáo kết quả", "lead_unit_id": ids.unit}
    task = {"content": "rà soát danh mục dự án", "lead_unit_id": ids.unit}
    return {
        "PATCH /api/v1/agenda-items/{item_id}": Call(json={"planned_minutes": 30}),
        "POST /api/v1/agenda-items/{item_id}/material-requests": Call(json={"unit_ids": [ids.other_unit]}),
        "POST /api/v1/auth/token": Call(json={"username": "quansat", "password": DEMO_PASSWORD}),
        "POST /api/v1/briefcase/devices": Call(json={"device_id": "a-device-of-a-browser"}),
        "POST /api/v1/briefcase/sync": Call(json={"device_id": "a-device-of-a-browser"}),
        "POST /api/v1/calendar-feeds": Call(json={}),
        "PUT /api/v1/conclusions/{conclusion_id}": Call(json={"version": 1, "text": "Thống nhất."}),
        "POST /api/v1/conclusions/{conclusion_id}/directives": Call(json=directive),
        "PUT /api/v1/directives/{directive_id}": Call(json=directive),
        "POST /api/v1/invitations/{invitation_id}": Call(json={"response": "attending"}),
        "PATCH /api/v1/material-requests/{request_id}": Call(params={"request_id": ids.material_request},
                                                             json={"note": "Gửi trước thứ Sáu"}),
        "POST /api/v1/materials/{material_id}/notes": Call(json={"page": 1, "text": "Ghi chú"}),
        "PUT /api/v1/materials/{material_id}/readers": Call(params={"material_id": ids.confidential},
                                                            json={"reader_ids": [ids.leader]}),
        "POST /api/v1/materials/{material_id}/versions": Call(form={"file": PDF}),
        "POST /api/v1/me/two-factor/disable": Call(json={"password": DEMO_PASSWORD, "code": "123456"}),
        "POST /api/v1/me/two-factor/enrolment/confirm": Call(json={"code": "123456"}),
        "POST /api/v1/me/two-factor/recovery-codes": Call(json={"code": "123456"}),
        "POST /api/v1/me/password": Call(json={"current_password": DEMO_PASSWORD,
                                                      "new_password": "a-new-password-2026"}),
        "POST /api/v1/meeting-kinds": Call(json={"code": "hopmoi", "name": "Họp mới"}),
        "PUT /api/v1/meeting-kinds/{kind_id}": Call(json={"code": "phienhopthuongky", "name": "Phiên họp"}),
        "POST /api/v1/meetings": Call(json={"title": "Họp bàn kế hoạch", "kind_id": ids.kind, "chair_id": ids.leader,
                                            "starts_at": later[0].isoformat(), "ends_at": later[1].isoformat()}),
        "PATCH /api/v1/meetings/{meeting_id}": Call(json={"version": ids.meeting_version, "location": "Phòng 2"}),
        "POST /api/v1/meetings/{meeting_id}/agenda": Call(json={"title": "Nội dung khác"}),
        "PUT /api/v1/meetings/{meeting_id}/agenda/order": Call(json={"item_ids": ids.items}),
        "GET /api/v1/meetings/{meeting_id}/conclusions": Call(params={"meeting_id": ids.concluded}),
        "POST /api/v1/meetings/{meeting_id}/conclusions": Call(params={"meeting_id": ids.concluded},
                                                               json={"text": "Giao Sở Tài chính chủ trì."}),
        "POST /api/v1/meetings/{meeting_id}/conclusions/order": Call(params={"meeting_id": ids.concluded},
                                                                     json={"conclusion_ids": ids.conclusions}),
        "POST /api/v1/meetings/{meeting_id}/live/actions": Call(json={"action": "start"}),
        "POST /api/v1/meetings/{meeting_id}/materials": Call(form={"title": "Báo cáo bổ sung", "file": PDF,
                                                                   "agenda_item_id": str(ids.item)}),
        "GET /api/v1/meetings/{meeting_id}/minutes": Call(params={"meeting_id": ids.concluded}),
        "GET /api/v1/meetings/{meeting_id}/minutes.pdf": Call(params={"meeting_id": ids.concluded}),
        "POST /api/v1/meetings/{meeting_id}/minutes/return": Call(params={"meeting_id": ids.concluded},
                                                                  json={"reason": "Bổ sung ý kiến"}),
        "POST /api/v1/meetings/{meeting_id}/minutes/sign": Call(params={"meeting_id": ids.concluded},
                                                                json={"as": "chair"}),
        "GET /api/v1/meetings/{meeting_id}/notice": Call(params={"meeting_id": ids.concluded}),
        "POST /api/v1/meetings/{meeting_id}/paper-materials": Call(json={"title": "Bản in"}),
        "POST /api/v1/meetings/{meeting_id}/publications": Call(json={}),
        "POST /api/v1/meetings/{meeting_id}/status": Call(json={"version": ids.meeting_version, "action": "postpone",
                                                                "reason": "Trùng lịch"}),
        "PUT /api/v1/minutes/sections/{section_id}": Call(json={"text": "Nội dung",
                                                                "base_revision": ids.section_revision}),
        "POST /api/v1/minutes/sections/{section_id}/restore": Call(json={"number": 1,
                                                                         "base_revision": ids.section_revision}),
        "PATCH /api/v1/notes/{note_id}": Call(json={"text": "Đã hỏi"}),
        "PUT /api/v1/notices/{notice_id}": Call(json={"version": ids.notice_version, "summary": "Tóm tắt"}),
        "POST /api/v1/notices/{notice_id}/not-needed": Call(json={"reason": "Không cần"}),
        "POST /api/v1/notices/{notice_id}/reject": Call(json={"reason": "Sửa lại"}),
        "PUT /api/v1/notifications/preferences": Call(json=[]),
        "POST /api/v1/opinion-polls": Call(json={"title": "Lấy ý kiến", "question": "Đồng ý?",
                                                 "deadline_at": later[0].isoformat(), "member_ids": [ids.member]}),
        "POST /api/v1/opinion-polls/{poll_id}/answers": Call(json={"answer": "agree"}),
        "POST /api/v1/reorganisations": Call(json={**_rename(ids), "name": "Sở Tài chính", "fingerprint": "x"}),
        "POST /api/v1/reorganisations/preview": Call(json={**_rename(ids), "kind": "merge", "name": None,
                                                           "successor_ids": [ids.unit]}),
        "POST /api/v1/register-numbers/{number_id}/cancel": Call(json={"reason": "Cấp nhầm"}),
        "POST /api/v1/rooms": Call(json={"code": "phongmoi", "name": "Phòng mới", "capacity": 10}),
        "PUT /api/v1/rooms/{room_id}": Call(json={"code": "phonghop1", "name": "Phòng họp số 1", "capacity": 60}),
        "POST /api/v1/schedules/{week}/approve": Call(json={"version": 1}),
        "GET /api/v1/search": Call(query={"q": "ket luan", "kind": "notice"}),
        "POST /api/v1/sectors": Call(json={"code": "linhvucmoi", "name": "Lĩnh vực mới"}),
        "PATCH /api/v1/sectors/{sector_id}": Call(json={"name": "Lĩnh vực đổi tên"}),
        "POST /api/v1/task-extensions/{request_id}/decide": Call(params={"request_id": ids.extension},
                                                                 json={"grant": True}),
        "POST /api/v1/tasks": Call(json=task),
        "PUT /api/v1/tasks/{task_id}": Call(json={**task, "version": ids.task_version}),
        "POST /api/v1/tasks/{task_id}/cancel": Call(json={"version": ids.task_version, "reason": "Trùng"}),
        "POST /api/v1/tasks/{task_id}/comments": Call(json={"text": "Đề nghị phối hợp"}),
        "POST /api/v1/tasks/{task_id}/extensions": Call(json={"new_deadline": (TODAY + timedelta(days=90)).isoformat(),
                                                              "reason": "Chờ ý kiến"}),
        "POST /api/v1/tasks/{task_id}/merge": Call(json={"version": ids.task_version, "reason": "Trùng",
                                                         "into_id": ids.other_task}),
        "POST /api/v1/tasks/{task_id}/reports": Call(form={"text": "Đã triển khai"}),
        "POST /api/v1/tasks/{task_id}/return": Call(json={"version": ids.task_version, "reason": "Chưa đủ"}),
        "POST /api/v1/tasks/{task_id}/split": Call(json={"version": ids.task_version,
                                                         "unit_ids": [ids.unit, ids.other_unit]}),
        "POST /api/v1/tasks/{task_id}/start": Call(json={"version": ids.task_version}),
        "POST /api/v1/tasks/{task_id}/verify": Call(json={"version": ids.task_version}),
        "POST /api/v1/units": Call(json={"code": "donvimoi", "name": "Đơn vị mới", "kind": "department"}),
        "PATCH /api/v1/units/{unit_id}": Call(json={"short_name": "Sở KH-ĐT"}),
        "POST /api/v1/users": Call(json={"username": "nguoimoi", "full_name": "Người Mới", "unit_id": ids.unit,
                                         "roles": ["member"], "password": "mot-mat-khau-dai-2026"}),
        "PATCH /api/v1/users/{user_id}": Call(json={"position_title": "Giám đốc"}),
        "POST /api/v1/users/{user_id}/password": Call(json={"new_password": "mot-mat-khau-dai-2026"}),
        "GET /api/v1/workdays/add": Call(query={"from": TODAY.isoformat(), "days": "5"}),
        "PUT /api/v1/workdays/days/{day}": Call(json={"kind": "day_off", "reason": "Nghỉ bù"}),
    }


def _params(ids: SimpleNamespace) -> dict[str, Any]:
    """Each path parameter's object, unless the operation's ``Call`` names another."""
    return {"item_id": ids.item, "conclusion_id": ids.conclusion, "directive_id": ids.directive,
            "invitation_id": ids.invitation, "material_id": ids.material, "meeting_id": ids.meeting,
            "note_id": ids.note, "notice_id": ids.notice, "notification_id": ids.notification,
            "delivery_id": ids.delivery, "poll_id": ids.poll,
            "number_id": ids.number, "kind_id": ids.kind, "room_id": ids.room, "week": "2026-11-30",
            "sector_id": ids.sector, "task_id": ids.task, "attachment_id": ids.attachment, "unit_id": ids.unit,
            "user_id": ids.user, "day": ids.day_off, "year": 2026, "feed_id": ids.feed,
            "section_id": ids.section, "request_id": ids.material_request, "session_id": ids.member_session,
            "token_id": ids.member_token, "reorganisation_id": ids.reorganisation}


@dataclass(frozen=True)
class Outcome:
    operation: str
    column: str
    expected: str
    status: int
    body: str

    def ok(self) -> bool:
        if self.expected == ALLOWED:
            return self.status not in (401, 403, 404) and self.status < 500 and not self.invalid_request()
        return str(self.status) == self.expected

    def invalid_request(self) -> bool:
        """The test's own request was wrong (what the schema says), so the policy was never asked."""
        return self.status in (400, 415) or (self.status == 422 and '"code":"validation_error"' in self.body)


@pytest.fixture(scope="module")
def matrix_province(demo_province):
    players = _role_players()
    with demo_province.app.app_context():
        ids = _seeded_ids()
    for username in {*players.values(), "chuyenvien1", "giamdocstc", "sotc", "pct1"} - {"-"}:
        demo_province.token(username)
    _made_through_the_api(demo_province, ids)
    with demo_province.app.app_context():
        ids.member_session, ids.member_token = _member_credentials()
    with rolling_back(demo_province):
        yield demo_province, ids, players


def _member_credentials() -> tuple[int, int]:
    """A sign-in session of the member (the demo has none: the roles use tokens) and the member's token."""
    member = db.session.scalar(sa.select(User).where(User.username == "giamdocstc"))
    session = sessions.open_session(member, sessions.Device("matrix"))
    db.session.commit()
    token = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == member.id).order_by(ApiToken.id))
    return session.id, token


def _call(client, operation: str, call: Call, params: dict[str, Any], headers: dict[str, str]):
    method, template = operation.split(" ", 1)
    path = re.sub(r"{(\w+)}", lambda m: str({**params, **call.params}[m.group(1)]), template)
    kwargs: dict[str, Any] = {"headers": headers, "query_string": call.query}
    if call.form is not None:
        kwargs.update(data={k: _pdf() if v is PDF else v for k, v in call.form.items()},
                      content_type="multipart/form-data")
    elif call.json is not None:
        kwargs["json"] = call.json
    return client.open(path, method=method, **kwargs)




@pytest.mark.long
def test_every_operation_answers_each_role_as_documented(matrix_province):
    province, ids, players = matrix_province
    columns, expected = _expected()
    requests, params = _requests(ids), _params(ids)
    client = province.app.test_client()
    outcomes = []
    for operation in _operations():
        call = requests.get(operation, Call())
        for column in columns:
            player = players[column]
            headers = {} if player == "-" else province.tokens[player]
            with province.rolled_back():
                response = _call(client, operation, call, params, headers)
            outcomes.append(Outcome(operation, column, expected.get(operation, {}).get(column, "?"),
                                    response.status_code, response.get_data()[:200].decode(errors="replace")))
    wrong = [o for o in outcomes if not o.ok()]
    assert not wrong, "\n" + "\n".join(f"{o.operation} as {o.column}: expected {o.expected}, got {o.status} {o.body}"
                                       for o in wrong)


LIVE_ACTION = "POST /api/v1/meetings/{meeting_id}/live/actions"
SOCKET_REFUSALS = {"unauthenticated": "401", "forbidden": "403", "not_found": "404"}


def _socket_answer(app, token: str | None, payload: dict) -> str:
    """The live room's write, ``live:action``, over Socket.IO as ``token``'s user: the matrix's cell it earns."""
    bind_socketio(app)
    client = socketio.test_client(app, auth={"token": token} if token else None)
    if not client.is_connected():
        return "401"
    try:
        ack = client.emit("live:action", payload, callback=True)
    finally:
        client.disconnect()
    return ALLOWED if ack["ok"] else SOCKET_REFUSALS.get(ack["error"]["code"], ALLOWED)


def test_the_live_socket_writes_as_the_api_does(matrix_province):
    """The live room's actions come over the socket too, through the same policy: the API row is its expectation."""
    province, ids, players = matrix_province
    _, expected = _expected()
    answers = {}
    for column, player in players.items():
        token = None if player == "-" else province.tokens[player]["Authorization"].removeprefix("Bearer ")
        with province.rolled_back():
            answers[column] = _socket_answer(province.app, token, {"meeting_id": ids.meeting, "action": "start"})
    assert answers == expected[LIVE_ACTION]
