"""seed-demo builds today's province (two tiers, the merged departments, the communes, wards and special zone,
liaisons of departments and communes) with a year of history, quickly; running it twice changes nothing; and the
communes take part like the departments."""

import time
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import Role, User
from ecabinet.audit.models import AuditEvent
from ecabinet.core.clock import today
from ecabinet.core.db import db
from ecabinet.demo import data
from ecabinet.materials.models import AgendaItem, MaterialRequest
from ecabinet.meetings.models import Invitation, Meeting
from ecabinet.notices.models import Notice
from ecabinet.org.models import Unit, UnitKind
from ecabinet.search.models import SearchEntry
from ecabinet.tasks import queries as task_queries
from ecabinet.tasks.derived import Derived, derived_expression
from ecabinet.tasks.models import Task
from tests.fixtures.web import api_token, ok

SEEDING_SECONDS = 60
"""`make run` must answer its first page within two minutes of a fresh clone: the seeding takes well under one."""
MERGED = ("Sở Tài chính", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "Sở Khoa học và Công nghệ", "Sở Nội vụ",
          "Sở Dân tộc và Tôn giáo", "Sở Văn hóa, Thể thao và Du lịch", "Thanh tra tỉnh", "Công an tỉnh",
          "Bộ Chỉ huy Quân sự tỉnh")
GONE = ("Sở Kế hoạch và Đầu tư", "Sở Giao thông vận tải", "Sở Tài nguyên và Môi trường",
        "Sở Thông tin và Truyền thông", "Sở Lao động - Thương binh và Xã hội", "Sở Nông nghiệp và Phát triển nông thôn",
        "Ban Dân tộc tỉnh")
LOCALITIES = ("đặc khu Lý Sơn", "phường Cẩm Thành", "phường Nghĩa Lộ", "phường Trương Quang Trọng", "phường Kon Tum",
              "phường Đăk Cấm", "phường Đăk Bla", "xã Bình Sơn", "xã Ngọc Linh")


def _snapshot() -> dict:
    tables = [t for t in db.metadata.sorted_tables if t.name != "audit_events"]
    return {t.name: sorted(map(tuple, db.session.execute(sa.select(t)).all()), key=repr) for t in tables}


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _today_s_map() -> None:
    kinds = Counter(db.session.scalars(sa.select(Unit.kind)))
    assert kinds[UnitKind.DISTRICT] == 0
    assert kinds[UnitKind.COMMUNE] >= 90
    names = set(db.session.scalars(sa.select(Unit.name)))
    assert set(MERGED) <= names and not names & set(GONE)
    assert {f"Ủy ban nhân dân {name}" for name in LOCALITIES} <= names
    communes = db.session.scalars(sa.select(Unit.name).where(Unit.kind == UnitKind.COMMUNE)).all()
    assert Counter(name.split()[4] for name in communes) == {"xã": 86, "phường": 9, "đặc": 1}
    liaisons = {u.unit.code: u for u in db.session.scalars(sa.select(User)) if u.has_role(Role.AGENCY_LIAISON)}
    departments = db.session.scalars(sa.select(Unit.code).where(Unit.kind == UnitKind.DEPARTMENT)).all()
    assert set(departments) <= set(liaisons) and len(departments) >= 18
    assert set(data.LIAISON_COMMUNES) <= set(liaisons) and len(data.LIAISON_COMMUNES) >= 10
    assert all(liaisons[code].username == code and liaisons[code].is_demo for code in data.LIAISON_COMMUNES)


def _a_year_of_history() -> None:
    """A province's year: its volumes, the mix of how its tasks went, the communes in it, and all of it searchable."""
    assert _count(Meeting) >= 600 and _count(Notice) >= 400 and _count(Task) >= 900
    assert db.session.scalar(sa.select(sa.func.min(Meeting.starts_at))).date() < today() - timedelta(days=358)
    went = Counter(db.session.scalars(sa.select(derived_expression(today()))))
    share = {d: went[d] / sum(went.values()) for d in Derived}
    assert 0.5 < share[Derived.DONE_ON_TIME] < 0.8 and 0.08 < share[Derived.DONE_LATE] < 0.3, share
    assert 0.03 < share[Derived.OVERDUE] < 0.2, share
    extended = _count(Task, Task.deadline_on != Task.original_deadline_on) / _count(Task)
    assert 0.05 < extended < 0.2
    commune = sa.select(Unit.id).where(Unit.kind == UnitKind.COMMUNE)
    assert _count(Invitation, Invitation.unit_id.in_(commune)) > 50
    assert _count(Task, Task.lead_unit_id.in_(commune)) > 50
    assert _count(MaterialRequest, MaterialRequest.unit_id.in_(commune)) > 10
    assert _count(SearchEntry) >= _count(Meeting) + _count(Notice) + _count(Task)


@pytest.mark.long
def test_seed_demo_makes_today_s_province_with_a_year_of_history_quickly_and_once(app, client):
    runner = app.test_cli_runner()
    started = time.perf_counter()
    first = runner.invoke(args=["seed-demo"])
    seconds = time.perf_counter() - started
    assert first.exit_code == 0, first.output
    assert seconds < SEEDING_SECONDS, f"seed-demo took {seconds:.1f} s"
    assert "chutich" in first.output and "600 meetings" in first.output
    with app.app_context():
        _today_s_map()
        _a_year_of_history()
        before, events = _snapshot(), _count(AuditEvent)
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "0 users created" in second.output
    with app.app_context():
        assert _snapshot() == before
        assert _count(AuditEvent) == events
    for username in ("chutich", "pct1", "pct2", "pct3", "chanhvp", "chuyenvien1", "chuyenvien2", "vanthu", "admin",
                     "giamdocstc", "sotc", "sonnmt", "pcamthanh", "dklyson", "xdakha"):
        response = client.post("/api/v1/auth/token", json={"username": username, "password": "demo"})
        assert response.status_code == 200, username


def test_communes_take_part_like_departments(app, client):
    """A commune is asked for materials, leads a task split into parts for two communes, and is counted by the
    statistics; each commune's liaison sees its own part."""
    assert app.test_cli_runner().invoke(args=["seed-demo", "--without-history"]).exit_code == 0
    with app.app_context():
        units = dict(db.session.execute(sa.select(Unit.code, Unit.id)).all())
        item = db.session.scalar(sa.select(AgendaItem.id).join(Meeting).where(Meeting.title == data.MEETINGS[0].title)
                                 .order_by(AgendaItem.position).limit(1))
        deadline = today().isoformat()
    office = api_token(client, "chuyenvien1", "demo")
    asked = ok(client.post(f"/api/v1/agenda-items/{item}/material-requests", headers=office,
                           json={"unit_ids": [units["pcamthanh"]], "note": "Báo cáo của phường"}), 201)
    assert [r["unit"]["code"] for r in asked] == ["pcamthanh"]
    task = ok(client.post("/api/v1/tasks", headers=office, json={
        "content": "Rà soát, báo cáo tiến độ bồi thường, giải phóng mặt bằng trên địa bàn", "source": "manual",
        "lead_unit_id": units["xbinhson"], "deadline_on": deadline}), 201)
    communes = [units["xbinhson"], units["xvantuong"]]
    parts = ok(client.post(f"/api/v1/tasks/{task['id']}/split", headers=office,
                           json={"version": task["version"], "unit_ids": communes}))["parts"]
    assert sorted(part["lead_unit"]["code"] for part in parts) == ["xbinhson", "xvantuong"]
    for part in parts:
        liaison = api_token(client, part["lead_unit"]["code"], "demo")
        assert client.get(f"/api/v1/tasks/{part['id']}", headers=liaison).status_code == 200
    with app.app_context():
        chief = db.session.scalar(sa.select(User).where(User.username == "chanhvp"))
        counted = {g.key: g.total for g in task_queries.statistics(chief, task_queries.TaskFilter()).groups}
    assert counted[units["xbinhson"]] >= 2 and counted[units["xvantuong"]] == 1  # its directive's task and its part


def test_seed_demo_if_empty_leaves_a_used_database_alone(app, people):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "not seeded" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 6


def test_seed_demo_is_refused_in_production(tmp_path):
    from ecabinet import create_app

    app = create_app("production", SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI="sqlite://", STORAGE_DIR=str(tmp_path))
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "refused in production" in result.output


def test_seed_demo_years_adds_history_to_the_demo_only(app):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["seed-demo-years", "--years", "1"])
    assert refused.exit_code != 0 and "seed-demo first" in refused.output
    assert runner.invoke(args=["seed-demo", "--without-history"]).exit_code == 0
    added = runner.invoke(args=["seed-demo-years", "--years", "1", "--scale", "0.05"])
    assert added.exit_code == 0, added.output
    assert "31 meetings" in added.output and "26 notices" in added.output
    with app.app_context():
        assert _count(SearchEntry, SearchEntry.kind == "meeting") == _count(Meeting)  # the years are searchable
