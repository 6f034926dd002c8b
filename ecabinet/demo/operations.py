"""Building the demo province from ``data.py``; running it again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from ecabinet.accounts import operations as accounts
from ecabinet.accounts import passwords
from ecabinet.accounts.models import Role, User
from ecabinet.core.clock import local_date, monday_of, utcnow
from ecabinet.core.db import db
from ecabinet.notices import drafting as notice_drafting
from ecabinet.notices import issuing as notice_issuing
from ecabinet.notices import operations as notice_workflow
from ecabinet.conclusions import operations as conclusions
from ecabinet.core.i18n import local_zone
from ecabinet.demo import data, pdfs, years
from ecabinet.demo import programme as demo_programme
from ecabinet.live.polls import operations as polls
from ecabinet.materials import operations as materials
from ecabinet.materials import publishing
from ecabinet.materials.models import Confidentiality, DocType, Purpose
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import ChangeKind
from ecabinet.org import operations as org
from ecabinet.org.models import UnitKind
from ecabinet.tasks import operations as tasks


@dataclass(frozen=True)
class SeedReport:
    users_created: int
    users_total: int
    history: dict[str, int]
    """Rows of the year of history added, by table (none when the demo had its meetings already)."""


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def seed(password: str, today: date | None = None, history: bool = False) -> SeedReport:
    """Create or update the demo units, sectors and people; the first time, its meetings, and with ``history`` a
    year of meetings, notices and tasks before them (bulk rows: the caller commits, then sends
    ``signals.rows_written_in_bulk`` for the search index)."""
    for position, spec in enumerate(data.UNITS):
        org.ensure_unit(spec.code, parent_code=spec.parent, name=spec.name, short_name=spec.short_name,
                        kind=UnitKind(spec.kind), active=True, sort_order=position)
    for spec in data.SECTORS:
        org.ensure_sector(spec.code, spec.name)
    db.session.flush()

    units = {u.code: u for u in org.units_by_code([s.code for s in data.UNITS])}
    password_hash = passwords.hash_password(password)
    created = 0
    for person in data.PEOPLE:
        _, was_created = accounts.ensure_user(accounts.Provisioned(
            username=person.username, full_name=person.full_name, unit=units[person.unit],
            roles=[Role(r) for r in person.roles], position_title=person.position_title, email=person.email,
            sectors=org.sectors_by_code(person.sectors), portfolio_units=org.units_by_code(person.portfolio_units),
        ), password_hash=password_hash, is_demo=True)
        created += was_created
    _seed_meeting_setup()
    db.session.flush()
    added = {}
    if not meetings.list_meetings(meetings.MeetingFilter(), limit=1):
        today = today or local_date(utcnow())
        if history:  # first, so the register's numbers follow the days they were taken
            before_last_week = _demo_monday(today) - timedelta(days=7)  # the demo's own meetings are from then on
            added = years.add_years(1, today=today, shape=years.DEMO_YEAR, days_ahead=(before_last_week - today).days)
        _seed_meetings(today)
    demo_programme.seed(today or local_date(utcnow()))
    return SeedReport(users_created=created, users_total=len(data.PEOPLE), history=added)


def _seed_meeting_setup() -> None:
    """Kinds of meeting and rooms; existing ones (perhaps edited by admins) are left as they are."""
    existing_kinds = {k.code for k in meetings.kinds(active_only=False)}
    for kind in data.MEETING_KINDS:
        if kind.code not in existing_kinds:
            meetings.save_kind(None, {"code": kind.code, "name": kind.name, "default_minutes": kind.default_minutes,
                                      "active": True})
    existing_rooms = {r.code for r in meetings.rooms(active_only=False)}
    for room in data.ROOMS:
        if room.code not in existing_rooms:
            meetings.save_room(None, {"code": room.code, "name": room.name, "location": room.location,
                                      "capacity": room.capacity, "equipment": list(room.equipment), "active": True})


def demo_logins() -> list[tuple[str, str]]:
    """(username, title) of the demo accounts worth trying first."""
    first = ("admin", "chutich", "pct1", "pct2", "pct3", "chanhvp", "chuyenvien1", "chuyenvien2", "vanthu",
             "sotc", "pcamthanh", "quansat")
    people = {p.username: p for p in data.PEOPLE}
    return [(name, people[name].position_title) for name in first if name in people]


def _demo_monday(today: date) -> date:
    """The Monday of the demo's "this week": seeded at a weekend, it is the coming one."""
    return monday_of(today + timedelta(days=2))


def _seed_meetings(today: date) -> None:
    """A fortnight of realistic, already announced meetings (no notifications are sent for them)."""
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    kinds = {k.code: k.id for k in meetings.kinds()}
    rooms = {r.code: r.id for r in meetings.rooms()}
    monday = _demo_monday(today)
    held = (data.CONCLUDED_MEETING, *(spec for spec, _ in data.AWAITING_APPROVAL))
    units = {u.code: u.id for u in org.units_by_code([c for m in (*data.MEETINGS, *held) for c in m.agencies])}

    def create(spec: data.MeetingSpec) -> list:
        hour, minute = map(int, spec.start.split(":"))
        starts = datetime.combine(monday + timedelta(days=7 * spec.week + spec.weekday), time(hour, minute),
                                  local_zone())
        created = meetings.create_meeting(meetings.MeetingData(
            title=spec.title, kind_id=kinds[spec.kind], chair_id=users[spec.chair].id,
            secretary_id=users[spec.secretary].id, portfolio_leader_id=users[spec.chair].id, starts_at=starts,
            ends_at=starts + timedelta(minutes=spec.minutes), room_id=rooms.get(spec.room or ""),
            location=spec.location, description=spec.description,
            invitee_ids=[users[name].id for name in spec.invitees], unit_ids=[units[c] for c in spec.agencies],
        ), users[spec.secretary], meetings.ClashPolicy(confirm_people=True), spec.rrule)
        for meeting in created:
            meetings.change_status(meeting, meeting.version, ChangeKind.PUBLISHED, users[spec.secretary],
                                   "Lịch đã được lãnh đạo thống nhất tại giao ban tuần")
        return created

    for spec in data.MEETINGS:
        created = create(spec)
        if spec is data.MEETINGS[0]:
            _seed_agenda(created[0], users[spec.secretary])
    _seed_concluded_meeting(create(data.CONCLUDED_MEETING)[0], users)
    for spec, conclusion in data.AWAITING_APPROVAL:
        notice = _hold_and_conclude(create(spec)[0], users[spec.secretary], (conclusion,))
        notice_workflow.submit(notice, users[spec.secretary])
        notice_workflow.review(notice, users["chanhvp"])
    _seed_waiting_work(users, monday)


def _seed_agenda(meeting, secretary: User) -> None:
    """The regular session's agenda with generated Vietnamese PDFs, published to the participants."""
    units = {u.code: u.id for u in org.units_by_code([a.agency for a in data.REGULAR_SESSION_AGENDA])}
    for number, spec in enumerate(data.REGULAR_SESSION_AGENDA):
        item = materials.add_item(meeting, title=spec.title, presenting_unit_id=units[spec.agency],
                                  presenter=spec.presenter, planned_minutes=spec.minutes, purpose=Purpose(spec.purpose),
                                  review_opinion=spec.review_opinion)
        for index, doc in enumerate(spec.materials):
            upload = None
            if doc.pages:
                upload = materials.Upload(pdfs.text_pdf(doc.pages, seed=10 * number + index, title=doc.title),
                                          f"tai-lieu-{number + 1}-{index + 1}.pdf")
            materials.create_material(meeting, secretary, title=doc.title, doc_type=DocType(doc.doc_type),
                                      confidentiality=Confidentiality(doc.confidentiality),
                                      agenda_item_id=item.id, upload=upload)
    publishing.publish(meeting, secretary, "Tài liệu phiên họp thường kỳ tháng 11")


def _hold_and_conclude(meeting, secretary: User, specs: tuple[data.ConclusionSpec, ...]):
    """The meeting held on time (entered afterwards), its conclusions and directives written, its notice drafted."""
    meetings.change_status(meeting, meeting.version, ChangeKind.STARTED, secretary, "Nhập cuộc họp đã diễn ra")
    meetings.change_status(meeting, meeting.version, ChangeKind.ENDED, secretary)
    meeting.started_at, meeting.ended_at = meeting.starts_at, meeting.ends_at
    units = {u.code: u.id for u in org.units_by_code(
        [code for spec in specs for code in (spec.agency, *_directive_units(spec))])}
    meeting_day = local_date(meeting.starts_at)
    for spec in specs:
        item = materials.add_item(meeting, title=spec.item, presenting_unit_id=units[spec.agency], presenter="",
                                  planned_minutes=45, purpose=Purpose.OPINION, review_opinion="")
        conclusion = conclusions.add_conclusion(meeting, secretary, item.id, spec.text)
        for directive in spec.directives:
            conclusions.add_directive(conclusion, conclusions.DirectiveData(
                content=directive.content, lead_unit_id=units[directive.lead],
                coordinating_unit_ids=[units[code] for code in directive.coordinating],
                deadline_kind=directive.deadline_kind, report_required=directive.report_required,
                deadline_on=meeting_day + timedelta(days=directive.amount or 0)
                if directive.deadline_kind == "date" else None,
                deadline_count=directive.amount if directive.deadline_kind == "working_days" else None))
    return notice_drafting.draft_for_meeting(meeting, secretary)


def _seed_concluded_meeting(meeting, users: dict[str, User]) -> None:
    """Last week's meeting, held and concluded; its notice goes through review, approval and issue, so the
    register has its first number and the agencies have their tasks."""
    secretary = users[data.CONCLUDED_MEETING.secretary]
    notice = _hold_and_conclude(meeting, secretary, data.CONCLUSIONS)
    notice_workflow.submit(notice, secretary)
    notice_workflow.review(notice, users["chanhvp"])
    notice_workflow.approve(notice, users[data.CONCLUDED_MEETING.chair])
    notice_issuing.issue(notice, users["vanthu"])


def _seed_waiting_work(users: dict[str, User], monday: date) -> None:
    """What waits for the leaders on their home page: an overdue task in each one's portfolio and an open
    written opinion form."""
    office = users["chanhvp"]
    units = {u.code: u.id for u in org.units_by_code([lead for _, lead, _ in data.OVERDUE_TASKS])}
    for leader, lead, content in data.OVERDUE_TASKS:
        tasks.create_task(tasks.TaskData(content=content, lead_unit_id=units[lead], assigned_by_id=users[leader].id,
                                         deadline_on=monday - timedelta(days=3)), office)
    deadline = datetime.combine(monday + timedelta(days=11), time(17, 0), local_zone())
    polls.create_poll(users["chuyenvien1"], title=data.POLL_TITLE, question=data.POLL_QUESTION, deadline_at=deadline,
                      member_ids=[users[name].id for name in data.POLL_MEMBERS])


def _directive_units(spec: data.ConclusionSpec) -> list[str]:
    return [code for directive in spec.directives for code in (directive.lead, *directive.coordinating)]
