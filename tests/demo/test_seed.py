"""seed-demo builds a realistic province and running it twice changes nothing."""

import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.audit.models import AuditEvent
from ecabinet.core.db import db
from ecabinet.org.models import Unit, UnitKind


def _snapshot() -> dict:
    tables = [t for t in db.metadata.sorted_tables if t.name != "audit_events"]
    return {t.name: sorted(map(tuple, db.session.execute(sa.select(t)).all()), key=repr) for t in tables}


def test_seed_demo_twice_changes_nothing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "chutich" in first.output
    with app.app_context():
        before, events = _snapshot(), db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "0 users created" in second.output
    with app.app_context():
        assert _snapshot() == before
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events


def test_seed_demo_if_empty_leaves_a_used_database_alone(app, people):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "not seeded" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 6


@pytest.mark.long
def test_demo_province_is_realistic(app, client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    with app.app_context():
        count = lambda kind: db.session.scalar(sa.select(sa.func.count()).select_from(Unit).where(Unit.kind == kind))
        assert count(UnitKind.DEPARTMENT) >= 20 and count(UnitKind.DISTRICT) >= 9
        for code in ("sokhdt", "sotc", "hbinhson"):
            liaison = db.session.scalar(sa.select(User).where(User.username == code))
            assert liaison.unit.code == code and liaison.is_demo
        pct1 = db.session.scalar(sa.select(User).where(User.username == "pct1"))
        assert pct1.portfolio_sectors and pct1.portfolio_units
    for username in ("chutich", "pct1", "pct2", "pct3", "chanhvp", "chuyenvien1", "chuyenvien2", "vanthu", "admin"):
        response = client.post("/api/v1/auth/token", json={"username": username, "password": "demo"})
        assert response.status_code == 200, username


def test_seed_demo_is_refused_in_production(tmp_path):
    from ecabinet import create_app

    app = create_app("production", SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI="sqlite://", STORAGE_DIR=str(tmp_path))
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "refused in production" in result.output


def test_seed_demo_years_adds_history_to_the_demo_only(app):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["seed-demo-years", "--years", "1"])
    assert refused.exit_code != 0 and "seed-demo first" in refused.output
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    added = runner.invoke(args=["seed-demo-years", "--years", "1", "--scale", "0.05"])
    assert added.exit_code == 0, added.output
    assert "31 meetings" in added.output and "26 notices" in added.output
