"""Finding conclusion notices: a meeting's original notice, the corrections of a notice, the notices a user
may see (one page at a time, or one by id), and the notices holding register numbers."""

from __future__ import annotations

import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.conclusions.operations import NoticeState
from ecabinet.notices.models import Notice, NoticeStatus
from ecabinet.core.db import db
from ecabinet.meetings.models import Meeting
from ecabinet.policy import Action, allowed


def original_of(meeting_id: int) -> Notice | None:
    """The meeting's original notice (not a correction), if it has one."""
    return db.session.scalar(sa.select(Notice).where(Notice.meeting_id == meeting_id, Notice.corrects_id.is_(None)))


def latest_state(meeting_id: int) -> NoticeState | None:
    """The meeting's most recent notice (the original, or the latest correcting notice), for the conclusions."""
    notice = db.session.scalars(sa.select(Notice).where(Notice.meeting_id == meeting_id)
                                .order_by(Notice.id.desc()).limit(1)).first()
    return None if notice is None else NoticeState(notice.id, notice.status.value, notice.status == NoticeStatus.DRAFT)


def corrections_of(notice: Notice) -> list[Notice]:
    return list(db.session.scalars(sa.select(Notice).where(Notice.corrects_id == notice.id).order_by(Notice.id)))


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


def may_see_notice(user: User, notice_id: int) -> bool:
    """Whether ``user`` may see the notice ``notice_id`` (policy's VIEW_NOTICE; a missing one: no)."""
    return allowed(user, Action.VIEW_NOTICE, db.session.get(Notice, notice_id))


def notice_ids_by_register_number(number_ids: list[int]) -> dict[int, int]:
    """The notice that took each of these register numbers (``{register number id: notice id}``)."""
    rows = db.session.execute(sa.select(Notice.register_number_id, Notice.id)
                              .where(Notice.register_number_id.in_(number_ids)))
    return {number_id: notice_id for number_id, notice_id in rows}
