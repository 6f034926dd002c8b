"""The weekly schedule: drafted automatically, approved by an office leader, published on Friday.

Jobs poll for what is due and record it in the same transaction, so running one twice, or
restarting the scheduler in the middle, changes nothing more.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role, User
from ecabinet.core import storage
from ecabinet.core.clock import local_date, monday_of, start_of_day, utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.i18n import local_zone
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import Invitation, Meeting, MeetingStatus
from ecabinet.notify import operations as notify
from ecabinet.schedules.models import ScheduleStatus, WeeklySchedule
from ecabinet.schedules import documents

SHOWN_STATUSES = (MeetingStatus.PUBLISHED, MeetingStatus.IN_PROGRESS, MeetingStatus.ENDED, MeetingStatus.CLOSED,
                  MeetingStatus.POSTPONED, MeetingStatus.CANCELLED)
COMPARED = ("starts_at", "ends_at", "title", "place", "status")


@dataclass(frozen=True)
class Entry:
    """One line of the schedule, in a form that can be frozen as JSON."""

    meeting_id: int
    starts_at: str
    ends_at: str
    title: str
    place: str
    chair: str
    leaders: tuple[str, ...]
    status: str
    confidential: bool

    @property
    def day(self) -> date:
        return local_date(datetime.fromisoformat(self.starts_at))


@dataclass(frozen=True)
class MarkedEntry:
    entry: Entry
    change: str | None  # None, "new", "changed" or "removed" — against the published snapshot


def leaders() -> list[User]:
    return accounts.users_with_role(Role.LEADER)


def _place(meeting: Meeting) -> str:
    place = meeting.room.name if meeting.room else meeting.location
    return " — ".join(p for p in (place, _("online") if meeting.online_link else "") if p)


def live_entries(week_start: date) -> list[Entry]:
    """The leaders' announced meetings of the week, as they are now."""
    leader_names = {u.id: u.full_name for u in leaders()}
    found = meetings.list_meetings(meetings.MeetingFilter(
        starts_from=start_of_day(week_start), starts_before=start_of_day(week_start + timedelta(days=7)),
        statuses=SHOWN_STATUSES))
    invited = _invited({meeting.id for meeting in found})
    entries = []
    for meeting in found:
        involved = [leader_names[i] for i in _people(meeting, invited[meeting.id]) if i in leader_names]
        if involved:
            entries.append(Entry(meeting.id, meeting.starts_at.isoformat(), meeting.ends_at.isoformat(), meeting.title,
                                 _place(meeting), meeting.chair.full_name, tuple(involved), meeting.status.value,
                                 meeting.confidentiality.value == "confidential"))
    return entries


def _invited(meeting_ids: set[int]) -> defaultdict[int, list[int | None]]:
    """Meeting → its invitees' ids, in the order of its invitations, in one statement."""
    invited: defaultdict[int, list[int | None]] = defaultdict(list)
    rows = db.session.execute(sa.select(Invitation.meeting_id, Invitation.user_id)
                              .where(Invitation.meeting_id.in_(meeting_ids)).order_by(Invitation.id))
    for meeting_id, user_id in rows:
        invited[meeting_id].append(user_id)
    return invited


def _people(meeting: Meeting, invited: list[int | None]) -> list[int]:
    ids = [meeting.chair_id, meeting.portfolio_leader_id, *invited]
    return list(dict.fromkeys(i for i in ids if i))


def marked_entries(schedule: WeeklySchedule) -> list[MarkedEntry]:
    """Live entries, each marked new or changed against the publication, plus the removed ones."""
    live = live_entries(schedule.week_start)
    if schedule.published_entries is None:
        return [MarkedEntry(e, None) for e in live]
    published = {e["meeting_id"]: Entry(**{**e, "leaders": tuple(e["leaders"])}) for e in schedule.published_entries}
    marked = []
    for entry in live:
        before = published.pop(entry.meeting_id, None)
        change = "new" if before is None else (
            "changed" if any(getattr(before, f) != getattr(entry, f) for f in COMPARED) else None)
        marked.append(MarkedEntry(entry, change))
    marked += [MarkedEntry(e, "removed") for e in published.values()]
    return sorted(marked, key=lambda m: (m.entry.starts_at, m.entry.meeting_id))


# --- the weekly cycle ------------------------------------------------------------------------

def ensure_schedule(week_start: date) -> WeeklySchedule:
    """The schedule of that week, created as a draft when missing (safe to call repeatedly)."""
    if week_start.weekday() != 0:
        raise DomainError("not_a_monday", _("A week starts on Monday."), "week_start")
    schedule = db.session.scalar(sa.select(WeeklySchedule).where(WeeklySchedule.week_start == week_start))
    if schedule is None:
        schedule = WeeklySchedule(week_start=week_start)
        db.session.add(schedule)
        db.session.flush()
    return schedule


def draft_next_week(now: datetime | None = None) -> WeeklySchedule:
    """Job: make sure next week's schedule exists as a draft for the Office to review."""
    return ensure_schedule(monday_of(local_date(now or utcnow())) + timedelta(days=7))


def publication_due_at(schedule: WeeklySchedule) -> datetime:
    """Friday before the week, at the configured local hour."""
    friday = schedule.week_start - timedelta(days=3)
    hour = current_app.config["WEEKLY_SCHEDULE_PUBLISH_HOUR"]
    return datetime.combine(friday, time(hour=hour), local_zone())


def approve(schedule: WeeklySchedule, version: int, actor: User, note: str | None = None) -> WeeklySchedule:
    if schedule.version != version:
        raise DomainError("version_conflict", _("Someone else changed this schedule meanwhile; reload it."),
                          "version", 409)
    if schedule.status != ScheduleStatus.DRAFT:
        raise DomainError("invalid_transition", _("Only a draft can be approved."), "status", 409)
    schedule.status = ScheduleStatus.APPROVED
    schedule.approved_by_id = actor.id
    schedule.approved_at = utcnow()
    if note is not None:
        schedule.note = note
    db.session.flush()
    return schedule


def publish_due(now: datetime | None = None) -> list:
    """Job: publish every approved schedule whose Friday hour has come. Returns notifications to push."""
    now = now or utcnow()
    candidates = db.session.scalars(sa.select(WeeklySchedule).where(
        WeeklySchedule.status == ScheduleStatus.APPROVED,
        WeeklySchedule.week_start <= local_date(now) + timedelta(days=7)).with_for_update()).all()
    created = []
    for schedule in candidates:
        if publication_due_at(schedule) <= now:
            created += publish(schedule, now)
    return created


def publish(schedule: WeeklySchedule, now: datetime) -> list:
    """Freeze the entries and the PDF, mark published, and tell the leaders and the Office."""
    entries = live_entries(schedule.week_start)
    schedule.published_entries = [asdict(e) for e in entries]
    schedule.status = ScheduleStatus.PUBLISHED
    schedule.published_at = now
    schedule.pdf_sha256 = storage.store_bytes(documents.schedule_pdf(schedule, [MarkedEntry(e, None) for e in entries]))
    db.session.flush()
    readers = {u.id for u in leaders()} | {u.id for role in (Role.OFFICE_LEADER, Role.SECRETARIAT)
                                           for u in accounts.users_with_role(role)}
    week = schedule.week_start.strftime("%d/%m/%Y")
    return notify.notify(f"weekly-schedule:{schedule.id}:published", readers, notify.Message(
        kind="schedule.published", subject=_("Weekly schedule from %(day)s published", day=week),
        body=_("The leaders' work schedule for the week from %(day)s is published (%(n)d entries).",
               day=week, n=len(entries)),
        link=f"/schedules/{schedule.week_start.isoformat()}"))
