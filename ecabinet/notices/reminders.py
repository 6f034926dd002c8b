"""The job that chases notices not yet issued: the secretary is reminded, then the office leaders are told."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ecabinet.notices import operations as workflow
from ecabinet.notices.models import Notice, NoticeEventKind
from ecabinet.core.clock import local_date, utcnow
from ecabinet.core.db import db
from ecabinet.live.models import LiveState
from ecabinet.meetings.models import Meeting
from ecabinet.notify import operations as notify
from ecabinet.notify.models import Notification
from ecabinet.workdays.operations import working_days_between

KIND_REMINDER = "notice.reminder"
KIND_ESCALATION = "notice.escalation"


def meeting_end_day(meeting: Meeting) -> date:
    """The local day the meeting ended: when its live room was ended, else its planned end."""
    ended_at = db.session.scalar(sa.select(LiveState.ended_at).where(LiveState.meeting_id == meeting.id))
    return local_date(ended_at or meeting.ends_at)


def _unissued_originals() -> list[Notice]:
    return list(db.session.scalars(
        sa.select(Notice).join(Meeting, Meeting.id == Notice.meeting_id)
        .where(Notice.corrects_id.is_(None), Notice.status.in_(workflow.OPEN_STATUSES),
               Meeting.status.in_(workflow.ENDED_STATUSES),
               sa.or_(Notice.reminded_at.is_(None), Notice.escalated_at.is_(None)))
        .order_by(Notice.id)))


def _remind(notice: Notice, days: int, now: datetime) -> list[Notification]:
    notice.reminded_at = now
    workflow.record_event(notice, NoticeEventKind.REMINDED, None, notice.status, at=now)
    facts = {**workflow.facts(notice), "days": str(days)}
    return notify.notify(f"notice:{notice.id}:reminder", [workflow.secretary_id(notice.meeting)], notify.Message(
        kind=KIND_REMINDER, subject=_("Conclusion notice not yet issued: %(meeting)s", **facts),
        body=_("The conclusion notice of the meeting “%(meeting)s” on %(day)s is still not issued, %(days)s working "
               "days after the meeting.", **facts), link=workflow.link(notice)))


def _escalate(notice: Notice, days: int, now: datetime) -> list[Notification]:
    notice.escalated_at = now
    workflow.record_event(notice, NoticeEventKind.ESCALATED, None, notice.status, at=now)
    facts = {**workflow.facts(notice), "days": str(days), "status": workflow.STATUS_NAMES[notice.status]}
    return notify.notify(f"notice:{notice.id}:escalation", workflow.office_leader_ids(), notify.Message(
        kind=KIND_ESCALATION, subject=_("Overdue conclusion notice: %(meeting)s", **facts),
        body=_("The conclusion notice of the meeting “%(meeting)s” on %(day)s is still not issued, %(days)s working "
               "days after the meeting (now: %(status)s).", **facts), link=workflow.link(notice)))


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
