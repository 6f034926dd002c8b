"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from ecabinet.core.db import db


def _differences(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
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
