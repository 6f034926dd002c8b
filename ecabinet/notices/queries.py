"""Finding conclusion notices: a meeting's original notice, the corrections of a notice, the notices a user
may see (one page at a time, or one by id), and the notices holding register numbers."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from ecabinet.accounts.models import User
from ecabinet.conclusions.operations import NoticeState
from ecabinet.notices.models import Notice, NoticeStatus
from ecabinet.core.db import db
from ecabinet.policy import Action, allowed, notice_visibility


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
    """The notices ``user`` may see (``policy.notice_visibility``, VIEW_NOTICE in SQL), newest first, one page
    with their meetings, and their total."""
    query = sa.select(Notice).where(notice_visibility(user))
    if status is not None:
        query = query.where(Notice.status == status)
    if meeting_id is not None:
        query = query.where(Notice.meeting_id == meeting_id)
    total = db.session.scalar(query.with_only_columns(sa.func.count(Notice.id)))
    page_query = (query.join(Notice.meeting).options(contains_eager(Notice.meeting))
                  .order_by(Notice.created_at.desc(), Notice.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return list(db.session.scalars(page_query)), total or 0


def may_see_notice(user: User, notice_id: int) -> bool:
    """Whether ``user`` may see the notice ``notice_id`` (policy's VIEW_NOTICE; a missing one: no)."""
    return allowed(user, Action.VIEW_NOTICE, db.session.get(Notice, notice_id))


def notice_ids_by_register_number(number_ids: list[int]) -> dict[int, int]:
    """The notice that took each of these register numbers (``{register number id: notice id}``)."""
    rows = db.session.execute(sa.select(Notice.register_number_id, Notice.id)
                              .where(Notice.register_number_id.in_(number_ids)))
    return {number_id: notice_id for number_id, notice_id in rows}
