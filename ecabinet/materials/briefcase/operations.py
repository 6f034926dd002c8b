"""The offline briefcase: what a leader's device may keep, what it must wipe, and the devices themselves.

The device keeps its files encrypted (AES-GCM in the browser) under a key derived here from the secret of the
sign-in session, which the server never stores: the key exists only while that session is live, so a copy of a
device's storage, or of the database, reveals nothing of the materials.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ecabinet.accounts import sessions
from ecabinet.accounts.models import User, UserSession
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.materials import packs
from ecabinet.materials.briefcase.models import BriefcaseDevice
from ecabinet.materials.models import Confidentiality, Material, PackStatus
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import Meeting, MeetingStatus
from ecabinet import policy

KEPT_STATUSES = (MeetingStatus.PUBLISHED, MeetingStatus.IN_PROGRESS, MeetingStatus.ENDED, MeetingStatus.CLOSED)
NAME_LENGTH = 100


def session_key(session_secret: str) -> bytes:
    """The 256-bit key a device encrypts its briefcase with while signed in with this session."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"briefcase:" + session_secret.encode(), hashlib.sha256).digest()


# --- devices ------------------------------------------------------------------------------------

_PLATFORMS = (("iPad", "iPad"), ("iPhone", "iPhone"), ("Android", "Android"), ("Windows", "Windows"),
              ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))
_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Chromium/", "Chromium"),
             ("Safari/", "Safari"))


def name_from_user_agent(user_agent: str | None) -> str:
    """"Chrome · Android" from a User-Agent header: a name the user recognises, which they may change."""
    agent = user_agent or ""
    browser = next((name for token, name in _BROWSERS if token in agent), "")
    platform = next((name for token, name in _PLATFORMS if re.search(re.escape(token), agent)), "")
    return " · ".join(part for part in (browser, platform) if part) or "?"


def register(user: User, public_id: str, session_id: int | None, user_agent: str | None) -> BriefcaseDevice:
    """The browser names itself (a random id it keeps before asking, so that a page left mid-way does not
    leave a second device behind); an id another user's device has is refused."""
    existing = db.session.scalar(sa.select(BriefcaseDevice).where(BriefcaseDevice.public_id == public_id))
    if existing is not None:
        if existing.user_id != user.id:
            raise DomainError("device_taken", _("This device name is taken: the browser picks another."),
                              "device_id", 409)
        return existing
    now = utcnow()
    device = BriefcaseDevice(public_id=public_id, user=user, session_id=session_id,
                             name=name_from_user_agent(user_agent)[:NAME_LENGTH], user_agent=(user_agent or "")[:255],
                             created_at=now, last_seen_at=now, cached=[])
    db.session.add(device)
    return device


def own_device(user: User, public_id: str) -> BriefcaseDevice | None:
    return db.session.scalar(sa.select(BriefcaseDevice).where(BriefcaseDevice.public_id == public_id,
                                                              BriefcaseDevice.user_id == user.id))


def devices_of(user: User) -> list[BriefcaseDevice]:
    """The user's devices, those in use first, the most recently seen first."""
    return list(db.session.scalars(sa.select(BriefcaseDevice).where(BriefcaseDevice.user_id == user.id)
                                   .order_by(BriefcaseDevice.revoked_at.is_not(None),
                                             BriefcaseDevice.last_seen_at.desc(), BriefcaseDevice.id.desc())))


def rename(device: BriefcaseDevice, name: str) -> None:
    device.name = name.strip()[:NAME_LENGTH] or device.name


def revoke(device: BriefcaseDevice, by: User) -> None:
    """The device wipes its briefcase at its next connection; the session it used ends, so that a lost tablet
    is signed out too."""
    if device.revoked_at is not None:
        return
    device.revoked_at = utcnow()
    device.revoked_by_id = by.id
    session = db.session.get(UserSession, device.session_id) if device.session_id else None
    if session is not None and session.revoked_at is None:
        sessions.end_credential(session)


def report(device: BriefcaseDevice, session_id: int | None, cached: list[dict]) -> None:
    """A sync: the device is seen now, with this session, holding ``cached``."""
    device.last_seen_at = utcnow()
    device.session_id = session_id
    device.cached = cached


# --- contents -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One file the device may keep: a material's current version or a meeting's pack."""

    meeting_id: int
    material_id: int | None
    key: str
    """Changes when the file does (the version's hash, the pack's content key)."""
    size: int | None
    page_count: int | None

    def ident(self) -> tuple[int, int | None, str]:
        return (self.meeting_id, self.material_id, self.key)


@dataclass(frozen=True)
class Contents:
    meetings: list[Meeting]
    entries: list[Entry] = field(default_factory=list)


def _meetings(user: User, now: datetime) -> list[Meeting]:
    """The user's own meetings (chaired, of their portfolio, invited) from those ended within the keeping time
    to those starting within the days ahead."""
    config = current_app.config
    found = meetings.list_meetings(meetings.MeetingFilter(
        starts_from=now - timedelta(hours=config["BRIEFCASE_KEEP_HOURS"]),
        starts_before=now + timedelta(days=config["BRIEFCASE_DAYS_AHEAD"]), involving_user_id=user.id),
        visible=policy.meeting_visibility(user))
    return [meeting for meeting in found if meeting.status in KEPT_STATUSES]


def _materials(user: User, meeting_ids: list[int]) -> list[Material]:
    query = (sa.select(Material).where(Material.meeting_id.in_(meeting_ids), policy.material_visibility(user),
                                       Material.confidentiality != Confidentiality.PAPER_ONLY)
             .options(selectinload(Material.versions)).order_by(Material.meeting_id, Material.id))
    if not current_app.config["BRIEFCASE_CONFIDENTIAL"]:
        query = query.where(Material.confidentiality != Confidentiality.CONFIDENTIAL)
    return [material for material in db.session.scalars(query) if material.current is not None]


def _pack_entry(meeting: Meeting, user: User) -> Entry | None:
    """The user's pack of the meeting once built; left out while it holds confidential materials the
    configuration does not let devices keep."""
    content = packs.content_for(meeting, user)
    if not content.sections or (content.confidential and not current_app.config["BRIEFCASE_CONFIDENTIAL"]):
        return None
    build = packs.request_build(meeting, user)
    if build is None or build.status != PackStatus.DONE:
        return None
    return Entry(meeting.id, None, build.key, None, build.page_count)


def contents(user: User, now: datetime | None = None) -> Contents:
    """What the user's devices may keep now: the readable materials of their coming meetings and the packs.
    Anything else a device holds it wipes. The caller commits (a pack asked for is queued)."""
    kept = _meetings(user, now or utcnow())
    entries = [Entry(m.meeting_id, m.id, m.current.reading_sha256, m.current.size, m.current.page_count)
               for m in _materials(user, [meeting.id for meeting in kept])]
    entries += [entry for meeting in kept if (entry := _pack_entry(meeting, user)) is not None]
    return Contents(kept, entries)


def to_wipe(cached: list[dict], allowed: Contents) -> list[dict]:
    """Of what a device reported holding, what it may hold no more: meetings past their keeping time, access
    withdrawn, a material replaced or made confidential."""
    keep = {entry.ident() for entry in allowed.entries}
    return [item for item in cached
            if (item.get("meeting_id"), item.get("material_id"), item.get("key")) not in keep]
