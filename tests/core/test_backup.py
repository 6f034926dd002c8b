"""Backup and restore: the seeded demo (uploaded materials, an issued notice) backed up, restored into a new empty
database and storage folder, every SHA-256 verified, the issued notice served from the restored copy."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from ecabinet import create_app
from ecabinet.core import storage
from ecabinet.core.db import db
from ecabinet.core.sweep import referenced_files
from ecabinet.materials.models import MaterialVersion
from ecabinet.notices.models import Notice, NoticeStatus
from tests.fixtures.database import _create_pg_database, _drop_pg_database, _pg_server_url
from tests.fixtures.demo import DEMO_PASSWORD
from tests.fixtures.web import api_token


@pytest.fixture
def empty_database(backend, tmp_path) -> Iterator[str]:
    """The address of a new database without any table."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    server = _pg_server_url()
    url = _create_pg_database(server)
    yield url
    _drop_pg_database(server, url)


@pytest.fixture
def restored_app(empty_database, tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database, STORAGE_DIR=str(tmp_path / "restored"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _backup(demo_province, dest: Path) -> dict:
    made = demo_province.app.test_cli_runner().invoke(args=["backup", str(dest)])
    assert made.exit_code == 0, made.output
    return json.loads((dest / "manifest.json").read_text())


def test_a_backup_restores_into_an_empty_database_and_folder_and_serves_the_issued_notice(
        demo_province, restored_app, tmp_path):
    manifest = _backup(demo_province, tmp_path / "backup")
    with demo_province.app.app_context():
        notice_id, notice_sha256 = db.session.execute(sa.select(Notice.id, Notice.pdf_sha256).where(
            Notice.status == NoticeStatus.ISSUED)).first()
        materials = set(db.session.scalars(sa.select(MaterialVersion.sha256)))
        referenced = referenced_files(db.session.connection())
    assert set(manifest["files"]) == referenced and notice_sha256 in referenced and materials < referenced

    restored = restored_app.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert restored.exit_code == 0, restored.output
    with restored_app.app_context():
        assert referenced_files(db.session.connection()) == referenced
        assert {path.name for path in storage.stored_files()} == referenced
        assert all(hashlib.sha256(path.read_bytes()).hexdigest() == path.name for path in storage.stored_files())
    client = restored_app.test_client()
    pdf = client.get(f"/api/v1/notices/{notice_id}.pdf", headers=api_token(client, "vanthu", DEMO_PASSWORD))
    assert pdf.status_code == 200 and hashlib.sha256(pdf.data).hexdigest() == notice_sha256

    again = restored_app.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert again.exit_code == 1 and "not empty" in again.output


def test_a_restore_fails_loudly_on_a_file_altered_in_the_backup(demo_province, restored_app, tmp_path):
    manifest = _backup(demo_province, tmp_path / "backup")
    altered = next(iter(manifest["files"]))
    path = tmp_path / "backup" / "storage" / storage.relative_path(altered)
    path.write_bytes(path.read_bytes() + b"\n")
    restored = restored_app.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert restored.exit_code == 1 and f"{altered} does not match its SHA-256" in restored.output
    with restored_app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []  # the files are checked before the database is filled
