"""The meeting pack (bộ tài liệu): one PDF of everything a reader may read, in agenda order.

A pack is determined by its content — the agenda titles and the stored versions in it — so
it is cached in the content-addressed storage under a key made of exactly that: a material
replaced gives a new key and a fresh pack, and readers who may read the same materials share
one file. A pack holding confidential materials is built for one reader and watermarked with
that reader's name on every page; it is never cached for anyone else.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask import current_app

from ecabinet.accounts.models import User
from ecabinet.core import storage
from ecabinet.core.db import utcnow
from ecabinet.core.i18n import format_datetime
from ecabinet.materials import pdf
from ecabinet.materials.models import Confidentiality, Material
from ecabinet.materials.operations import agenda, materials_of
from ecabinet.meetings.models import Meeting
from ecabinet.policy import Action, allowed

GENERAL_TITLE = "Tài liệu chung của cuộc họp"


@dataclass(frozen=True)
class PackContent:
    sections: list[tuple[str, list[Material]]]
    confidential: bool

    def key(self) -> str:
        """What the pack is made of, as a hash: equal content, equal pack."""
        outline = [[title, [(m.title, m.current.sha256) for m in materials]] for title, materials in self.sections]
        return hashlib.sha256(json.dumps(outline, ensure_ascii=False).encode()).hexdigest()


def content_for(meeting: Meeting, reader: User) -> PackContent:
    """The agenda's items with the filed materials this reader may read; general materials last."""
    readable = [m for m in materials_of(meeting)
                if m.current is not None and allowed(reader, Action.VIEW_MATERIAL, m)]
    sections = [(item.title, [m for m in readable if m.agenda_item_id == item.id])
                for item in agenda(meeting)]
    general = [m for m in readable if m.agenda_item_id is None]
    if general:
        sections.append((GENERAL_TITLE, general))
    sections = [(title, materials) for title, materials in sections if materials]
    return PackContent(sections, any(m.confidentiality == Confidentiality.CONFIDENTIAL for m in readable))


def pack_for(meeting: Meeting, reader: User) -> bytes | None:
    """The reader's pack, from the cache when it has been built before; ``None`` when empty."""
    content = content_for(meeting, reader)
    if not content.sections:
        return None
    if content.confidential:
        data = _build(meeting, content)
        return pdf.watermark_pdf(data, reader.full_name, reader.unit.name, format_datetime(utcnow()))
    cache = storage.cache_path("packs", content.key())
    if cache.exists():
        return cache.read_bytes()
    data = _build(meeting, content)
    storage.write_cache("packs", content.key(), data)
    return data


def _build(meeting: Meeting, content: PackContent) -> bytes:
    items = [pdf.PackItem(title, [pdf.PackMaterial(m.title, storage.read_bytes(m.current.sha256)) for m in materials])
             for title, materials in content.sections]
    subtitle = f"{format_datetime(meeting.starts_at)} — {current_app.config['PROVINCE_NAME']}"
    return pdf.build_pack(meeting.title, items, subtitle=subtitle).data
