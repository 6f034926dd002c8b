"""The conclusion notice's workflow: draft → review → approval → issue, and the jobs around it.

A draft is made by the job ``draft_for_ended_meetings`` when a meeting ends, with the Office's usual wording.
The secretary (or the Office) edits and submits it; an office leader reviews it; the leader who chaired the
meeting approves it; the văn thư issues it: in one transaction it takes the register's next number, freezes
the PDF (its sha256 kept), records the source text, turns the directives into tasks and tells every recipient
(in-app and by e-mail with the PDF attached). A rejection at any step sends it back to draft with the reason.
An issued notice never changes again; a correcting notice supersedes it.

``policy`` decides who may act; the operations here decide when. Operations flush and never commit; those
that notify return the notifications for ``notify.push`` after the caller's commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role, User
from ecabinet.conclusions import document
from ecabinet.conclusions.models import Notice, NoticeEvent, NoticeEventKind, NoticeRecipient, NoticeStatus
from ecabinet.core import storage
from ecabinet.core.clock import local_date
from ecabinet.core.db import db, utcnow
from ecabinet.core.exceptions import DomainError
from ecabinet.live.models import LiveState
from ecabinet.materials.models import AgendaItem
from ecabinet.meetings.models import Meeting, MeetingStatus
from ecabinet.notify import operations as notify
from ecabinet.notify.models import Notification
from ecabinet.org.models import Unit
from ecabinet.policy import Action, allowed
from ecabinet.registers import operations as registers
from ecabinet.tasks import operations as tasks
from ecabinet.workdays.operations import working_days_between

MAX_SUMMARY = 500
MAX_REASON = 1000
DEFAULT_AUTHORITY = ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
ENDED_STATUSES = (MeetingStatus.ENDED, MeetingStatus.CLOSED)
OPEN_STATUSES = (NoticeStatus.DRAFT, NoticeStatus.IN_REVIEW, NoticeStatus.AWAITING_APPROVAL, NoticeStatus.APPROVED)
DRAFT_BATCH = 50

KIND_DRAFTED = "notice.drafted"
KIND_SUBMITTED = "notice.submitted"
KIND_REVIEWED = "notice.reviewed"
KIND_APPROVED = "notice.approved"
KIND_REJECTED = "notice.rejected"
KIND_ISSUED = "notice.issued"
KIND_REMINDER = "notice.reminder"
KIND_ESCALATION = "notice.escalation"

STATUS_NAMES_VI = {
    NoticeStatus.DRAFT: "dự thảo",
    NoticeStatus.IN_REVIEW: "chờ thẩm định",
    NoticeStatus.AWAITING_APPROVAL: "chờ lãnh đạo duyệt",
    NoticeStatus.APPROVED: "đã duyệt, chờ ban hành",
    NoticeStatus.ISSUED: "đã ban hành",
    NoticeStatus.NOT_NEEDED: "không cần ban hành",
}


# --- small helpers -----------------------------------------------------------------------------

def _person(user: User) -> str:
    """"Phó Chủ tịch UBND tỉnh Nguyễn Văn A", or the name alone when the position is not recorded."""
    return f"{user.position_title.strip()} {user.full_name.strip()}".strip()


MEETING_WORDS = ("cuộc họp", "phiên họp", "hội nghị", "buổi làm việc")


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


def _event(notice: Notice, kind: NoticeEventKind, actor: User | None, from_status: NoticeStatus | None = None,
           reason: str | None = None, at: datetime | None = None) -> NoticeEvent:
    event = NoticeEvent(notice=notice, kind=kind, actor_id=actor.id if actor else None,
                        from_status=from_status.value if from_status else None, reason=reason, at=at or utcnow())
    db.session.add(event)
    return event


def _refuse_unless(notice: Notice, *statuses: NoticeStatus) -> None:
    """409 unless the notice is in one of ``statuses``; an issued one has its own message (correct it)."""
    if notice.status in statuses:
        return
    if notice.status == NoticeStatus.ISSUED:
        raise DomainError("notice_issued", "Thông báo đã ban hành, không thể sửa; hãy lập thông báo đính chính.",
                          None, 409)
    if statuses == (NoticeStatus.DRAFT,):
        raise DomainError("notice_in_workflow", "Thông báo đang trong quy trình "
                          f"({STATUS_NAMES_VI[notice.status]}); chỉ sửa được khi là dự thảo.", None, 409)
    raise DomainError("wrong_status", "Không thực hiện được khi thông báo đang ở trạng thái "
                      f"“{STATUS_NAMES_VI[notice.status]}”.", "status", 409)


def _reason(reason: str | None, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", "Hãy ghi rõ lý do.", field)
    if len(reason) > MAX_REASON:
        raise DomainError("reason_too_long", f"Lý do dài tối đa {MAX_REASON} ký tự.", field)
    return reason


def original_of(meeting_id: int) -> Notice | None:
    """The meeting's original notice (not a correction), if it has one."""
    return db.session.scalar(sa.select(Notice).where(Notice.meeting_id == meeting_id, Notice.corrects_id.is_(None)))


def secretary_id(meeting: Meeting) -> int:
    """Who drafts the notice: the meeting's secretary, or whoever created the meeting."""
    return meeting.secretary_id or meeting.created_by_id


def _office_leader_ids() -> list[int]:
    return [u.id for u in accounts.users_with_role(Role.OFFICE_LEADER)]


def _facts(notice: Notice) -> dict[str, str]:
    meeting = notice.meeting
    return {"meeting": meeting.title, "day": f"{local_date(meeting.starts_at):%d/%m/%Y}", "summary": notice.summary}


def _link(notice: Notice) -> str:
    return f"/notices/{notice.id}"


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
    first = (f"Ngày {local_date(meeting.starts_at):%d/%m/%Y}, {chair} chủ trì {phrase}."
             + _attendance_sentence(meeting))
    presenters = _presenting_units(meeting)
    heard = f"nghe {', '.join(presenters)} báo cáo và ý kiến" if presenters else "nghe ý kiến"
    second = f"Sau khi {heard} của các đại biểu dự họp, {chair} kết luận như sau:"
    return f"{first}\n\n{second}"


def default_summary(meeting: Meeting) -> str:
    summary = f"Kết luận của {_person(meeting.chair)} tại {_meeting_phrase(meeting.title)}"
    return summary if len(summary) <= MAX_SUMMARY else summary[:MAX_SUMMARY - 1].rstrip() + "…"


def _archive_mark(meeting: Meeting) -> str:
    secretary = db.session.get(User, secretary_id(meeting))
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
    _event(notice, NoticeEventKind.CREATED, actor)
    db.session.flush()
    return notice


def _meetings_without_notice() -> list[Meeting]:
    has_original = sa.select(Notice.id).where(Notice.meeting_id == Meeting.id, Notice.corrects_id.is_(None))
    return list(db.session.scalars(sa.select(Meeting).where(Meeting.status.in_(ENDED_STATUSES), ~has_original.exists())
                                   .order_by(Meeting.id).limit(DRAFT_BATCH)))


def draft_for_ended_meetings(now: datetime | None = None) -> list[Notification]:
    """Job: every ended (or closed) meeting without a notice gets its draft, and its secretary is told.
    Idempotent: a meeting that has its original notice is skipped. Returns the notifications to push."""
    created: list[Notification] = []
    for meeting in _meetings_without_notice():
        notice = draft_for_meeting(meeting)
        if notice is None:
            continue
        facts = _facts(notice)
        created += notify.notify(f"notice:{notice.id}:drafted", [secretary_id(meeting)], notify.Message(
            kind=KIND_DRAFTED,
            subject=_("The draft conclusion notice of the meeting “%(meeting)s” has been created", **facts),
            body=_("The draft conclusion notice of the meeting “%(meeting)s” on %(day)s has been created. "
                   "Check it and submit it for review.", **facts),
            link=_link(notice)))
    return created


# --- editing -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RecipientData:
    """One "Nơi nhận" line: an agency, a person, or a label alone (e.g. "Chủ tịch, các PCT UBND tỉnh")."""

    unit_id: int | None = None
    user_id: int | None = None
    label: str = ""


EDITABLE = ("summary", "opening", "closing", "symbol", "signer_id", "signature_authority", "archive_mark")


def _check_signer(signer_id: int | None) -> None:
    if signer_id is None:
        return
    signer = db.session.get(User, signer_id)
    if signer is None or not signer.active:
        raise DomainError("unknown_signer", "Người ký không tồn tại hoặc đã ngừng hoạt động.", "signer_id")


def _resolved(recipients: Sequence[RecipientData]) -> list[RecipientData]:
    """The lines with their labels filled in from the agency or person, without repeats; unknown ids → 422."""
    unit_ids = {r.unit_id for r in recipients if r.unit_id is not None}
    user_ids = {r.user_id for r in recipients if r.user_id is not None}
    units = {u.id: u for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_(unit_ids)))} if unit_ids else {}
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    if set(units) != unit_ids or set(users) != user_ids:
        raise DomainError("unknown_recipient", "Có cơ quan hoặc người nhận không tồn tại.", "recipients")
    result, seen = [], set()
    for r in recipients:
        if r.unit_id is not None and r.user_id is not None:
            raise DomainError("recipient_unit_or_user", "Mỗi dòng nơi nhận là một cơ quan hoặc một người.",
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
    _refuse_unless(notice, NoticeStatus.DRAFT)
    if version != notice.version:
        raise DomainError("edit_conflict", "Thông báo vừa được người khác sửa; hãy tải lại trang rồi sửa tiếp.",
                          "version", 409)
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
    _event(notice, NoticeEventKind.EDITED, actor)
    db.session.flush()
    return notice


# --- the workflow ------------------------------------------------------------------------------

def _move(notice: Notice, actor: User | None, to: NoticeStatus, kind: NoticeEventKind, *,
          allowed_from: tuple[NoticeStatus, ...], reason: str | None = None) -> NoticeStatus:
    _refuse_unless(notice, *allowed_from)
    before = notice.status
    _event(notice, kind, actor, before, reason)  # first: reading the actor may autoflush the notice
    notice.status = to
    return before


def has_content(notice: Notice) -> bool:
    """At least one conclusion with text, or a directive."""
    return any(c.text.strip() or c.directives for c in document.meeting_conclusions(notice.meeting_id))


def _add_directive_agencies(notice: Notice) -> None:
    """Every lead or coordinating agency of a directive becomes a recipient, so nobody tasked is left out."""
    listed = {r.unit_id for r in notice.recipients if r.unit_id is not None}
    for conclusion in document.meeting_conclusions(notice.meeting_id):
        for directive in conclusion.directives:
            for unit in [directive.lead_unit, *directive.coordinating_units]:
                if unit.id not in listed:
                    listed.add(unit.id)
                    notice.recipients.append(NoticeRecipient(position=len(notice.recipients), unit_id=unit.id,
                                                             label=unit.name))


def _tell(notice: Notice, step: str, recipient_ids: Iterable[int], kind: str, subject: str, body: str
          ) -> list[Notification]:
    """Notify about a workflow step; the key counts the notice's events so a later round is told again."""
    return notify.notify(f"notice:{notice.id}:{step}:{len(notice.events)}", recipient_ids,
                         notify.Message(kind=kind, subject=subject, body=body, link=_link(notice)))


def submit(notice: Notice, actor: User) -> list[Notification]:
    """Draft → in review; the office leaders are told. Needs a conclusion with text or a directive (422)."""
    _refuse_unless(notice, NoticeStatus.DRAFT)
    if not has_content(notice):
        raise DomainError("no_conclusions", "Cuộc họp chưa có kết luận hoặc chỉ đạo nào; hãy ghi kết luận trước "
                                            "khi trình.", None, 422)
    _add_directive_agencies(notice)
    _move(notice, actor, NoticeStatus.IN_REVIEW, NoticeEventKind.SUBMITTED, allowed_from=(NoticeStatus.DRAFT,))
    notice.submitted_at = utcnow()
    notice.rejection_reason = None
    db.session.flush()
    facts = _facts(notice)
    return _tell(notice, "submitted", _office_leader_ids(), KIND_SUBMITTED,
                 _("Conclusion notice to review: %(summary)s", **facts),
                 _("The draft conclusion notice of the meeting “%(meeting)s” on %(day)s awaits your review.", **facts))


def review(notice: Notice, actor: User) -> list[Notification]:
    """In review → awaiting the chair's approval; the chair is told."""
    _move(notice, actor, NoticeStatus.AWAITING_APPROVAL, NoticeEventKind.REVIEWED,
          allowed_from=(NoticeStatus.IN_REVIEW,))
    notice.reviewed_by_id, notice.reviewed_at = actor.id, utcnow()
    db.session.flush()
    facts = _facts(notice)
    return _tell(notice, "reviewed", [notice.meeting.chair_id], KIND_REVIEWED,
                 _("Conclusion notice to approve: %(summary)s", **facts),
                 _("The conclusion notice of the meeting “%(meeting)s” on %(day)s has been reviewed by the Office "
                   "and awaits your approval.", **facts))


def approve(notice: Notice, actor: User) -> list[Notification]:
    """Awaiting approval → approved; the clerks and office leaders are told to issue it."""
    _move(notice, actor, NoticeStatus.APPROVED, NoticeEventKind.APPROVED,
          allowed_from=(NoticeStatus.AWAITING_APPROVAL,))
    notice.approved_by_id, notice.approved_at = actor.id, utcnow()
    db.session.flush()
    facts = _facts(notice)
    clerks = [u.id for u in accounts.users_with_role(Role.CLERK)]
    return _tell(notice, "approved", clerks + _office_leader_ids(), KIND_APPROVED,
                 _("Conclusion notice approved, to issue: %(summary)s", **facts),
                 _("The conclusion notice of the meeting “%(meeting)s” on %(day)s has been approved; give it its "
                   "number and issue it.", **facts))


REJECTABLE = (NoticeStatus.IN_REVIEW, NoticeStatus.AWAITING_APPROVAL, NoticeStatus.APPROVED)


def reject(notice: Notice, actor: User, reason: str) -> list[Notification]:
    """Back to draft from review, approval or issue, with the reason (required); the secretary is told."""
    reason = _reason(reason)
    _move(notice, actor, NoticeStatus.DRAFT, NoticeEventKind.REJECTED, allowed_from=REJECTABLE, reason=reason)
    notice.rejection_reason = reason
    notice.reviewed_by_id = notice.reviewed_at = notice.approved_by_id = notice.approved_at = None
    db.session.flush()
    facts = {**_facts(notice), "reason": reason, "by": actor.full_name}
    return _tell(notice, "rejected", [secretary_id(notice.meeting)], KIND_REJECTED,
                 _("Conclusion notice returned to draft: %(summary)s", **facts),
                 _("%(by)s returned the conclusion notice of the meeting “%(meeting)s” to draft. Reason: %(reason)s",
                   **facts))


def mark_not_needed(notice: Notice, actor: User, reason: str) -> None:
    """A draft the meeting does not need (a working session): no reminders any more."""
    reason = _reason(reason)
    _refuse_unless(notice, NoticeStatus.DRAFT)
    notice.not_needed_reason = reason  # before the status: the row must never be "not needed" without it
    _move(notice, actor, NoticeStatus.NOT_NEEDED, NoticeEventKind.NOT_NEEDED, allowed_from=(NoticeStatus.DRAFT,),
          reason=reason)
    db.session.flush()


def reopen(notice: Notice, actor: User) -> None:
    """A notice marked not needed becomes a draft again."""
    _move(notice, actor, NoticeStatus.DRAFT, NoticeEventKind.REOPENED, allowed_from=(NoticeStatus.NOT_NEEDED,))
    notice.not_needed_reason = None
    db.session.flush()


# --- issuing -----------------------------------------------------------------------------------

def pdf_filename(notice: Notice) -> str:
    return f"thong-bao-{(notice.number_symbol or 'du-thao').replace('/', '-')}.pdf"


def _claim(notice: Notice, actor: User, now: datetime) -> None:
    """Write to the notice first: its version check makes a second clerk issuing the same notice at once wait
    for the first and then fail (409) before taking a number."""
    notice.issued_at, notice.issued_by_id = now, actor.id
    try:
        db.session.flush()
    except StaleDataError:
        raise DomainError("notice_changed", "Thông báo vừa được người khác ban hành hoặc thay đổi; hãy tải lại.",
                          None, 409) from None


def _signed(pdf: bytes) -> tuple[bytes, bool]:
    from ecabinet.signing.operations import sign_pdf

    signed = sign_pdf(pdf)
    return (signed, True) if signed else (pdf, False)


def issue_recipient_ids(notice: Notice) -> set[int]:
    """Who is told of the issued notice: persons listed, the liaisons of agencies listed, and the chair."""
    ids = {r.user_id for r in notice.recipients if r.user_id is not None}
    ids |= {u.id for u in accounts.liaisons_of([r.unit_id for r in notice.recipients if r.unit_id is not None])}
    return ids | {notice.meeting.chair_id}


def issue(notice: Notice, actor: User, now: datetime | None = None) -> list[Notification]:
    """Approved → issued, in the caller's one transaction: number, frozen PDF and text, tasks, notifications.
    Anything failing rolls it all back, the number included. Returns the notifications to push."""
    _refuse_unless(notice, NoticeStatus.APPROVED)
    now = now or utcnow()
    _claim(notice, actor, now)
    issued_on = local_date(now)
    taken = registers.take_number(notice.symbol, issued_on.year, notice.summary, actor)
    rendered = document.render_notice(notice, number=taken.number, issued_on=issued_on)
    pdf, signed = _signed(rendered.pdf)
    notice.pdf_sha256 = storage.store_bytes(pdf)
    notice.digitally_signed, notice.source_text = signed, rendered.text
    notice.number, notice.number_symbol, notice.register_number_id = taken.number, taken.number_symbol, taken.id
    notice.issued_on = issued_on
    _move(notice, actor, NoticeStatus.ISSUED, NoticeEventKind.ISSUED, allowed_from=(NoticeStatus.APPROVED,))
    if notice.corrects is not None:
        notice.corrects.superseded_at = now
        _event(notice.corrects, NoticeEventKind.SUPERSEDED, actor, notice.corrects.status,
               f"Thay thế bởi Thông báo số {taken.number_symbol}", now)
    db.session.flush()
    tasks.from_notice(notice, issued_on)
    return notify.notify(f"notice:{notice.id}:issued", issue_recipient_ids(notice), notify.Message(
        kind=KIND_ISSUED, subject=f"Thông báo số {taken.number_symbol}: {notice.summary}",
        body=_("Conclusion notice no. %(number)s of %(day)s: %(summary)s. The PDF is attached.",
               number=taken.number_symbol, day=f"{issued_on:%d/%m/%Y}", summary=notice.summary),
        link=_link(notice), attachment=notify.Attachment(pdf_filename(notice), "application/pdf", pdf)))


def stored_pdf(notice: Notice) -> bytes:
    """The issued PDF from the content store, checked against its recorded sha256 (``StorageError`` when it
    is missing or was altered)."""
    data = storage.read_bytes(notice.pdf_sha256)
    if hashlib.sha256(data).hexdigest() != notice.pdf_sha256:
        raise storage.StorageError(f"stored notice PDF {notice.pdf_sha256} does not match its hash")
    return data


def preview(notice: Notice) -> document.RenderedNotice:
    """The document as it stands: the frozen PDF and text once issued, else rendered now (no number)."""
    if notice.status == NoticeStatus.ISSUED:
        return document.RenderedNotice(pdf=stored_pdf(notice), text=notice.source_text or "")
    return document.render_notice(notice)


def preview_text(notice: Notice) -> str:
    if notice.status == NoticeStatus.ISSUED:
        return notice.source_text or ""
    return document.render_text(document.notice_document(notice))


# --- correcting --------------------------------------------------------------------------------

def correct(notice: Notice, actor: User) -> Notice:
    """A draft correcting the issued ``notice``: same wording and recipients, the opening saying it replaces
    it. The issued one is left as it is until the correction is issued (then marked superseded)."""
    if notice.status != NoticeStatus.ISSUED:
        raise DomainError("not_issued", "Chỉ đính chính được thông báo đã ban hành.", None, 409)
    if notice.superseded_at is not None:
        raise DomainError("already_superseded", "Thông báo này đã được thay thế bởi một thông báo khác.", None, 409)
    pending = db.session.scalar(sa.select(Notice.id).where(Notice.corrects_id == notice.id,
                                                           Notice.status != NoticeStatus.NOT_NEEDED))
    if pending is not None:
        raise DomainError("correction_exists", "Đã có thông báo đính chính cho thông báo này.", None, 409)
    replaces = f"Thông báo này thay thế Thông báo số {notice.number_symbol} ngày {notice.issued_on:%d/%m/%Y}."
    draft = Notice(meeting_id=notice.meeting_id, corrects=notice, status=NoticeStatus.DRAFT,
                   **{name: getattr(notice, name) for name in EDITABLE if name != "signature_authority"},
                   signature_authority=list(notice.signature_authority or ()))
    draft.opening = f"{notice.opening.rstrip()}\n\n{replaces}" if notice.opening.strip() else replaces
    draft.recipients = [NoticeRecipient(position=r.position, unit_id=r.unit_id, user_id=r.user_id, label=r.label)
                        for r in notice.recipients]
    db.session.add(draft)
    db.session.flush()
    _event(draft, NoticeEventKind.CREATED, actor, reason=f"Đính chính Thông báo số {notice.number_symbol}")
    db.session.flush()
    return draft


# --- reminders (the job) -----------------------------------------------------------------------

def meeting_end_day(meeting: Meeting) -> date:
    """The local day the meeting ended: when its live room was ended, else its planned end."""
    ended_at = db.session.scalar(sa.select(LiveState.ended_at).where(LiveState.meeting_id == meeting.id))
    return local_date(ended_at or meeting.ends_at)


def _unissued_originals() -> list[Notice]:
    return list(db.session.scalars(
        sa.select(Notice).join(Meeting, Meeting.id == Notice.meeting_id)
        .where(Notice.corrects_id.is_(None), Notice.status.in_(OPEN_STATUSES), Meeting.status.in_(ENDED_STATUSES),
               sa.or_(Notice.reminded_at.is_(None), Notice.escalated_at.is_(None)))
        .order_by(Notice.id)))


def _remind(notice: Notice, days: int, now: datetime) -> list[Notification]:
    notice.reminded_at = now
    _event(notice, NoticeEventKind.REMINDED, None, notice.status, at=now)
    facts = {**_facts(notice), "days": str(days)}
    return notify.notify(f"notice:{notice.id}:reminder", [secretary_id(notice.meeting)], notify.Message(
        kind=KIND_REMINDER, subject=_("Conclusion notice not yet issued: %(meeting)s", **facts),
        body=_("The conclusion notice of the meeting “%(meeting)s” on %(day)s is still not issued, %(days)s working "
               "days after the meeting.", **facts), link=_link(notice)))


def _escalate(notice: Notice, days: int, now: datetime) -> list[Notification]:
    notice.escalated_at = now
    _event(notice, NoticeEventKind.ESCALATED, None, notice.status, at=now)
    facts = {**_facts(notice), "days": str(days), "status": STATUS_NAMES_VI[notice.status]}
    return notify.notify(f"notice:{notice.id}:escalation", _office_leader_ids(), notify.Message(
        kind=KIND_ESCALATION, subject=_("Overdue conclusion notice: %(meeting)s", **facts),
        body=_("The conclusion notice of the meeting “%(meeting)s” on %(day)s is still not issued, %(days)s working "
               "days after the meeting (now: %(status)s).", **facts), link=_link(notice)))


def remind_unissued(now: datetime | None = None) -> list[Notification]:
    """Job: a notice still not issued ``NOTICE_REMINDER_WORKING_DAYS`` working days after its meeting ended is
    reminded to the secretary, once; after ``NOTICE_ESCALATION_WORKING_DAYS`` the office leaders are told, once.
    Each is recorded on the notice in the job's transaction (and the notification key is a second guard), so
    a re-run or a restarted scheduler sends nothing more. Returns the notifications to push."""
    now = now or utcnow()
    today = local_date(now)
    remind_after = current_app.config["NOTICE_REMINDER_WORKING_DAYS"]
    escalate_after = current_app.config["NOTICE_ESCALATION_WORKING_DAYS"]
    created: list[Notification] = []
    for notice in _unissued_originals():
        days = working_days_between(meeting_end_day(notice.meeting), today)
        if days >= remind_after and notice.reminded_at is None:
            created += _remind(notice, days, now)
        if days >= escalate_after and notice.escalated_at is None:
            created += _escalate(notice, days, now)
    db.session.flush()
    return created


# --- who sees what -----------------------------------------------------------------------------

def visible_notices(user: User, *, status: NoticeStatus | None = None, meeting_id: int | None = None,
                    page: int = 1, per_page: int = 20) -> tuple[list[Notice], int]:
    """The notices ``user`` may see (policy's VIEW_NOTICE), newest first, one page, and their total.

    The Office's notice desk sees every notice: filtered and counted in SQL. Anyone else sees at most the issued
    notices and those of meetings they chair or are secretary of; that short list is checked one by one against
    the policy, so a confidential meeting's notice is never listed nor counted for someone who may not see it.
    """
    query = sa.select(Notice).join(Meeting, Meeting.id == Notice.meeting_id)
    if status is not None:
        query = query.where(Notice.status == status)
    if meeting_id is not None:
        query = query.where(Notice.meeting_id == meeting_id)
    query = query.order_by(Notice.created_at.desc(), Notice.id.desc())
    if allowed(user, Action.VIEW_REGISTER):  # the notice desk: VIEW_NOTICE allows it every notice
        total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
        return list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page))), total
    query = query.where(sa.or_(Notice.status == NoticeStatus.ISSUED, Meeting.chair_id == user.id,
                               Meeting.secretary_id == user.id))
    visible = [n for n in db.session.scalars(query) if allowed(user, Action.VIEW_NOTICE, n)]
    return visible[(page - 1) * per_page:page * per_page], len(visible)


def corrections_of(notice: Notice) -> list[Notice]:
    return list(db.session.scalars(sa.select(Notice).where(Notice.corrects_id == notice.id).order_by(Notice.id)))
