"""The storage sweeper: what a crash leaves (a partial ``.incoming-*`` file, a whole file no row refers to) is
removed after the grace period; a referenced file, or a young one, never is."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from ecabinet.core import storage
from ecabinet.core.db import db
from ecabinet.core.sweep import QUARANTINE_PREFIX, referenced_files, stored_file_columns, sweep
from tests.fixtures import ROOT, pdfs
from tests.fixtures.materials import upload_pdf
from tests.servers import free_port, wait_healthy

DAY = 24 * 3600


def _age(path: Path, seconds: float = 2 * DAY) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def _plant(path: Path, data: bytes = b"partial") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_every_column_naming_a_stored_file_is_known_to_the_sweeper(app):
    with app.app_context():
        marked = {f"{column.table.name}.{column.name}" for column in stored_file_columns()}
        named = {f"{table.name}.{column.name}" for table in db.metadata.sorted_tables for column in table.columns
                 if "sha256" in column.name}
    assert marked == named and len(marked) == 7


def test_the_sweep_removes_stale_temporary_files_and_old_unreferenced_content_only(app, client, meeting, secretary):
    referenced = upload_pdf(client, secretary, meeting["id"])["versions"][0]["sha256"]
    with app.app_context():
        root = Path(app.config["STORAGE_DIR"])
        kept_path = _age(storage.path_for(referenced))
        stale = _age(_plant(kept_path.with_name(storage.TEMPORARY_PREFIX + "stale")))
        stale_in_cache = _age(_plant(root / "cache" / "packs" / "ab" / (storage.TEMPORARY_PREFIX + "x")))
        fresh = _plant(kept_path.with_name(storage.TEMPORARY_PREFIX + "fresh"))
        orphan = storage.store_bytes(b"a file whose row was never committed")
        _age(storage.path_for(orphan))
        young_orphan = storage.store_bytes(b"a file whose row is being committed")
        stored_again = storage.store_bytes(b"the same content uploaded again")
        _age(storage.path_for(stored_again))
        assert storage.store_bytes(b"the same content uploaded again") == stored_again
        set_aside = storage.store_bytes(b"a referenced file a killed sweep had set aside")
        other = storage.store_bytes(b"taken aside by a sweep that was killed")
        os.replace(storage.path_for(other), storage.path_for(other).with_name(QUARANTINE_PREFIX + other))

        report = sweep()

        assert sorted(report.unreferenced) == [orphan]
        assert sorted(report.temporary) == sorted([stale, stale_in_cache])
        assert not stale.exists() and not stale_in_cache.exists() and fresh.exists()
        assert {path.name for path in storage.stored_files()} == {referenced, young_orphan, stored_again, set_aside,
                                                                  other}
        assert storage.read_bytes(referenced) == kept_path.read_bytes()
        assert not list(storage.stored_files(prefix=QUARANTINE_PREFIX))


def _big_pdf(number: int, megabytes: int = 40) -> bytes:
    """A valid one-page PDF carrying ``megabytes`` of padding: its write takes long enough to be cut."""
    padding = b"%d" % number + bytes(megabytes << 20)
    return pdfs.assemble([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                          b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
                          pdfs.stream(b"BT ET"), pdfs.stream(padding)])


def _upload_until_killed(url: str, token: dict, meeting_id: int, server: subprocess.Popen, storage_dir: Path) -> None:
    """Upload large materials, one after the other, and kill -9 the server the moment one is being written."""
    def uploads() -> None:
        for number in range(5):
            try:
                requests.post(f"{url}/api/v1/meetings/{meeting_id}/materials", headers=token, timeout=60,
                              data={"title": f"Tài liệu {number}", "doc_type": "report"},
                              files={"file": ("tai-lieu.pdf", _big_pdf(number), "application/pdf")})
            except requests.ConnectionError:
                return

    uploader = threading.Thread(target=uploads, daemon=True)
    uploader.start()
    while uploader.is_alive() and not list(storage_dir.glob(f"*/*/{storage.TEMPORARY_PREFIX}*")):
        time.sleep(0.0005)
    server.kill()
    server.wait(timeout=10)
    uploader.join(timeout=60)


@pytest.mark.long
def test_after_a_kill_9_mid_upload_the_sweep_leaves_the_storage_consistent(app, backend, client, meeting,
                                                                           secretary, tmp_path):
    if backend != "postgresql":
        pytest.skip("the crash is the file system's: one database is enough")
    upload_pdf(client, secretary, meeting["id"])
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "ecabinet.serve"], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "ECABINET_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                 "ECABINET_STORAGE_DIR": app.config["STORAGE_DIR"], "ECABINET_ENV": "development",
                 "ECABINET_SCHEDULER_IN_PROCESS": "false", "HOST": "127.0.0.1", "PORT": str(port)})
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, server, log.read_text)
        _upload_until_killed(url, secretary, meeting["id"], server, Path(app.config["STORAGE_DIR"]))
    with app.app_context():
        referenced = referenced_files(db.session.connection())
        stored = {path.name for path in storage.stored_files()}
        assert storage.temporary_files() or stored - referenced, "the kill left nothing to sweep"
        sweep(grace_seconds=0)  # no process is running: no transaction can be waiting for a file
        assert not storage.temporary_files()
        assert {path.name for path in storage.stored_files()} == referenced == referenced_files(db.session.connection())
        for sha256 in referenced:
            assert hashlib.sha256(storage.read_bytes(sha256)).hexdigest() == sha256
