"""Written opinions (phiếu lấy ý kiến): asking members by a deadline, their answers, reminders, the result.

A poll is asked of members who cannot attend a meeting (by default the invited leaders and members who
answered absent) or of anyone for a decision taken without a meeting. A member may change its answer until the
poll closes; the Office may enter an answer received on paper. The job ``remind_due`` reminds those who have not
answered once, ``OPINION_REMINDER_HOURS`` before the deadline, and closes the polls past their deadline; each
is recorded on the poll in the job's transaction, and the notification keys are a second guard.

Operations flush and never commit; the notifications they make are pushed after the caller's commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ecabinet.accounts.models import User
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.i18n import format_datetime
from ecabinet.core.spreadsheet import Sheet, safe_row, workbook
from ecabinet.live.models import Answer, OpinionAnswer, OpinionPoll, PollStatus
from ecabinet.materials.models import AgendaItem
from ecabinet.meetings.models import Meeting, Response
from ecabinet.notify import operations as notify
from ecabinet.notify.models import Notification
from ecabinet.policy import VOTING_ROLES, poll_visibility

KIND_REQUEST = "opinion.request"
KIND_REMINDER = "opinion.reminder"
KIND_CLOSED = "opinion.closed"
KIND_CANCELLED = "opinion.cancelled"
ANSWER_LABELS = {Answer.AGREE: _l("Agree"), Answer.DISAGREE: _l("Disagree"), Answer.OTHER: _l("Other opinion")}


def link(poll: OpinionPoll) -> str:
    return f"/opinion-polls/{poll.id}"


# --- asking ----------------------------------------------------------------------------------

def absent_members(meeting: Meeting) -> list[int]:
    """The invited leaders and members who answered that they cannot attend."""
    return [inv.user_id for inv in meeting.invitations
            if inv.user is not None and inv.user.has_role(*VOTING_ROLES) and inv.response == Response.ABSENT]


def _members(member_ids: Iterable[int], meeting: Meeting | None) -> list[User]:
    ids = list(dict.fromkeys([*(absent_members(meeting) if meeting else []), *(int(i) for i in member_ids)]))
    if not ids:
        raise DomainError("no_members", _("Choose at least one member to ask."), "member_ids")
    found = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids), User.active.is_(True)))}
    if len(found) != len(ids):
        raise DomainError("unknown_member", _("Some members are unknown or no longer active."), "member_ids")
    return [found[i] for i in ids]


def _meeting_and_item(meeting_id: int | None, item_id: int | None) -> tuple[Meeting | None, AgendaItem | None]:
    item = db.session.get(AgendaItem, item_id) if item_id is not None else None
    if item_id is not None and item is None:
        raise DomainError("unknown_item", _("This agenda item does not exist."), "agenda_item_id")
    if meeting_id is None:
        return (item.meeting if item else None), item
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError("unknown_meeting", _("This meeting does not exist."), "meeting_id")
    if item is not None and item.meeting_id != meeting.id:
        raise DomainError("item_not_in_meeting", _("This agenda item belongs to another meeting."), "agenda_item_id")
    return meeting, item


def create_poll(actor: User, *, title: str, question: str, deadline_at: datetime, member_ids: Iterable[int] = (),
                meeting_id: int | None = None, agenda_item_id: int | None = None,
                now: datetime | None = None) -> OpinionPoll:
    """Ask the members (the meeting's absent members and anyone named) by ``deadline_at`` and tell them."""
    if deadline_at <= (now or utcnow()):
        raise DomainError("deadline_past", _("The deadline must be in the future."), "deadline_at")
    meeting, item = _meeting_and_item(meeting_id, agenda_item_id)
    members = _members(member_ids, meeting)
    poll = OpinionPoll(meeting_id=meeting.id if meeting else None, agenda_item_id=item.id if item else None,
                       title=title, question=question, deadline_at=deadline_at, created_by_id=actor.id,
                       recipients=members)
    db.session.add(poll)
    db.session.flush()
    message = notify.Message(
        kind=KIND_REQUEST, link=link(poll), subject=_("Your written opinion is asked: %(title)s", title=title),
        body=_("Please give your opinion on “%(title)s” by %(deadline)s.", title=title,
               deadline=format_datetime(deadline_at)))
    notify.notify(f"opinion-poll:{poll.id}", [m.id for m in members], message)
    return poll


# --- answering -------------------------------------------------------------------------------

def is_open(poll: OpinionPoll, now: datetime | None = None) -> bool:
    """Open, and its deadline not yet passed (the job may not have closed it yet)."""
    return poll.status == PollStatus.OPEN and (now or utcnow()) < poll.deadline_at


def _check_open(poll: OpinionPoll, now: datetime) -> None:
    if not is_open(poll, now):
        raise DomainError("poll_closed", _("This opinion form is closed."), None, 409)


def answer_poll(poll: OpinionPoll, actor: User, answer: Answer, text: str = "", member_id: int | None = None,
                now: datetime | None = None) -> OpinionAnswer:
    """The member's answer (``member_id``: the member a secretary enters a paper answer for), new or changed.

    A paper answer never replaces the member's own: the Office may enter or correct a paper answer only while the
    member has not answered through the system; the member's own answer replaces a paper one."""
    now = now or utcnow()
    _check_open(poll, now)
    member_id = member_id or actor.id
    if not any(m.id == member_id for m in poll.recipients):
        raise DomainError("not_asked", _("This person was not asked for an opinion on this form."), "for_user_id")
    text = text.strip()
    if answer == Answer.OTHER and not text:
        raise DomainError("text_required", _("Write your opinion when you choose “Other opinion”."), "text")
    row = db.session.scalar(sa.select(OpinionAnswer).where(OpinionAnswer.poll_id == poll.id,
                                                           OpinionAnswer.user_id == member_id))
    if row is not None and member_id != actor.id and row.answered_by_id == member_id:
        raise DomainError("answered_by_member", _("This member has already answered the form themselves; their own "
                                                  "answer is kept and a paper answer cannot replace it."),
                          "for_user_id", 409)
    if row is None:
        row = OpinionAnswer(poll=poll, user_id=member_id, answered_by_id=actor.id, answer=answer, text=text,
                            answered_at=now)
        db.session.add(row)
    else:
        row.answered_by_id, row.answer, row.text, row.answered_at = actor.id, answer, text, now
    db.session.flush()
    return row


# --- closing ---------------------------------------------------------------------------------

def close_poll(poll: OpinionPoll, now: datetime | None = None) -> list[Notification]:
    """Close the poll and tell its creator the result."""
    if poll.status != PollStatus.OPEN:
        raise DomainError("poll_closed", _("This opinion form is closed."), None, 409)
    poll.status, poll.closed_at = PollStatus.CLOSED, now or utcnow()
    db.session.flush()
    counts = result_of(poll).counts
    message = notify.Message(
        kind=KIND_CLOSED, link=link(poll), subject=_("Opinion form closed: %(title)s", title=poll.title),
        body=_("Agree: %(agree)s, disagree: %(disagree)s, other opinions: %(other)s, not answered: %(missing)s.",
               **counts))
    return notify.notify(f"opinion-poll:{poll.id}:closed", [poll.created_by_id], message)


def cancel_poll(poll: OpinionPoll, now: datetime | None = None) -> list[Notification]:
    if poll.status != PollStatus.OPEN:
        raise DomainError("poll_closed", _("This opinion form is closed."), None, 409)
    poll.status, poll.closed_at = PollStatus.CANCELLED, now or utcnow()
    db.session.flush()
    message = notify.Message(kind=KIND_CANCELLED, link=link(poll),
                             subject=_("Opinion form cancelled: %(title)s", title=poll.title),
                             body=_("The opinion form “%(title)s” is cancelled; no answer is needed.",
                                    title=poll.title))
    return notify.notify(f"opinion-poll:{poll.id}:cancelled", [m.id for m in poll.recipients], message)


def _open_polls(condition: sa.ColumnElement[bool]) -> list[OpinionPoll]:
    query = (sa.select(OpinionPoll).where(OpinionPoll.status == PollStatus.OPEN, condition)
             .order_by(OpinionPoll.id))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=OpinionPoll, skip_locked=True)
    return list(db.session.scalars(query))


def remind_due(now: datetime | None = None) -> list[Notification]:
    """Job: close the polls past their deadline (telling their creators), and remind once, before the deadline,
    the members who have not answered. Returns the notifications to push after the commit."""
    now = now or utcnow()
    created: list[Notification] = []
    for poll in _open_polls(OpinionPoll.deadline_at <= now):
        created += close_poll(poll, now)
    ahead = timedelta(hours=current_app.config["OPINION_REMINDER_HOURS"])
    for poll in _open_polls(sa.and_(OpinionPoll.reminded_at.is_(None), OpinionPoll.deadline_at <= now + ahead)):
        created += _remind(poll)
        poll.reminded_at = now
    db.session.flush()
    return created


def _remind(poll: OpinionPoll) -> list[Notification]:
    message = notify.Message(
        kind=KIND_REMINDER, link=link(poll), subject=_("Reminder: your opinion is due: %(title)s", title=poll.title),
        body=_("The written opinion on “%(title)s” is due by %(deadline)s and you have not answered yet.",
               title=poll.title, deadline=format_datetime(poll.deadline_at)))
    return notify.notify(f"opinion-poll:{poll.id}:reminder", [u.id for u in result_of(poll).not_answered], message)


# --- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PollResult:
    counts: dict[str, int]
    """agree, disagree, other, missing (not answered) and asked."""
    answers: list[OpinionAnswer]
    not_answered: list[User]


def result_of(poll: OpinionPoll) -> PollResult:
    asked = {m.id for m in poll.recipients}
    answers = [a for a in poll.answers if a.user_id in asked]
    answered = {a.user_id for a in answers}
    not_answered = [m for m in poll.recipients if m.id not in answered]
    counts = {a.value: sum(1 for row in answers if row.answer == a) for a in Answer}
    return PollResult(counts={**counts, "missing": len(not_answered), "asked": len(asked)}, answers=answers,
                      not_answered=not_answered)


def answer_of(poll: OpinionPoll, user_id: int) -> OpinionAnswer | None:
    return next((a for a in poll.answers if a.user_id == user_id), None)


def visible_polls(user: User, status: PollStatus | None = None, meeting_id: int | None = None) -> list[OpinionPoll]:
    """The polls ``user`` may see, newest first, their answers loaded (``answer_of``)."""
    query = (sa.select(OpinionPoll).where(poll_visibility(user)).options(selectinload(OpinionPoll.answers))
             .order_by(OpinionPoll.created_at.desc(), OpinionPoll.id.desc()))
    if status is not None:
        query = query.where(OpinionPoll.status == status)
    if meeting_id is not None:
        query = query.where(OpinionPoll.meeting_id == meeting_id)
    return list(db.session.scalars(query))


def users_by_id(ids: Iterable[int]) -> dict[int, User]:
    wanted = set(ids)
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(wanted)))} if wanted else {}


# --- the Excel export ------------------------------------------------------------------------

STATUS_NAMES = {PollStatus.OPEN: _l("Collecting opinions"), PollStatus.CLOSED: _l("Ended"),
                PollStatus.CANCELLED: _l("Cancelled opinion form")}


def export_xlsx(poll: OpinionPoll) -> bytes:
    """The consolidated result in the user's language: a sheet "Tổng hợp" (totals) with the counts, one "Ý kiến"
    (opinion) with a row per member."""
    result = result_of(poll)
    totals = [safe_row([_("Opinion form"), poll.title]), safe_row([_("Matter asked about"), poll.question]),
              [_("Reply by"), format_datetime(poll.deadline_at)], [_("Status"), str(STATUS_NAMES[poll.status])],
              [], [_("Opinion"), _("Count")],
              *([str(label), result.counts[answer.value]] for answer, label in ANSWER_LABELS.items()),
              [_("Not answered"), result.counts["missing"]], [_("Members asked in total"), result.counts["asked"]]]
    opinions = [[_("Item no."), _("Member"), _("Position"), _("Opinion"), _("Comments"), _("Time"), _("Entered by")]]
    entered_by = users_by_id(a.answered_by_id for a in result.answers)
    by_member = {a.user_id: a for a in result.answers}
    for number, member in enumerate(poll.recipients, start=1):
        row = by_member.get(member.id)
        if row is None:
            opinions.append(safe_row([number, member.full_name, member.position_title, _("Not answered"), "", "", ""]))
            continue
        opinions.append(safe_row([number, member.full_name, member.position_title, str(ANSWER_LABELS[row.answer]),
                                  row.text, format_datetime(row.answered_at),
                                  entered_by[row.answered_by_id].full_name]))
    return workbook([Sheet(_("Totals"), totals, widths=(36, 60), bold_rows=(6,)),
                     Sheet(_("Opinion"), opinions, widths=(6, 28, 28, 16, 60, 18, 28))])
