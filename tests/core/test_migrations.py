"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from ecabinet.core.migrations import downgrade, upgrade

from ecabinet.core.db import db
from ecabinet.search.models import compared_with_models


def _differences(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "include_object": compared_with_models})
        return compare_metadata(context, db.metadata)


def test_migrated_schema_matches_the_models(app):
    assert _differences(app) == []


def test_migrations_go_down_and_up_again(app):
    with app.app_context():
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
    assert _differences(app) == []


def test_a_model_change_without_migration_is_detected(app):
    extra = sa.Table("not_migrated", db.metadata, sa.Column("id", sa.Integer, primary_key=True))
    try:
        diffs = _differences(app)
    finally:
        db.metadata.remove(extra)
    assert any(d[0] == "add_table" and d[1].name == "not_migrated" for d in diffs)


def test_a_rebuilt_table_keeps_its_rows_and_the_rows_pointing_at_it(app, people):
    """SQLite rebuilds a table to alter it (0009 rebuilds ``tasks``): rows of other tables pointing at it, and
    its own rows pointing at each other, survive; a periodic report gets its anchor, one without a deadline
    becomes a plain task."""
    columns = ("content, source, source_reference, lead_unit_id, report_required, status, priority, recurrence, "
               "progress_percent, version, created_at, updated_at, deadline_on, parent_id")
    with app.app_context():
        downgrade(revision="0008")
        with db.engine.begin() as conn:
            def insert(recurrence: str, deadline: str | None, parent: int | None) -> int:
                return conn.execute(sa.text(
                    f"INSERT INTO tasks ({columns}) VALUES ('Báo cáo', 'manual', '', :unit, false, 'new', 'normal', "
                    ":recurrence, 0, 1, '2026-11-20 01:00:00', '2026-11-20 01:00:00', :deadline, :parent) "
                    "RETURNING id"), {"unit": people.department, "recurrence": recurrence, "deadline": deadline,
                                      "parent": parent}).scalar_one()
            parent = insert("none", None, None)
            monthly = insert("monthly", "2026-12-20", parent)
            without_deadline = insert("quarterly", None, None)
            conn.execute(sa.text("INSERT INTO task_coordinators (task_id, unit_id) VALUES (:task, :unit)"),
                         {"task": monthly, "unit": people.other_department})
        upgrade()
        with db.engine.connect() as conn:
            rows = {r.id: r for r in conn.execute(sa.text(
                "SELECT id, parent_id, recurrence, recurrence_anchor_on FROM tasks"))}
            coordinators = conn.execute(sa.text("SELECT task_id, unit_id FROM task_coordinators")).all()
    assert rows[monthly].parent_id == parent and str(rows[monthly].recurrence_anchor_on) == "2026-12-20"
    assert rows[without_deadline].recurrence == "none" and rows[without_deadline].recurrence_anchor_on is None
    assert coordinators == [(monthly, people.other_department)]
    assert _differences(app) == []
