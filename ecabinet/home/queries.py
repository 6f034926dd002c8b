"""What needs the signed-in person now, for the home page: the meeting in progress or next, the unread materials of
the coming meetings, the notices waiting for its approval, the written opinions asked of it and the overdue tasks of
its portfolio. Every count goes through the policy's SQL filters, in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.live.models import OpinionAnswer, OpinionPoll, PollStatus, opinion_recipients
from ecabinet.materials.models import Material, MaterialRead, MaterialVersion
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import Meeting, MeetingStatus
from ecabinet.notices.models import Notice, NoticeStatus
from ecabinet.policy import material_visibility, meeting_visibility, notice_visibility, poll_visibility
from ecabinet.tasks import queries as tasks
from ecabinet.tasks.derived import Derived
from ecabinet.tasks.models import Task

COMING_LIMIT = 50
OVERDUE_IN_PORTFOLIO = tasks.TaskFilter(portfolio="me", derived=Derived.OVERDUE)
"""The task list's filter behind the count (and its link) of overdue tasks."""


@dataclass(frozen=True)
class Unread:
    meeting: Meeting
    count: int


@dataclass(frozen=True)
class Pending:
    meeting: Meeting | None
    """In progress, or else the next one."""
    unread: list[Unread]
    """Coming meetings with materials not read in their current version, soonest first."""
    notices_to_approve: int
    polls_to_answer: int
    overdue_tasks: int

    @property
    def unread_materials(self) -> int:
        return sum(u.count for u in self.unread)


def coming_meetings(user: User, now: datetime | None = None) -> list[Meeting]:
    """The meetings ``user`` takes part in that have not ended yet (or are in progress), soonest first."""
    mine = replace(meetings.upcoming(now or utcnow()), involving_user_id=user.id)
    return meetings.list_meetings(mine, COMING_LIMIT, visible=meeting_visibility(user))


def _in_progress(user: User) -> Meeting | None:
    """A meeting of ``user``'s running now, even past its planned end."""
    running = meetings.MeetingFilter(involving_user_id=user.id, statuses=(MeetingStatus.IN_PROGRESS,))
    found = meetings.list_meetings(running, 1, visible=meeting_visibility(user))
    return found[0] if found else None


def unread_materials(user: User, meeting_ids: list[int]) -> dict[int, int]:
    """Meeting id → how many of its materials ``user`` may read and has not opened in their current version."""
    if not meeting_ids:
        return {}
    latest = (sa.select(sa.func.max(MaterialVersion.number)).where(MaterialVersion.material_id == Material.id)
              .scalar_subquery())
    read = sa.exists().where(MaterialRead.material_id == Material.id, MaterialRead.user_id == user.id,
                             MaterialRead.version_number >= latest)
    rows = db.session.execute(
        sa.select(Material.meeting_id, sa.func.count(Material.id))
        .where(Material.meeting_id.in_(meeting_ids), material_visibility(user), Material.publication_id.is_not(None),
               latest.is_not(None), ~read)
        .group_by(Material.meeting_id))
    return {meeting_id: count for meeting_id, count in rows}


def notices_to_approve(user: User) -> int:
    """Reviewed notices of the meetings ``user`` chaired: the approver (``APPROVE_NOTICE``) is the chair."""
    chaired = sa.select(Meeting.id).where(Meeting.chair_id == user.id)
    return db.session.scalar(sa.select(sa.func.count(Notice.id)).where(
        Notice.status == NoticeStatus.AWAITING_APPROVAL, Notice.meeting_id.in_(chaired),
        notice_visibility(user))) or 0


def polls_to_answer(user: User, now: datetime | None = None) -> int:
    """Open written opinion forms that ask ``user`` and that it has not answered yet."""
    asked = sa.exists().where(opinion_recipients.c.poll_id == OpinionPoll.id, opinion_recipients.c.user_id == user.id)
    answered = sa.exists().where(OpinionAnswer.poll_id == OpinionPoll.id, OpinionAnswer.user_id == user.id)
    return db.session.scalar(sa.select(sa.func.count(OpinionPoll.id)).where(
        OpinionPoll.status == PollStatus.OPEN, OpinionPoll.deadline_at > (now or utcnow()), asked, ~answered,
        poll_visibility(user))) or 0


def overdue_tasks(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count(Task.id))
                             .where(*tasks.base_clauses(user, OVERDUE_IN_PORTFOLIO))) or 0


def pending(user: User, now: datetime | None = None) -> Pending:
    now = now or utcnow()
    coming = coming_meetings(user, now)
    unread = unread_materials(user, [m.id for m in coming])
    return Pending(meeting=_in_progress(user) or (coming[0] if coming else None),
                   unread=[Unread(m, unread[m.id]) for m in coming if m.id in unread],
                   notices_to_approve=notices_to_approve(user), polls_to_answer=polls_to_answer(user, now),
                   overdue_tasks=overdue_tasks(user))
