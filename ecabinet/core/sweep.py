"""What a crash leaves in the store, removed: stale temporary files, and content no row refers to.

A file is stored before the row naming it is committed, so a process killed in between (or during the write)
leaves a partial ``.incoming-*`` file or a whole file nothing refers to. Both are removed once older than
``STORAGE_SWEEP_GRACE_SECONDS``: a younger file may belong to a transaction still running. Ages are on the file
system's clock (the real time), never the application's shifted one.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from ecabinet.core import storage
from ecabinet.core.db import STORED_FILE, db

log = logging.getLogger("ecabinet.storage")

QUARANTINE_PREFIX = ".sweeping-"


@dataclass
class SweepReport:
    temporary: list[Path] = field(default_factory=list)
    unreferenced: list[str] = field(default_factory=list)
    """SHA-256 of the content files removed."""


def stored_file_columns() -> Iterator[sa.Column]:
    for table in db.metadata.sorted_tables:
        yield from (column for column in table.columns if column.info.get(STORED_FILE))


def referenced_files(connection: sa.Connection) -> set[str]:
    """Every SHA-256 a row refers to, as ``connection`` sees the database."""
    referenced: set[str] = set()
    for column in stored_file_columns():
        referenced.update(connection.execute(sa.select(column).where(column.is_not(None)).distinct()).scalars())
    return referenced


def is_referenced(sha256: str) -> bool:
    """Whether any row refers to the stored file ``sha256``, in whichever table."""
    return any(db.session.execute(sa.select(sa.literal(1)).select_from(column.table).where(column == sha256)
                                  .limit(1)).first() for column in stored_file_columns())


def _older_than(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime < cutoff
    except FileNotFoundError:
        return False


def _restore_quarantined() -> None:
    """A sweep killed between taking a file aside and deciding leaves it aside: put it back to be judged again."""
    for aside in storage.stored_files(prefix=QUARANTINE_PREFIX):
        target = aside.with_name(aside.name.removeprefix(QUARANTINE_PREFIX))
        if target.exists():
            aside.unlink(missing_ok=True)
        else:
            os.replace(aside, target)


def _remove_if_still_old(path: Path, cutoff: float) -> bool:
    """Remove a content file found unreferenced, unless it is being stored again right now: ``store_bytes``
    marks an existing file as new, or writes it again when it is not there, so the file is first renamed aside
    (atomically out of its sight) and its age read again."""
    aside = path.with_name(QUARANTINE_PREFIX + path.name)
    try:
        os.replace(path, aside)
    except FileNotFoundError:
        return False
    if _older_than(aside, cutoff):
        aside.unlink()
        return True
    if path.exists():
        aside.unlink()
    else:
        os.replace(aside, path)
    return False


def sweep(grace_seconds: float | None = None) -> SweepReport:
    """Remove the temporary files and the unreferenced content older than the grace period; what was removed."""
    grace = current_app.config["STORAGE_SWEEP_GRACE_SECONDS"] if grace_seconds is None else grace_seconds
    cutoff = time.time() - grace
    report = SweepReport()
    _restore_quarantined()
    for path in storage.temporary_files():
        if _older_than(path, cutoff):
            path.unlink(missing_ok=True)
            report.temporary.append(path)
    candidates = [path for path in storage.stored_files() if _older_than(path, cutoff)]
    referenced = referenced_files(db.session.connection())  # read after the listing: a newer row is seen
    db.session.rollback()
    for path in candidates:
        if path.name not in referenced and _remove_if_still_old(path, cutoff):
            report.unreferenced.append(path.name)
    for path in report.temporary:
        log.info("storage sweep: removed the stale temporary file %s", path)
    for sha256 in report.unreferenced:
        log.info("storage sweep: removed %s, which no row refers to", sha256)
    return report
