"""Content-addressed file storage under ``STORAGE_DIR``, written atomically.

A file is named by the SHA-256 of its content (``ab/cd/abcd…``), never by anything a user
typed. Writing goes to a temporary file in the same directory, is flushed to disk, then
renamed into place: a crash leaves either the whole file or nothing — and at worst a stale temporary file, or
a whole file no row refers to, which ``core.sweep`` removes after a grace period.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

from flask import current_app

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
TEMPORARY_PREFIX = ".incoming-"


class StorageError(Exception):
    pass


def _root() -> Path:
    return Path(current_app.config["STORAGE_DIR"])


def relative_path(sha256: str) -> Path:
    if not SHA256_RE.match(sha256):
        raise StorageError(f"not a sha256: {sha256!r}")
    return Path(sha256[:2], sha256[2:4], sha256)


def path_for(sha256: str) -> Path:
    return _root() / relative_path(sha256)


def stored_files(root: Path | None = None, prefix: str = "") -> list[Path]:
    """Every content file under ``root`` (the store by default), or every one renamed to ``prefix`` + its name;
    derived files (``cache``) are not content."""
    root = root or _root()
    found = []
    for path in root.glob(f"??/??/{glob.escape(prefix)}*"):
        sha256 = path.name.removeprefix(prefix)
        if SHA256_RE.match(sha256) and path.parent == root / relative_path(sha256).parent:
            found.append(path)
    return found


def temporary_files() -> list[Path]:
    """Files being written, or left by a process killed while writing one (cache included)."""
    return list(_root().rglob(f"{TEMPORARY_PREFIX}*"))


def write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=TEMPORARY_PREFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def store_bytes(data: bytes) -> str:
    """Store ``data`` and return its SHA-256; storing the same content again only marks the file as new."""
    sha256 = hashlib.sha256(data).hexdigest()
    target = path_for(sha256)
    try:
        os.utime(target)  # its row is not committed yet: the sweeper spares a file younger than its grace period
    except FileNotFoundError:
        write_atomically(target, data)
    return sha256


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_bytes(sha256: str) -> bytes:
    try:
        return path_for(sha256).read_bytes()
    except FileNotFoundError:
        raise StorageError(f"no stored file {sha256}") from None


def cache_path(kind: str, key: str) -> Path:
    """Where a derived file (a meeting pack) made from content hashed as ``key`` is kept."""
    if not SHA256_RE.match(key) or not kind.isidentifier():
        raise StorageError(f"bad cache name {kind!r}/{key!r}")
    return _root() / "cache" / kind / key[:2] / key


def write_cache(kind: str, key: str, data: bytes) -> None:
    write_atomically(cache_path(kind, key), data)


def touch_cache(kind: str, key: str) -> None:
    """Mark a derived file as used now: ``prune_cache`` keeps what is used."""
    os.utime(cache_path(kind, key))


def prune_cache(kind: str, unused_for: float, now: float | None = None) -> list[str]:
    """Remove the derived files of ``kind`` not written or used for ``unused_for`` seconds; their keys."""
    folder = _root() / "cache" / kind
    cutoff = (now if now is not None else time.time()) - unused_for
    removed = []
    for path in folder.glob("*/*") if folder.is_dir() else ():
        if SHA256_RE.match(path.name) and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed
