"""The conclusion notice's workflow: draft → in review → awaiting approval → approved (→ issued), and back.

The secretary (or the Office) submits a draft; an office leader reviews it; the leader who chaired the meeting
approves it; the văn thư issues it (``notices.issuing``). A rejection at any step sends it back to draft with the
reason. Every step is recorded as an event of the notice and tells the next people in line.

This module also holds the small rules the other notice modules share: when a state allows an action
(``refuse_unless``), recording an event, and the facts and link a notification about a notice carries.

``policy`` decides who may act; the operations here decide when. Operations flush and never commit; the
notifications they make are pushed after the caller's commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role, User
from ecabinet.notices import document
from ecabinet.notices.models import Notice, NoticeEvent, NoticeEventKind, NoticeRecipient, NoticeStatus
from ecabinet.core.clock import local_date, utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.meetings.models import Meeting, MeetingStatus
from ecabinet.notify import operations as notify
from ecabinet.notify.models import Notification

MAX_REASON = 1000
ENDED_STATUSES = (MeetingStatus.ENDED, MeetingStatus.CLOSED)
OPEN_STATUSES = (NoticeStatus.DRAFT, NoticeStatus.IN_REVIEW, NoticeStatus.AWAITING_APPROVAL, NoticeStatus.APPROVED)
REJECTABLE = (NoticeStatus.IN_REVIEW, NoticeStatus.AWAITING_APPROVAL, NoticeStatus.APPROVED)

KIND_SUBMITTED = "notice.submitted"
KIND_REVIEWED = "notice.reviewed"
KIND_APPROVED = "notice.approved"
KIND_REJECTED = "notice.rejected"

STATUS_NAMES = {
    NoticeStatus.DRAFT: _l("draft"),
    NoticeStatus.IN_REVIEW: _l("awaiting review"),
    NoticeStatus.AWAITING_APPROVAL: _l("awaiting the leader's approval"),
    NoticeStatus.APPROVED: _l("approved, awaiting issue"),
    NoticeStatus.ISSUED: _l("issued"),
    NoticeStatus.NOT_NEEDED: _l("not to be issued"),
}


# --- shared by the notice modules --------------------------------------------------------------

def record_event(notice: Notice, kind: NoticeEventKind, actor: User | None, from_status: NoticeStatus | None = None,
                 reason: str | None = None, at: datetime | None = None) -> NoticeEvent:
    """One line of the notice's history."""
    event = NoticeEvent(notice=notice, kind=kind, actor_id=actor.id if actor else None,
                        from_status=from_status.value if from_status else None, reason=reason, at=at or utcnow())
    db.session.add(event)
    return event


def refuse_unless(notice: Notice, *statuses: NoticeStatus) -> None:
    """409 unless the notice is in one of ``statuses``; an issued one has its own message (correct it)."""
    if notice.status in statuses:
        return
    if notice.status == NoticeStatus.ISSUED:
        raise DomainError("notice_issued", _("The notice is issued and cannot be changed; draft a correcting notice."),
                          None, 409)
    if statuses == (NoticeStatus.DRAFT,):
        raise DomainError("notice_in_workflow", _("The notice is in the workflow (%(status)s); only a draft can be "
                                                  "changed.", status=STATUS_NAMES[notice.status]), None, 409)
    raise DomainError("wrong_status", _("Not possible while the notice is “%(status)s”.",
                                        status=STATUS_NAMES[notice.status]), "status", 409)


def move(notice: Notice, actor: User | None, to: NoticeStatus, kind: NoticeEventKind, *,
         allowed_from: tuple[NoticeStatus, ...], reason: str | None = None) -> NoticeStatus:
    """Change the status (409 from any other than ``allowed_from``), recorded in the history; the old one."""
    refuse_unless(notice, *allowed_from)
    before = notice.status
    record_event(notice, kind, actor, before, reason)  # first: reading the actor may autoflush the notice
    notice.status = to
    return before


def secretary_id(meeting: Meeting) -> int:
    """Who drafts the notice: the meeting's secretary, or whoever created the meeting."""
    return meeting.secretary_id or meeting.created_by_id


def office_leader_ids() -> list[int]:
    """The office leaders (Chánh / Phó Chánh Văn phòng): they review notices and hear of late ones."""
    return [u.id for u in accounts.users_with_role(Role.OFFICE_LEADER)]


def facts(notice: Notice) -> dict[str, str]:
    """What a notification about the notice names: its meeting, the meeting's day, its summary."""
    meeting = notice.meeting
    return {"meeting": meeting.title, "day": f"{local_date(meeting.held_at):%d/%m/%Y}", "summary": notice.summary}


def link(notice: Notice) -> str:
    """The notice's page, as notifications link it."""
    return f"/notices/{notice.id}"


# --- the steps ---------------------------------------------------------------------------------

def _reason(reason: str | None, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("State the reason."), field)
    if len(reason) > MAX_REASON:
        raise DomainError("reason_too_long", _("The reason is at most %(limit)s characters long.", limit=MAX_REASON),
                          field)
    return reason


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
                         notify.Message(kind=kind, subject=subject, body=body, link=link(notice)))


def submit(notice: Notice, actor: User) -> list[Notification]:
    """Draft → in review; the office leaders are told. Needs a conclusion with text or a directive (422)."""
    refuse_unless(notice, NoticeStatus.DRAFT)
    if not has_content(notice):
        raise DomainError("no_conclusions", _("The meeting has no conclusion or directive yet; write the "
                                              "conclusions before submitting."), None, 422)
    _add_directive_agencies(notice)
    move(notice, actor, NoticeStatus.IN_REVIEW, NoticeEventKind.SUBMITTED, allowed_from=(NoticeStatus.DRAFT,))
    notice.submitted_at = utcnow()
    notice.rejection_reason = None
    db.session.flush()
    named = facts(notice)
    return _tell(notice, "submitted", office_leader_ids(), KIND_SUBMITTED,
                 _("Conclusion notice to review: %(summary)s", **named),
                 _("The draft conclusion notice of the meeting “%(meeting)s” on %(day)s awaits your review.", **named))


def review(notice: Notice, actor: User) -> list[Notification]:
    """In review → awaiting the chair's approval; the chair is told."""
    move(notice, actor, NoticeStatus.AWAITING_APPROVAL, NoticeEventKind.REVIEWED,
         allowed_from=(NoticeStatus.IN_REVIEW,))
    notice.reviewed_by_id, notice.reviewed_at = actor.id, utcnow()
    db.session.flush()
    named = facts(notice)
    return _tell(notice, "reviewed", [notice.meeting.chair_id], KIND_REVIEWED,
                 _("Conclusion notice to approve: %(summary)s", **named),
                 _("The conclusion notice of the meeting “%(meeting)s” on %(day)s has been reviewed by the Office "
                   "and awaits your approval.", **named))


def approve(notice: Notice, actor: User) -> list[Notification]:
    """Awaiting approval → approved; the clerks and office leaders are told to issue it."""
    move(notice, actor, NoticeStatus.APPROVED, NoticeEventKind.APPROVED, allowed_from=(NoticeStatus.AWAITING_APPROVAL,))
    notice.approved_by_id, notice.approved_at = actor.id, utcnow()
    db.session.flush()
    named = facts(notice)
    clerks = [u.id for u in accounts.users_with_role(Role.CLERK)]
    return _tell(notice, "approved", clerks + office_leader_ids(), KIND_APPROVED,
                 _("Conclusion notice approved, to issue: %(summary)s", **named),
                 _("The conclusion notice of the meeting “%(meeting)s” on %(day)s has been approved; give it its "
                   "number and issue it.", **named))


def reject(notice: Notice, actor: User, reason: str) -> list[Notification]:
    """Back to draft from review, approval or issue, with the reason (required); the secretary is told."""
    reason = _reason(reason)
    move(notice, actor, NoticeStatus.DRAFT, NoticeEventKind.REJECTED, allowed_from=REJECTABLE, reason=reason)
    notice.rejection_reason = reason
    notice.reviewed_by_id = notice.reviewed_at = notice.approved_by_id = notice.approved_at = None
    db.session.flush()
    named = {**facts(notice), "reason": reason, "by": actor.full_name}
    return _tell(notice, "rejected", [secretary_id(notice.meeting)], KIND_REJECTED,
                 _("Conclusion notice returned to draft: %(summary)s", **named),
                 _("%(by)s returned the conclusion notice of the meeting “%(meeting)s” to draft. Reason: %(reason)s",
                   **named))


def mark_not_needed(notice: Notice, actor: User, reason: str) -> None:
    """A draft the meeting does not need (a working session): no reminders any more."""
    reason = _reason(reason)
    refuse_unless(notice, NoticeStatus.DRAFT)
    notice.not_needed_reason = reason  # before the status: the row must never be "not needed" without it
    move(notice, actor, NoticeStatus.NOT_NEEDED, NoticeEventKind.NOT_NEEDED, allowed_from=(NoticeStatus.DRAFT,),
         reason=reason)
    db.session.flush()


def reopen(notice: Notice, actor: User) -> None:
    """A notice marked not needed becomes a draft again."""
    move(notice, actor, NoticeStatus.DRAFT, NoticeEventKind.REOPENED, allowed_from=(NoticeStatus.NOT_NEEDED,))
    notice.not_needed_reason = None
    db.session.flush()
