"""The meeting pack (bộ tài liệu): one PDF of everything a reader may read, in agenda order.

A pack is determined by its content — the agenda titles and the stored versions in it — so a
build (``PackBuild``) is keyed by a hash of exactly that: a material replaced gives a new key
and a fresh pack, and readers who may read the same materials share one file. Packs are built
in the background by the ``build-meeting-packs`` job, which records its progress as it goes;
a request for a pack that is not built yet queues it. A pack holding confidential materials
is cached unwatermarked (only readers of all of its materials ever compute its key) and is
watermarked with the reader's name on every page at each download.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ecabinet.accounts.models import User
from ecabinet.core import sandbox, storage
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db, skipping_locked, upsert_insert
from ecabinet.core.i18n import format_datetime
from ecabinet.materials import pdf
from ecabinet.materials.models import Confidentiality, Material, PackBuild, PackStatus
from ecabinet.materials.operations import agenda, materials_of
from ecabinet.meetings.models import Meeting
from ecabinet.materials.operations import WATERMARKED, isolated

log = logging.getLogger(__name__)

GENERAL_TITLE = "Tài liệu chung của cuộc họp"
STALE_AFTER = timedelta(minutes=5)
"""A running build that has not reported progress for this long (its process died) is taken up again."""
CACHE_KIND = "packs"
KEEP_UNUSED = timedelta(days=30)
"""A pack nobody has opened for this long is removed (it is built again when asked for)."""
KEEP_WATERMARKED = timedelta(days=2)
"""Watermarked copies are made per reader and day: older ones are never served again."""


@dataclass(frozen=True)
class PackContent:
    sections: list[tuple[str, list[Material]]]
    confidential: bool

    def outline(self) -> list:
        return [[title, [[m.title, m.current.reading_sha256] for m in materials]] for title, materials in self.sections]

    def key(self) -> str:
        """What the pack is made of, as a hash: equal content, equal pack."""
        return hashlib.sha256(json.dumps(self.outline(), ensure_ascii=False).encode()).hexdigest()


def content_for(meeting: Meeting, reader: User) -> PackContent:
    """The agenda's items with the filed materials this reader may read; general materials last."""
    readable = [m for m in materials_of(meeting, visible_to=reader) if m.current is not None]
    sections = [(item.title, [m for m in readable if m.agenda_item_id == item.id])
                for item in agenda(meeting)]
    general = [m for m in readable if m.agenda_item_id is None]
    if general:
        sections.append((GENERAL_TITLE, general))
    sections = [(title, materials) for title, materials in sections if materials]
    return PackContent(sections, any(m.confidentiality == Confidentiality.CONFIDENTIAL for m in readable))


# --- queueing --------------------------------------------------------------------------------

def request_build(meeting: Meeting, reader: User) -> PackBuild | None:
    """The build of this reader's pack, queued when there is none yet; ``None`` when the pack is empty.
    The caller commits."""
    content = content_for(meeting, reader)
    return _build_for(meeting, content) if content.sections else None


def _build_for(meeting: Meeting, content: PackContent) -> PackBuild:
    key = content.key()
    outline = content.outline()
    db.session.execute(upsert_insert(PackBuild.__table__).values(
        key=key, meeting_id=meeting.id, status=PackStatus.QUEUED.value, outline=outline, progress=0,
        total=sum(len(materials) for _, materials in outline) + 1, requested_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["key"]))
    build = db.session.scalar(sa.select(PackBuild).where(PackBuild.key == key))
    if build.status == PackStatus.DONE and not storage.cache_path(CACHE_KIND, key).exists():
        _queue_again(build)  # the cache was cleared: build it again
    return build


def _queue_again(build: PackBuild) -> None:
    build.status, build.progress, build.error, build.finished_at = PackStatus.QUEUED, 0, None, None
    build.requested_at = utcnow()


def queue_for(meeting: Meeting, readers: list[User]) -> None:
    """Queue the packs of these readers ahead of their asking (after a publication or a new version)."""
    for reader in readers:
        request_build(meeting, reader)


# --- the job ---------------------------------------------------------------------------------

def build_queued() -> int:
    """Job: build the oldest queued pack, or take up one whose build died.

    Unlike other jobs it commits as it goes — the claim, each step of progress, the result —
    so that readers waiting for the pack see the progress; every step is idempotent and a
    build interrupted anywhere is taken up again after ``STALE_AFTER``.
    """
    build = _claim()
    if build is None:
        return 0
    try:
        data, pages = _assemble(build)
        storage.write_cache(CACHE_KIND, build.key, data)
    except Exception as exc:  # a bad file must not stop the job: the failure is shown instead
        db.session.rollback()
        log.exception("pack %s failed", build.key)
        build.status, build.error = PackStatus.FAILED, f"{type(exc).__name__}: {exc}"[:500]
    else:
        build.status, build.page_count, build.progress = PackStatus.DONE, pages, build.total
    build.finished_at = utcnow()
    db.session.commit()
    return 1


def _claim() -> PackBuild | None:
    stale = utcnow() - STALE_AFTER
    query = (sa.select(PackBuild)
             .where(sa.or_(PackBuild.status == PackStatus.QUEUED,
                           sa.and_(PackBuild.status == PackStatus.RUNNING, PackBuild.heartbeat_at < stale)))
             .order_by(PackBuild.requested_at, PackBuild.id).limit(1))
    build = db.session.scalar(skipping_locked(query))
    if build is None:
        return None
    build.status, build.progress, build.heartbeat_at = PackStatus.RUNNING, 0, utcnow()
    db.session.commit()
    return build


def _step(build: PackBuild) -> None:
    build.progress += 1
    build.heartbeat_at = utcnow()
    db.session.commit()


def _assemble(build: PackBuild) -> tuple[bytes, int]:
    items = []
    for title, materials in build.outline:
        files = []
        for material_title, sha256 in materials:
            files.append(pdf.PackMaterial(material_title, storage.read_bytes(sha256)))
            _step(build)
        items.append(pdf.PackItem(title, files))
    meeting = db.session.get(Meeting, build.meeting_id)
    subtitle = f"{format_datetime(meeting.starts_at)} — {current_app.config['PROVINCE_NAME']}"
    pack = sandbox.run_isolated(pdf.BUILD_PACK, meeting.title, items, subtitle=subtitle)
    return pack.data, pack.pages


# --- downloading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PackFile:
    build: PackBuild
    data: bytes | None
    """The PDF once built, watermarked for the reader when it holds confidential materials."""
    materials: list[Material]


def pack_file(meeting: Meeting, reader: User) -> PackFile | None:
    """The reader's pack and its build; ``None`` when the reader has nothing to read. The caller commits:
    a pack asked for the first time is queued."""
    content = content_for(meeting, reader)
    if not content.sections:
        return None
    build = _build_for(meeting, content)
    materials = [m for _, section in content.sections for m in section]
    if build.status != PackStatus.DONE:
        return PackFile(build, None, materials)
    storage.touch_cache(CACHE_KIND, build.key)
    data = storage.cache_path(CACHE_KIND, build.key).read_bytes()
    if content.confidential:
        data = isolated(pdf.WATERMARK_PDF, data, reader.full_name, reader.unit.name, format_datetime(utcnow()))
    return PackFile(build, data, materials)


def prune() -> int:
    """Job: remove packs unused for ``KEEP_UNUSED`` (their builds too) and watermarked copies of earlier days,
    so the storage holds the originals and what is in use. How many files it removed."""
    keys = storage.prune_cache(CACHE_KIND, KEEP_UNUSED.total_seconds())
    if keys:
        db.session.execute(sa.delete(PackBuild).where(PackBuild.key.in_(keys), PackBuild.status == PackStatus.DONE))
    return len(keys) + len(storage.prune_cache(WATERMARKED, KEEP_WATERMARKED.total_seconds()))
