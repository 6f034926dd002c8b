"""Task statistics and the filtered task list on 100,000 generated tasks (500 agencies, five years), on SQLite
(a file on tmpfs) and on PostgreSQL (a throwaway database on ``ECABINET_BENCH_PG_URL``, default the test
server). Both calls go through the Flask test client as an authenticated Office user; the reference is a tiny
endpoint of the same app answering ``SELECT count(*) FROM tasks``, called through the same client. Each figure
is the median of runs of ours and the reference in turns (``bench.method``), each run the median of ``REPEAT``
calls.
"""

from __future__ import annotations

import os
import random
import tempfile
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
from flask import jsonify
from ecabinet.core.migrations import upgrade

from bench.__main__ import median_ms, publish
from bench.method import RUNS, Comparison, compare
from ecabinet import create_app
from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role
from ecabinet.core.db import db
from ecabinet.org.models import Sector, Unit, UnitKind
from ecabinet.tasks.models import Task, task_coordinators

TASKS = 100_000
AGENCIES = 500
YEARS = 5
SEED = 20261122
REPEAT = 15
PASSWORD = "bench-password"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:55432/postgres"
TMPFS = "/dev/shm"
TODAY = date(2026, 11, 22)
STATS_QUERY = {"group_by": "agency", "period_from": "2025-01-01", "period_to": "2025-12-31"}


def _people() -> tuple[list[int], list[int], list[int]]:
    """500 agencies, 12 sectors, 6 leaders and the Office's chuyên viên who calls the API."""
    province = Unit(code="ubndtinh", name="Ủy ban nhân dân tỉnh", kind=UnitKind.PROVINCE)
    office = Unit(code="vpubnd", name="Văn phòng UBND tỉnh", kind=UnitKind.OFFICE, parent=province)
    kinds = [UnitKind.DEPARTMENT] * 40 + [UnitKind.DISTRICT] * 10 + [UnitKind.COMMUNE] * 450
    agencies = [Unit(code=f"dv{i:03d}", name=f"Cơ quan số {i:03d}", kind=kind, parent=province)
                for i, kind in enumerate(kinds)]
    sectors = [Sector(code=f"lv{i:02d}", name=f"Lĩnh vực {i:02d}") for i in range(12)]
    db.session.add_all([province, office, *agencies, *sectors])
    db.session.flush()
    leaders = [accounts.create_user(accounts.UserData(username=f"pct{i}", full_name=f"Phó Chủ tịch {i}",
                                                      unit_id=province.id, roles=[Role.LEADER], password=PASSWORD))
               for i in range(6)]
    accounts.create_user(accounts.UserData(username="chuyenvien", full_name="Chuyên viên", unit_id=office.id,
                                           roles=[Role.SECRETARIAT], password=PASSWORD))
    db.session.commit()
    return [u.id for u in agencies], [s.id for s in sectors], [u.id for u in leaders]


def _task_row(rng: random.Random, task_id: int, agencies, sectors, leaders, parent_id: int | None = None) -> dict:
    created = datetime(TODAY.year - YEARS, 1, 1, tzinfo=timezone.utc) + timedelta(
        seconds=rng.randrange(YEARS * 365 * 86400))
    deadline = None if rng.random() < 0.05 else (created + timedelta(days=rng.randint(7, 120))).date()
    original = deadline - timedelta(days=rng.randint(5, 30)) if deadline and rng.random() < 0.1 else deadline
    age = (TODAY - created.date()).days
    roll = rng.random()
    status, completed, reason = "in_progress", None, None
    if roll < 0.04:
        status, reason = "cancelled", "Không còn phù hợp"
    elif roll < min(0.95, 0.2 + age / 400):  # older tasks are mostly done
        status = rng.choice(["reported_done", "verified_done", "verified_done"])
        due = deadline or created.date() + timedelta(days=30)
        completed = min(TODAY, due + timedelta(days=rng.randint(-20, 15)))
    elif roll > 0.97:
        status = "new"
    now = datetime.now(timezone.utc)
    return {"id": task_id, "content": f"Nhiệm vụ số {task_id}: rà soát, báo cáo kết quả thực hiện",
            "source": rng.choice(["programme", "government", "manual"]),
            "source_reference": f"Văn bản số {task_id}/UBND", "assigned_by_id": rng.choice(leaders),
            "lead_unit_id": rng.choice(agencies), "sector_id": rng.choice(sectors), "deadline_on": deadline,
            "original_deadline_on": original, "report_required": False, "status": status, "status_reason": reason,
            "priority": rng.choice(["normal"] * 8 + ["high", "urgent"]), "recurrence": "none",
            "parent_id": parent_id, "progress_percent": 100 if completed else rng.choice([0, 20, 50, 80]),
            "completed_on": completed, "version": 1, "created_at": created, "updated_at": now}


def _generate(agencies, sectors, leaders) -> tuple[int, int]:
    """100,000 tasks (about 2 % split into 3–9 parts, 30 % with coordinating agencies), inserted in batches."""
    rng = random.Random(SEED)
    rows, coordinators = [], []
    next_id = 1
    while len(rows) < TASKS:
        parent = _task_row(rng, next_id, agencies, sectors, leaders)
        rows.append(parent)
        next_id += 1
        if rng.random() < 0.02:
            for _ in range(rng.randint(3, 9)):
                part = _task_row(rng, next_id, agencies, sectors, leaders, parent_id=parent["id"])
                part.update(deadline_on=parent["deadline_on"], original_deadline_on=parent["original_deadline_on"])
                rows.append(part)
                next_id += 1
    rows = rows[:TASKS]
    for row in rows:
        if rng.random() < 0.3:
            for unit in rng.sample(agencies, rng.randint(1, 2)):
                if unit != row["lead_unit_id"]:
                    coordinators.append({"task_id": row["id"], "unit_id": unit})
    for start in range(0, len(rows), 10_000):
        db.session.execute(sa.insert(Task.__table__), rows[start:start + 10_000])
    for start in range(0, len(coordinators), 20_000):
        db.session.execute(sa.insert(task_coordinators), coordinators[start:start + 20_000])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT setval(pg_get_serial_sequence('tasks', 'id'), :n)"), {"n": len(rows)})
        db.session.commit()
    return len(rows), len(coordinators)


def _vacuum_analyze() -> None:
    """What autovacuum does to a table that has lived a while: planner statistics, and on PostgreSQL the
    visibility map that lets index-only scans skip the table."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


def _busiest_agency() -> int:
    """The agency with the most overdue tasks, so that page 3 of its list exists."""
    from ecabinet.tasks.derived import Derived, derived_expression
    from ecabinet.core.clock import today

    return db.session.execute(
        sa.select(Task.lead_unit_id).where(derived_expression(today()) == Derived.OVERDUE.value)
        .group_by(Task.lead_unit_id).order_by(sa.func.count().desc()).limit(1)).scalar_one()


def measure(url: str) -> dict:
    """The statistics call and the list call, each against the bare count (ms), and the row counts."""
    app = create_app("development", SQLALCHEMY_DATABASE_URI=url, STORAGE_DIR=tempfile.mkdtemp(),
                     SCHEDULER_IN_PROCESS=False)

    @app.get("/bench/count")
    def bare_count():
        return jsonify(db.session.scalar(sa.text("SELECT count(*) FROM tasks")))

    with app.app_context():
        upgrade()
        agencies, sectors, leaders = _people()
        tasks, coordinators = _generate(agencies, sectors, leaders)
        _vacuum_analyze()
        unit_id = _busiest_agency()
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "chuyenvien", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['access_token']}"}
    list_query = {"unit_id": unit_id, "derived": "overdue", "sort": "deadline", "page": 3, "per_page": 10}

    def call(path: str, query: dict) -> None:
        response = client.get(path, query_string=query, headers=headers)
        assert response.status_code == 200, response.get_json()

    listed = client.get("/api/v1/tasks", query_string=list_query, headers=headers).get_json()
    assert listed["items"], "page 3 of the busiest agency's overdue tasks is empty"
    count = lambda: median_ms(lambda: call("/bench/count", {}), REPEAT)  # noqa: E731
    result = {"stats": compare(lambda: median_ms(lambda: call("/api/v1/task-statistics", STATS_QUERY), REPEAT),
                               count, RUNS),
              "list": compare(lambda: median_ms(lambda: call("/api/v1/tasks", list_query), REPEAT), count, RUNS),
              "tasks": tasks, "coordinators": coordinators, "list_total": listed["total"]}
    with app.app_context():
        db.engine.dispose()
    return result


def pg_database() -> tuple[str, str] | None:
    server = os.environ.get("ECABINET_BENCH_PG_URL") or os.environ.get("ECABINET_TEST_PG_URL") or DEFAULT_PG_URL
    name = f"ecabinet_bench_{uuid.uuid4().hex[:10]}"
    try:
        engine = sa.create_engine(server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL not reachable at {server} ({type(exc.orig).__name__}): PostgreSQL figures skipped")
        return None
    return server, sa.make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_database(server: str, url: str) -> None:
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


def on_both_databases(measure: Callable[[str, str], dict], name: str) -> dict:
    """``measure(url, backend)``'s figures on a SQLite file on tmpfs, then on a throwaway PostgreSQL database (when
    one is reachable)."""
    results: dict = {}
    with tempfile.TemporaryDirectory(dir=TMPFS if Path(TMPFS).is_dir() else None) as tmp:
        results.update(measure(f"sqlite:///{tmp}/{name}.sqlite3", "sqlite"))
    pg = pg_database()
    if pg is not None:
        server, url = pg
        try:
            results.update(measure(url, "pg"))
        finally:
            drop_database(server, url)
    return results


def _figures(backend: str, m: dict) -> dict:
    rows = (f"{m['tasks']:,} tasks, {m['coordinators']:,} coordinating links, {AGENCIES} agencies, {YEARS} years "
            f"(seed {SEED})")
    reference = "vs a tiny endpoint of the same app running SELECT count(*) FROM tasks, same client"
    stats: Comparison = m["stats"]
    listing: Comparison = m["list"]
    return {
        f"task_stats_ms_{backend}": stats.figure("ms", f"GET /api/v1/task-statistics grouped by agency over a "
                                                       f"year's deadlines, Office user, each run the median of "
                                                       f"{REPEAT} calls; {rows}; {reference}; target ≤ 100 ms"),
        f"task_list_ms_{backend}": listing.figure("ms", f"GET /api/v1/tasks: one agency's overdue tasks (lead or "
                                                        f"coordinating, {m['list_total']} of them) by deadline, "
                                                        f"page 3 of 10, each run the median of {REPEAT} calls; "
                                                        f"{rows}; {reference}; target ≤ 100 ms"),
    }


def main() -> None:
    publish(on_both_databases(lambda url, backend: _figures(backend, measure(url)), "bench-tasks"))


if __name__ == "__main__":
    main()
