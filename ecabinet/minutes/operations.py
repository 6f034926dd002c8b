"""The minutes (biên bản) of a meeting: sections kept in step with the agenda, autosaved text with its
revisions and edit conflicts, and the sign-off by the secretary and the chair (what the live room recorded:
``minutes.content``).

A save is a compare-and-set on the section's ``revision``: ``UPDATE … WHERE revision = :base``. Two people
saving from the same revision cannot both win; the loser gets ``edit_conflict`` with the text that won.
Operations flush, never commit; the caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ecabinet.accounts.models import User
from ecabinet.audit import operations as audit
from ecabinet.core import storage
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.materials import operations as materials
from ecabinet.meetings.models import Meeting, MeetingStatus
from ecabinet.minutes.document import render_minutes_pdf
from ecabinet.minutes.content import CLOSING_POSITION, OPENING_POSITION
from ecabinet.minutes.models import Minutes, MinutesRevision, MinutesSection, MinutesStatus

OPENING_TITLE = "Phần mở đầu"
CLOSING_TITLE = "Kết thúc cuộc họp"
MAX_TEXT = 100_000


def conflict(code: str, message: str, field_name: str | None = None) -> DomainError:
    return DomainError(code, message, field_name, 409)


# --- the minutes and their sections ------------------------------------------------------------

def find_minutes(meeting: Meeting) -> Minutes | None:
    return db.session.scalars(sa.select(Minutes).where(Minutes.meeting_id == meeting.id)).first()


def minutes_of(meeting: Meeting, actor: User | None = None) -> Minutes:
    """The meeting's minutes, created on first use with an opening section, one per agenda item and a closing
    one; an item added to the agenda since gets its section now (and a renamed one its new title). Two first
    loads at once meet the unique meeting id: the loser takes the winner's minutes. ``actor`` is who opens
    them; the audit log learns it from the request's context."""
    minutes = find_minutes(meeting)
    if minutes is None:
        minutes = _create(meeting)
    _sync_sections(minutes, meeting)
    return minutes


def _create(meeting: Meeting) -> Minutes:
    try:
        with db.session.begin_nested():
            minutes = Minutes(meeting_id=meeting.id, status=MinutesStatus.DRAFT)
            db.session.add(minutes)
            db.session.flush()
    except IntegrityError:
        minutes = find_minutes(meeting)
        if minutes is None:  # pragma: no cover - the unique key refused it, so it exists
            raise
        return minutes
    db.session.add_all([
        MinutesSection(minutes_id=minutes.id, position=OPENING_POSITION, title=OPENING_TITLE, text="", revision=0),
        MinutesSection(minutes_id=minutes.id, position=CLOSING_POSITION, title=CLOSING_TITLE, text="", revision=0),
    ])
    db.session.flush()
    return minutes


def _lock(minutes: Minutes) -> None:
    """Serialise the section bookkeeping of one minutes: a no-op UPDATE takes its row (PostgreSQL) or the
    database (SQLite) for this transaction."""
    table = Minutes.__table__
    db.session.execute(sa.update(table).where(table.c.id == minutes.id).values(id=table.c.id))


def _sync_sections(minutes: Minutes, meeting: Meeting) -> None:
    items = materials.agenda(meeting)
    have = {s.agenda_item_id for s in minutes.sections if s.agenda_item_id is not None}
    if any(item.id not in have for item in items):
        _lock(minutes)
        db.session.expire(minutes, ["sections"])
        have = {s.agenda_item_id for s in minutes.sections if s.agenda_item_id is not None}
        for item in items:
            if item.id not in have:
                minutes.sections.append(MinutesSection(agenda_item_id=item.id, position=CLOSING_POSITION - 1,
                                                       title=item.title, text="", revision=0))
    titles = {item.id: item.title for item in items}
    for section in minutes.sections:
        if section.agenda_item_id in titles and section.title != titles[section.agenda_item_id]:
            section.title = titles[section.agenda_item_id]  # the item was renamed on the agenda
    _order_sections(minutes, items)
    db.session.flush()


def _order_sections(minutes: Minutes, items: list) -> None:
    """Item sections in agenda order, then those whose item was taken off the agenda, between opening and
    closing. Positions are only written when they change."""
    rank = {item.id: n for n, item in enumerate(items)}
    middle = [s for s in minutes.sections if s.position not in (OPENING_POSITION, CLOSING_POSITION)
              or s.agenda_item_id is not None]
    middle.sort(key=lambda s: (s.agenda_item_id not in rank, rank.get(s.agenda_item_id, 0), s.position, s.id or 0))
    changed = False
    for position, section in enumerate(middle, start=1):
        if section.position != position:
            section.position, changed = position, True
    if changed:  # the relationship's order is the database's: read it again
        db.session.flush()
        db.session.expire(minutes, ["sections"])


# --- saving text -------------------------------------------------------------------------------

def _check_draft(minutes_id: int) -> None:
    """Refuse unless the minutes are a draft; on PostgreSQL the row is share-locked until the commit, so a
    signature cannot slip in between this check and the save."""
    query = sa.select(Minutes.status).where(Minutes.id == minutes_id)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(read=True)
    if db.session.scalar(query) != MinutesStatus.DRAFT:
        raise conflict("minutes_signed", _("The minutes are signed and cannot be changed. To change them, the chair "
                                           "returns them to the secretary."), "text")


def _edit_conflict(section: MinutesSection) -> DomainError:
    db.session.refresh(section)
    editor = section.updated_by.full_name if section.updated_by else None
    message = (_("%(editor)s has just saved this section (revision %(revision)s). Look at the new text, then keep "
                 "yours or use the new one.", editor=editor, revision=section.revision) if editor
               else _("Someone else has just saved this section (revision %(revision)s). Look at the new text, then "
                      "keep yours or use the new one.", revision=section.revision))
    return DomainError("edit_conflict", message, "text", 409, [{
        "field": "text", "type": "edit_conflict", "message": message, "text": section.text,
        "revision": section.revision, "updated_by": editor,
        "updated_at": section.updated_at.isoformat() if section.updated_at else None}])


def save_section(section: MinutesSection, text: str, base_revision: int, actor: User,
                 now: datetime | None = None) -> MinutesSection:
    """Save ``text`` as the new text of ``section`` if it still is at ``base_revision`` (else
    ``edit_conflict``, 409, carrying the text that is there now). Autosaves by the same person within
    ``MINUTES_COALESCE_SECONDS`` amend their last revision; otherwise a revision is added."""
    if len(text) > MAX_TEXT:
        raise DomainError("too_long", _("The text is too long (at most %(limit)s characters).",
                                        limit=f"{MAX_TEXT:,}".replace(",", ".")), "text")
    _check_draft(section.minutes_id)
    now = now or utcnow()
    table = MinutesSection.__table__
    result = db.session.execute(
        sa.update(table).where(table.c.id == section.id, table.c.revision == base_revision)
        .values(text=text, revision=table.c.revision + 1, updated_at=now, updated_by_id=actor.id))
    if result.rowcount != 1:
        raise _edit_conflict(section)
    db.session.refresh(section)
    _record_revision(section, text, actor, now)
    return section


def _record_revision(section: MinutesSection, text: str, actor: User, now: datetime) -> None:
    last = db.session.scalars(sa.select(MinutesRevision).where(MinutesRevision.section_id == section.id)
                              .order_by(MinutesRevision.number.desc()).limit(1)).first()
    window = timedelta(seconds=current_app.config.get("MINUTES_COALESCE_SECONDS", 120))
    if last is not None and last.saved_by_id == actor.id and timedelta(0) <= now - last.saved_at < window:
        last.text, last.saved_at = text, now
    else:
        db.session.add(MinutesRevision(section_id=section.id, number=(last.number if last else 0) + 1, text=text,
                                       saved_at=now, saved_by_id=actor.id))
    db.session.flush()


def revisions(section: MinutesSection) -> list[MinutesRevision]:
    """The section's saved texts, newest first."""
    return list(db.session.scalars(sa.select(MinutesRevision).where(MinutesRevision.section_id == section.id)
                                   .order_by(MinutesRevision.number.desc())))


def restore_revision(section: MinutesSection, revision_number: int, base_revision: int, actor: User,
                     now: datetime | None = None) -> MinutesSection:
    """Save the text of an earlier revision again (a new revision; the history keeps everything)."""
    old = db.session.scalars(sa.select(MinutesRevision).where(MinutesRevision.section_id == section.id,
                                                              MinutesRevision.number == revision_number)).first()
    if old is None:
        raise DomainError("unknown_revision", _("There is no such saved version."), "number", 404)
    return save_section(section, old.text, base_revision, actor, now)


# --- the sign-off ------------------------------------------------------------------------------

def _lock_for_signing(minutes: Minutes) -> None:
    _lock(minutes)
    db.session.refresh(minutes)


def sign_as_secretary(minutes: Minutes, actor: User, now: datetime | None = None) -> Minutes:
    """DRAFT → SECRETARY_SIGNED, once the meeting has ended; the sections cannot change after it."""
    _lock_for_signing(minutes)
    if minutes.status != MinutesStatus.DRAFT:
        raise conflict("not_draft", _("The minutes are not a draft, so the secretary cannot sign them."), "status")
    if minutes.meeting.status not in (MeetingStatus.ENDED, MeetingStatus.CLOSED):
        raise conflict("meeting_not_ended", _("The meeting has not ended: the minutes are signed only after the "
                                              "meeting ends."), "status")
    minutes.status = MinutesStatus.SECRETARY_SIGNED
    minutes.secretary_signed_by_id, minutes.secretary_signed_at = actor.id, now or utcnow()
    db.session.flush()
    audit.record("minutes_secretary_signed", entity_type="minutes", entity_id=minutes.id,
                 summary=f"Thư ký ký biên bản cuộc họp {minutes.meeting.title}"[:500])
    return minutes


def sign_as_chair(minutes: Minutes, actor: User, now: datetime | None = None) -> Minutes:
    """SECRETARY_SIGNED → SIGNED: the minutes are rendered once more and frozen as that PDF."""
    _lock_for_signing(minutes)
    if minutes.status != MinutesStatus.SECRETARY_SIGNED:
        message = (_("The chair has already signed the minutes.") if minutes.status == MinutesStatus.SIGNED
                   else _("The secretary has not signed the minutes: the chair signs after the secretary."))
        raise conflict("not_secretary_signed", message, "status")
    with db.session.no_autoflush:  # the PDF shows the signature, which the database accepts only with the PDF
        minutes.status = MinutesStatus.SIGNED
        minutes.chair_signed_by_id, minutes.chair_signed_at = actor.id, now or utcnow()
        minutes.chair_signed_by = actor
        minutes.pdf_sha256 = storage.store_bytes(render_minutes_pdf(minutes))
    db.session.flush()
    audit.record("minutes_chair_signed", entity_type="minutes", entity_id=minutes.id,
                 summary=f"Chủ trì ký biên bản cuộc họp {minutes.meeting.title}"[:500])
    return minutes


def return_to_secretary(minutes: Minutes, actor: User, reason: str) -> Minutes:
    """SECRETARY_SIGNED → DRAFT with the chair's reason; the secretary's signature is cleared."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Enter the reason for returning the minutes."), "reason")
    _lock_for_signing(minutes)
    if minutes.status != MinutesStatus.SECRETARY_SIGNED:
        raise conflict("not_secretary_signed", _("Only minutes signed by the secretary and not yet by the chair can "
                                                 "be returned."), "status")
    minutes.status = MinutesStatus.DRAFT
    minutes.secretary_signed_by_id = minutes.secretary_signed_at = None
    minutes.returned_reason = reason[:1000]
    db.session.flush()
    audit.record("minutes_returned", entity_type="minutes", entity_id=minutes.id,
                 summary=f"Chủ trì trả lại biên bản: {reason}"[:500])
    return minutes
