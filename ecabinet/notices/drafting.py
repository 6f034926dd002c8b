"""Drafting a conclusion notice: the draft made when a meeting ends, editing it, and correcting drafts.

A draft is made by the job ``draft_for_ended_meetings`` when a meeting ends, with the Office's usual wording
(the summary, the opening, the recipients and the signing block filled in from the meeting). The secretary (or
the Office) edits it while it is a draft. An issued notice never changes again: ``correct`` starts a correcting
draft that supersedes it once issued.

Operations flush and never commit; the notifications are pushed after the job's commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role, User
from ecabinet.notices import document
from ecabinet.notices import operations as workflow
from ecabinet.notices.models import Notice, NoticeEventKind, NoticeRecipient, NoticeStatus
from ecabinet.notices.queries import original_of
from ecabinet.core.clock import local_date, utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.materials.models import AgendaItem
from ecabinet.meetings.models import Meeting
from ecabinet.notify import operations as notify
from ecabinet.notify.models import Notification
from ecabinet.org.models import Unit

MAX_SUMMARY = 500
DEFAULT_AUTHORITY = ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
DRAFT_BATCH = 50
KIND_DRAFTED = "notice.drafted"
MEETING_WORDS = ("cuộc họp", "phiên họp", "hội nghị", "buổi làm việc")
EDITABLE = ("summary", "opening", "closing", "symbol", "signer_id", "signature_authority", "archive_mark")


def _person(user: User) -> str:
    """"Phó Chủ tịch UBND tỉnh Nguyễn Văn A", or the name alone when the position is not recorded."""
    return f"{user.position_title.strip()} {user.full_name.strip()}".strip()


def _meeting_phrase(title: str) -> str:
    """The meeting named as the notice names it: "Họp về kế hoạch …" → "cuộc họp về kế hoạch …",
    "Phiên họp UBND tỉnh thường kỳ" → "phiên họp UBND tỉnh thường kỳ"."""
    title = " ".join(title.split())
    lowered = title.lower()
    for words in MEETING_WORDS:
        if lowered.startswith(words + " "):
            return words + title[len(words):]
    if lowered.startswith("họp "):
        title = title[len("họp "):]
    return "cuộc họp " + title[:1].lower() + title[1:]


# --- the draft ---------------------------------------------------------------------------------

def _attendance_sentence(meeting: Meeting) -> str:
    people = [_person(inv.user) for inv in meeting.invitations if inv.user is not None]
    units = [inv.unit.name for inv in meeting.invitations if inv.unit is not None]
    parts = list(people)
    if units:
        parts.append("đại diện lãnh đạo " + ", ".join(units))
    return f" Tham dự cuộc họp có: {'; '.join(parts)}." if parts else ""


def _presenting_units(meeting: Meeting) -> list[str]:
    names = db.session.scalars(sa.select(Unit.name).join(AgendaItem, AgendaItem.presenting_unit_id == Unit.id)
                               .where(AgendaItem.meeting_id == meeting.id)
                               .order_by(AgendaItem.position, AgendaItem.id))
    return list(dict.fromkeys(names))


def default_opening(meeting: Meeting) -> str:
    """The two opening paragraphs of the Office's usual wording (separated by a blank line)."""
    chair = _person(meeting.chair)
    phrase = _meeting_phrase(meeting.title)
    first = (f"Ngày {local_date(meeting.held_at):%d/%m/%Y}, {chair} chủ trì {phrase}."
             + _attendance_sentence(meeting))
    presenters = _presenting_units(meeting)
    heard = f"nghe {', '.join(presenters)} báo cáo và ý kiến" if presenters else "nghe ý kiến"
    second = f"Sau khi {heard} của các đại biểu dự họp, {chair} kết luận như sau:"
    return f"{first}\n\n{second}"


def default_summary(meeting: Meeting) -> str:
    summary = f"Kết luận của {_person(meeting.chair)} tại {_meeting_phrase(meeting.title)}"
    return summary if len(summary) <= MAX_SUMMARY else summary[:MAX_SUMMARY - 1].rstrip() + "…"


def _archive_mark(meeting: Meeting) -> str:
    secretary = db.session.get(User, workflow.secretary_id(meeting))
    return (secretary.unit.short_name.strip() if secretary and secretary.unit else "") or "VP"


def _default_signer_id() -> int | None:
    leaders = accounts.users_with_role(Role.OFFICE_LEADER)
    return leaders[0].id if leaders else None


def _default_recipients(meeting: Meeting) -> list[NoticeRecipient]:
    chair = meeting.chair
    recipients = [NoticeRecipient(position=0, user_id=chair.id, label=f"{_person(chair)} (để báo cáo)")]
    seen: set[int] = set()
    for inv in meeting.invitations:
        if inv.unit is not None and inv.unit.id not in seen:
            seen.add(inv.unit.id)
            recipients.append(NoticeRecipient(position=len(recipients), unit_id=inv.unit.id, label=inv.unit.name))
    return recipients


def draft_for_meeting(meeting: Meeting, actor: User | None = None) -> Notice | None:
    """The meeting's original notice as a draft with the usual wording; None when it already has one (also
    when a concurrent transaction made it first: the partial unique index decides, inside a savepoint)."""
    if original_of(meeting.id) is not None:
        return None
    notice = Notice(meeting=meeting, status=NoticeStatus.DRAFT, symbol=current_app.config["NOTICE_SYMBOL"],
                    summary=default_summary(meeting), opening=default_opening(meeting),
                    closing=document.DEFAULT_CLOSING, signature_authority=list(DEFAULT_AUTHORITY),
                    signer_id=_default_signer_id(), archive_mark=_archive_mark(meeting),
                    recipients=_default_recipients(meeting))
    try:
        with db.session.begin_nested():
            db.session.add(notice)
            db.session.flush()
    except IntegrityError:
        return None
    workflow.record_event(notice, NoticeEventKind.CREATED, actor)
    db.session.flush()
    return notice


def _meetings_without_notice() -> list[Meeting]:
    has_original = sa.select(Notice.id).where(Notice.meeting_id == Meeting.id, Notice.corrects_id.is_(None))
    return list(db.session.scalars(sa.select(Meeting)
                                   .where(Meeting.status.in_(workflow.ENDED_STATUSES), ~has_original.exists())
                                   .order_by(Meeting.id).limit(DRAFT_BATCH)))


def draft_for_ended_meetings(now: datetime | None = None) -> list[Notification]:
    """Job: every ended (or closed) meeting without a notice gets its draft, and its secretary is told.
    Idempotent: a meeting that has its original notice is skipped. Returns the notifications to push."""
    created: list[Notification] = []
    for meeting in _meetings_without_notice():
        notice = draft_for_meeting(meeting)
        if notice is None:
            continue
        facts = workflow.facts(notice)
        created += notify.notify(f"notice:{notice.id}:drafted", [workflow.secretary_id(meeting)], notify.Message(
            kind=KIND_DRAFTED,
            subject=_("The draft conclusion notice of the meeting “%(meeting)s” has been created", **facts),
            body=_("The draft conclusion notice of the meeting “%(meeting)s” on %(day)s has been created. "
                   "Check it and submit it for review.", **facts),
            link=workflow.link(notice)))
    return created


# --- editing -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RecipientData:
    """One "Nơi nhận" line: an agency, a person, or a label alone (e.g. "Chủ tịch, các PCT UBND tỉnh")."""

    unit_id: int | None = None
    user_id: int | None = None
    label: str = ""


def _check_signer(signer_id: int | None) -> None:
    if signer_id is None:
        return
    signer = db.session.get(User, signer_id)
    if signer is None or not signer.active:
        raise DomainError("unknown_signer", _("The signer does not exist or is no longer active."), "signer_id")


def _resolved(recipients: Sequence[RecipientData]) -> list[RecipientData]:
    """The lines with their labels filled in from the agency or person, without repeats; unknown ids → 422."""
    unit_ids = {r.unit_id for r in recipients if r.unit_id is not None}
    user_ids = {r.user_id for r in recipients if r.user_id is not None}
    units = {u.id: u for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_(unit_ids)))} if unit_ids else {}
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    if set(units) != unit_ids or set(users) != user_ids:
        raise DomainError("unknown_recipient", _("A receiving agency or person does not exist."), "recipients")
    result, seen = [], set()
    for r in recipients:
        if r.unit_id is not None and r.user_id is not None:
            raise DomainError("recipient_unit_or_user", _("Each recipient line is one agency or one person."),
                              "recipients")
        label = r.label.strip()
        if not label and r.unit_id is not None:
            label = units[r.unit_id].name
        elif not label and r.user_id is not None:
            label = _person(users[r.user_id])
        if not label or _key(r) in seen:
            continue
        seen.add(_key(r))
        result.append(RecipientData(r.unit_id, r.user_id, label[:500]))
    return result


def _key(recipient: NoticeRecipient | RecipientData) -> tuple:
    if recipient.unit_id is not None:
        return ("unit", recipient.unit_id)
    if recipient.user_id is not None:
        return ("user", recipient.user_id)
    return ("label", recipient.label.strip())


def set_recipients(notice: Notice, recipients: Sequence[RecipientData]) -> None:
    """Replace the "Nơi nhận" lines, keeping the rows of agencies and people still listed (their unique keys
    would otherwise clash with the new rows inserted before the old ones are deleted)."""
    wanted = _resolved(recipients)
    existing = {_key(r): r for r in notice.recipients}
    kept = []
    for position, data in enumerate(wanted):
        row = existing.pop(_key(data), None) or NoticeRecipient(unit_id=data.unit_id, user_id=data.user_id)
        row.position, row.label = position, data.label
        kept.append(row)
    notice.recipients = kept
    db.session.flush()


def update_notice(notice: Notice, actor: User, version: int, changes: dict, *,
                  recipients: Sequence[RecipientData] | None = None) -> Notice:
    """Change a draft: any of ``EDITABLE`` and the recipients. ``version`` is the one the editor saw: an older
    one → 409 ``edit_conflict``. Issued → 409 ``notice_issued``; in the workflow → 409 ``notice_in_workflow``."""
    workflow.refuse_unless(notice, NoticeStatus.DRAFT)
    if version != notice.version:
        raise DomainError("edit_conflict", _("Someone else has just changed the notice; reload the page and edit "
                                             "again."), "version", 409)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "signer_id" in changes:
        _check_signer(changes["signer_id"])
    for name, value in changes.items():
        setattr(notice, name, value)
    if recipients is not None:
        set_recipients(notice, recipients)
    notice.updated_at = utcnow()  # also bumps the version when only the recipients changed
    workflow.record_event(notice, NoticeEventKind.EDITED, actor)
    db.session.flush()
    return notice


# --- correcting --------------------------------------------------------------------------------

def correct(notice: Notice, actor: User) -> Notice:
    """A draft correcting the issued ``notice``: same wording and recipients, the opening saying it replaces
    it. The issued one is left as it is until the correction is issued (then marked superseded)."""
    if notice.status != NoticeStatus.ISSUED:
        raise DomainError("not_issued", _("Only an issued notice can be corrected."), None, 409)
    if notice.superseded_at is not None:
        raise DomainError("already_superseded", _("This notice has been superseded by another one."), None,
                          409)
    pending = db.session.scalar(sa.select(Notice.id).where(Notice.corrects_id == notice.id,
                                                           Notice.status != NoticeStatus.NOT_NEEDED))
    if pending is not None:
        raise DomainError("correction_exists", _("A correcting notice already exists for this notice."), None, 409)
    replaces = f"Thông báo này thay thế Thông báo số {notice.number_symbol} ngày {notice.issued_on:%d/%m/%Y}."
    draft = Notice(meeting_id=notice.meeting_id, corrects=notice, status=NoticeStatus.DRAFT,
                   **{name: getattr(notice, name) for name in EDITABLE if name != "signature_authority"},
                   signature_authority=list(notice.signature_authority or ()))
    draft.opening = f"{notice.opening.rstrip()}\n\n{replaces}" if notice.opening.strip() else replaces
    draft.recipients = [NoticeRecipient(position=r.position, unit_id=r.unit_id, user_id=r.user_id, label=r.label)
                        for r in notice.recipients]
    db.session.add(draft)
    db.session.flush()
    workflow.record_event(draft, NoticeEventKind.CREATED, actor,
                          reason=f"Đính chính Thông báo số {notice.number_symbol}")
    db.session.flush()
    return draft
