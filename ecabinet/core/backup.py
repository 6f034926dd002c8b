"""Backup and restore of an installation: the database and the stored files, consistent with each other.

``flask --app ecabinet backup DEST`` fills the new folder DEST with one snapshot of the database
(PostgreSQL: ``pg_dump --format=custom``; SQLite: its online backup), then ``storage/``: every file a row of that
snapshot refers to, checked against its SHA-256 as it is copied, then ``manifest.json`` (written last: a folder
without it is no backup) with the database file's SHA-256 and every stored file's. A file is stored before the
row naming it is committed, and never changes afterwards (it is named by its SHA-256), so every file the
snapshot names exists; files stored since are not part of this backup, as their rows are not.

``flask --app ecabinet restore SRC`` fills an EMPTY database and an empty storage folder from such a folder,
checking every SHA-256 against the manifest, then every row's file in the restored storage: a mismatch fails.
Caches (meeting packs, watermarked copies) are not backed up: they are made again when asked for.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from ecabinet.core import storage
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.sweep import referenced_files

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "storage"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
PG_INSTALLS = Path("/usr/lib/postgresql")


class BackupError(Exception):
    pass


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _checked(data: bytes, sha256: str, where: str) -> bytes:
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BackupError(f"{where}: the file {sha256} does not match its SHA-256")
    return data


# --- PostgreSQL: pg_dump and pg_restore -----------------------------------------------------------

def _pg_tool(name: str) -> str:
    """The newest installed version of a PostgreSQL client program (Debian keeps each version apart)."""
    installed = sorted(PG_INSTALLS.glob(f"*/bin/{name}"),
                       key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0)
    found = str(installed[-1]) if installed else shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")
    return found


def _run_pg_tool(name: str, url: sa.URL, *args: str) -> None:
    """Runs it on the database at ``url``; the password goes in the environment, not on the command line."""
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    result = subprocess.run([_pg_tool(name), *args, f"--dbname={conninfo}"], env=env, capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{name} failed ({result.returncode}): {result.stderr.strip()}")


def _snapshot_postgresql(engine: sa.Engine, target: Path) -> set[str]:
    """pg_dump and the query of the referenced files see one exported snapshot: the same database state."""
    with engine.execution_options(isolation_level="REPEATABLE READ").connect() as connection:
        snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
        referenced = referenced_files(connection)
        _run_pg_tool("pg_dump", engine.url, "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
    return referenced


def _restore_postgresql(engine: sa.Engine, source: Path) -> None:
    _run_pg_tool("pg_restore", engine.url, "--no-owner", "--no-privileges", "--exit-on-error",
                 "--single-transaction", str(source))


# --- SQLite: its online backup ---------------------------------------------------------------------

def _sqlite_path(engine: sa.Engine) -> Path:
    if engine.url.database in (None, "", ":memory:"):
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(engine.url.database)


def _copy_sqlite(source: Path, target: Path) -> None:
    origin, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        origin.backup(copy)
    finally:
        origin.close()
        copy.close()


def _snapshot_sqlite(engine: sa.Engine, target: Path) -> set[str]:
    _copy_sqlite(_sqlite_path(engine), target)
    copy = sa.create_engine(f"sqlite:///{target}", poolclass=sa.pool.NullPool)
    with copy.connect() as connection:
        referenced = referenced_files(connection)
    copy.dispose()
    return referenced


def _restore_sqlite(engine: sa.Engine, source: Path) -> None:
    engine.dispose()
    _copy_sqlite(source, _sqlite_path(engine))


SNAPSHOTS: dict[str, Callable[[sa.Engine, Path], set[str]]] = {
    "postgresql": _snapshot_postgresql, "sqlite": _snapshot_sqlite}
RESTORES: dict[str, Callable[[sa.Engine, Path], None]] = {"postgresql": _restore_postgresql, "sqlite": _restore_sqlite}


def _backend() -> str:
    backend = db.engine.dialect.name
    if backend not in SNAPSHOTS:
        raise BackupError(f"no backup for a {backend} database")
    return backend


# --- backup -------------------------------------------------------------------------------------------

def _copy_stored(referenced: set[str], files: Path) -> dict[str, int]:
    """Copies every referenced file; its size by SHA-256. Fails, after trying them all, on a missing or altered one."""
    sizes, broken = {}, []
    for sha256 in sorted(referenced):
        try:
            data = _checked(storage.read_bytes(sha256), sha256, "storage")
        except (storage.StorageError, BackupError) as exc:
            broken.append(str(exc))
            continue
        storage.write_atomically(files / storage.relative_path(sha256), data)
        sizes[sha256] = len(data)
    if broken:
        raise BackupError("the storage misses or has altered files that rows refer to:\n" + "\n".join(broken))
    return sizes


def backup(dest: Path) -> dict[str, Any]:
    """Back up into ``dest`` (a new or empty folder); the manifest."""
    backend = _backend()
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: back up into a new folder")
    dest.mkdir(parents=True, exist_ok=True)
    database_file = dest / DATABASE_FILES[backend]
    referenced = SNAPSHOTS[backend](db.engine, database_file)
    manifest = {"format": FORMAT, "created_at": utcnow().isoformat(), "version": current_app.config["VERSION"],
                "backend": backend,
                "database": {"file": database_file.name, "sha256": _sha256_of(database_file)},
                "files": _copy_stored(referenced, dest / FILES)}
    storage.write_atomically(dest / MANIFEST, json.dumps(manifest, indent=1).encode())
    return manifest


# --- restore ------------------------------------------------------------------------------------------

def _manifest(src: Path, backend: str) -> dict[str, Any]:
    try:
        manifest = json.loads((src / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{src} holds no readable {MANIFEST}: not a complete backup ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src}: unknown backup format {manifest.get('format')!r}")
    if manifest["backend"] != backend:
        raise BackupError(f"{src} is a {manifest['backend']} backup; the configured database is {backend}")
    if _sha256_of(src / manifest["database"]["file"]) != manifest["database"]["sha256"]:
        raise BackupError(f"{src}: the database file does not match its SHA-256 in the manifest")
    return manifest


def _require_empty_target() -> None:
    tables = sa.inspect(db.engine).get_table_names()
    if tables:
        raise BackupError(f"the database is not empty ({len(tables)} tables): restore into a new, empty database")
    root = Path(current_app.config["STORAGE_DIR"])
    if any(path.is_file() for path in root.rglob("*")):
        raise BackupError(f"the storage folder {root} is not empty: restore into an empty folder")


def _verify_restored(manifest: dict[str, Any]) -> None:
    """Every file a restored row refers to is in the manifest and in the storage, matching its SHA-256."""
    with db.engine.connect() as connection:
        referenced = referenced_files(connection)
    backed_up = set(manifest["files"])
    problems = [f"{sha256} is referenced but not in the backup" for sha256 in sorted(referenced - backed_up)]
    for sha256 in sorted(referenced & backed_up):
        try:
            _checked(storage.read_bytes(sha256), sha256, "restored storage")
        except (storage.StorageError, BackupError) as exc:
            problems.append(str(exc))
    if problems:
        raise BackupError("the restored copy is not consistent:\n" + "\n".join(problems))


def restore(src: Path) -> dict[str, Any]:
    """Restore the backup in ``src`` into the configured (empty) database and storage folder; the manifest."""
    manifest = _manifest(src, _backend())
    _require_empty_target()
    for sha256 in manifest["files"]:
        storage.store_bytes(_checked((src / FILES / storage.relative_path(sha256)).read_bytes(), sha256, str(src)))
    RESTORES[manifest["backend"]](db.engine, src / manifest["database"]["file"])
    _verify_restored(manifest)
    return manifest


# --- commands -----------------------------------------------------------------------------------------

def _size(manifest: dict[str, Any]) -> str:
    return f"{sum(manifest['files'].values()) / (1 << 20):.1f} MB"


def _or_fail(operation: Callable[[Path], dict[str, Any]], folder: Path) -> dict[str, Any]:
    """Its manifest; a ``BackupError`` is the command's error message and exit status 1."""
    try:
        return operation(folder)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(dest: Path) -> None:
    """Back up the database and the stored files, consistent with each other, into the new folder DEST."""
    manifest = _or_fail(backup, dest)
    click.echo(f"backed up the {manifest['backend']} database and {len(manifest['files'])} files ({_size(manifest)})"
               f" into {dest}")


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(src: Path) -> None:
    """Restore the backup in SRC into the configured database and storage folder, both empty, and verify it."""
    manifest = _or_fail(restore, src)
    click.echo(f"restored the database and {len(manifest['files'])} files ({_size(manifest)}) from {src}; every "
               "SHA-256 verified. Next: flask --app ecabinet db upgrade")
