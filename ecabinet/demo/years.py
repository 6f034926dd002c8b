"""Years of a province's history added to the demo: meetings with their invitations, history, agendas and
material requests, conclusion notices with their recipients and register numbers, and the tasks made from them.

Per year, as a province of the demo's size has them: 611 meetings, 3,357 agenda items, 520 notices, 1,004 tasks
(``seed-demo-years``, for load tests and the benchmark); the demo itself carries one year (``DEMO_YEAR``). Tasks
have the mix of a real year: most done on time, some late, some overdue, and some extended at the lead agency's
request. Rows are generated from a seed and inserted in bulk (seconds for five years), bypassing the ORM, so the
commands send ``signals.rows_written_in_bulk`` after the commit (the search index is made again); the demo's
people, agencies, kinds and rooms must be seeded first. Every issued notice points at one stored placeholder PDF,
so its page and its PDF open like any other.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from ecabinet.accounts.models import Role, User
from ecabinet.core import storage
from ecabinet.core.clock import local_date, utcnow
from ecabinet.core.db import db
from ecabinet.core.i18n import local_zone
from ecabinet.demo import pdfs
from ecabinet.materials.models import AgendaItem, MaterialRequest
from ecabinet.meetings.models import Invitation, Meeting, MeetingChange, MeetingKind, Room
from ecabinet.notices.models import Notice, NoticeRecipient
from ecabinet.org.models import Unit, UnitKind
from ecabinet.registers.models import DocumentRegister, RegisterNumber
from ecabinet.registers.operations import printed_number
from ecabinet.tasks.models import DeadlineChange, ExtensionRequest, ProgressReport, Task, task_coordinators


@dataclass(frozen=True)
class YearShape:
    meetings: int = 611
    agenda_items: int = 3357
    notices: int = 520
    tasks: int = 1004

    def scaled(self, scale: float) -> YearShape:
        return YearShape(*(max(1, round(n * scale)) for n in (self.meetings, self.agenda_items, self.notices,
                                                               self.tasks)))


DEMO_YEAR = YearShape(meetings=600, agenda_items=3300, notices=400, tasks=900)
"""The year of history the demo province is seeded with."""


SYMBOL = "TB-UBND"
SLOTS = (time(7, 30), time(8, 0), time(9, 0), time(13, 30), time(14, 0), time(15, 0))
TOPICS = ("giải ngân vốn đầu tư công", "thu ngân sách nhà nước", "bồi thường, giải phóng mặt bằng",
          "cải cách hành chính", "chuyển đổi số", "phòng, chống thiên tai", "xây dựng nông thôn mới",
          "quy hoạch tỉnh", "an toàn thực phẩm", "giáo dục và đào tạo", "y tế cơ sở", "du lịch")
BATCH = 5000


@dataclass
class Rows:
    """The rows to insert, by table, and the next free id of each."""

    tables: dict[sa.Table, list[dict[str, Any]]] = field(default_factory=dict)
    next_ids: dict[sa.Table, int] = field(default_factory=dict)

    def add(self, table: sa.Table, row: dict[str, Any]) -> int:
        if "id" in table.c:
            if table not in self.next_ids:
                self.next_ids[table] = (db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1
            row["id"] = self.next_ids[table]
            self.next_ids[table] += 1
        self.tables.setdefault(table, []).append(row)
        return row.get("id", 0)


@dataclass(frozen=True)
class Cast:
    """The demo's people and places the generated rows refer to."""

    leaders: list[User]
    secretaries: list[User]
    office: list[User]
    members: list[User]
    clerk: User
    liaison_of: dict[int, int]
    departments: list[int]
    communes: list[int]
    unit_names: dict[int, str]
    kinds: list[MeetingKind]
    rooms: list[Room]


def _cast() -> Cast:
    users = list(db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.id)))

    def with_role(role: Role) -> list[User]:
        return [u for u in users if u.has_role(role)]

    agencies = list(db.session.scalars(sa.select(Unit).where(
        Unit.active.is_(True), Unit.kind.in_((UnitKind.DEPARTMENT, UnitKind.COMMUNE))).order_by(Unit.id)))
    return Cast(leaders=with_role(Role.LEADER), secretaries=with_role(Role.SECRETARIAT),
                office=with_role(Role.OFFICE_LEADER), members=with_role(Role.MEMBER), clerk=with_role(Role.CLERK)[0],
                liaison_of={u.unit_id: u.id for u in with_role(Role.AGENCY_LIAISON)},
                departments=[u.id for u in agencies if u.kind == UnitKind.DEPARTMENT],
                communes=[u.id for u in agencies if u.kind == UnitKind.COMMUNE],
                unit_names={u.id: u.name for u in agencies},
                kinds=list(db.session.scalars(sa.select(MeetingKind).where(MeetingKind.active.is_(True)))),
                rooms=list(db.session.scalars(sa.select(Room).where(Room.active.is_(True)))))


@dataclass(frozen=True)
class GeneratedMeeting:
    id: int
    row: dict[str, Any]
    unit_ids: list[int]
    person_ids: list[int]


def _working_days(first: date, after: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((after - first).days)
            if (first + timedelta(days=n)).weekday() < 5]


def _meeting(rows: Rows, rng: random.Random, cast: Cast, day: date, today: date) -> GeneratedMeeting:
    kind, chair, secretary = rng.choice(cast.kinds), rng.choice(cast.leaders), rng.choice(cast.secretaries)
    starts = datetime.combine(day, rng.choice(SLOTS), local_zone())
    topic = rng.choice(TOPICS)
    room = rng.choice(cast.rooms) if rng.random() < 0.8 else None
    status, reason = ("published" if rng.random() < 0.9 else "draft"), None
    if day < today:
        status = "closed" if day < today - timedelta(days=7) else "ended"
        roll = rng.random()
        if roll < 0.05:
            status, reason = "cancelled", "Lãnh đạo bận công tác đột xuất"
        elif roll < 0.07:
            status, reason = "postponed", "Hồ sơ trình chưa đầy đủ"
    published = None if status == "draft" else starts - timedelta(days=rng.randint(2, 10))
    row = {"title": f"{kind.name} về {topic}", "kind_id": kind.id, "chair_id": chair.id,
           "secretary_id": secretary.id, "portfolio_leader_id": chair.id, "starts_at": starts,
           "ends_at": starts + timedelta(minutes=kind.default_minutes), "room_id": room.id if room else None,
           "online_link": None, "location": "" if room else "Trụ sở UBND xã", "status": status,
           "status_reason": reason, "description": f"Nghe báo cáo, cho ý kiến về {topic}.",
           "confidentiality": "confidential" if rng.random() < 0.05 else "normal", "series_id": None,
           "created_by_id": secretary.id, "published_at": published, "version": 1,
           "created_at": starts - timedelta(days=14), "updated_at": starts}
    meeting_id = rows.add(Meeting.__table__, row)
    unit_ids = rng.sample(cast.departments, min(len(cast.departments), rng.randint(2, 5)))
    unit_ids += rng.sample(cast.communes, min(len(cast.communes), rng.choice((0, 0, 1, 2))))
    persons = [u for u in cast.leaders + cast.office + cast.members if u.id != chair.id]
    person_ids = [u.id for u in rng.sample(persons, rng.randint(0, 3))]
    _invitations(rows, rng, cast, meeting_id, unit_ids, person_ids, past=day < today)
    _history(rows, rng, row, meeting_id)
    return GeneratedMeeting(meeting_id, row, unit_ids, person_ids)


def _invitations(rows: Rows, rng: random.Random, cast: Cast, meeting_id: int, unit_ids: list[int],
                 person_ids: list[int], past: bool) -> None:
    table = Invitation.__table__
    for person_id in person_ids:
        roll, row = rng.random(), {"meeting_id": meeting_id, "user_id": person_id, "response": "pending"}
        if past:
            row["response"] = "attending"
            if roll < 0.1:
                row.update(response="delegated", delegate_id=rng.choice(cast.secretaries).id)
            elif roll < 0.15:
                row.update(response="absent", absence_reason="Đi công tác")
        rows.add(table, row)
    for unit_id in unit_ids:
        attendee = cast.liaison_of.get(unit_id) if past and rng.random() < 0.5 else None
        rows.add(table, {"meeting_id": meeting_id, "unit_id": unit_id, "attendee_id": attendee,
                         "response": "attending" if past else "pending"})


def _history(rows: Rows, rng: random.Random, meeting: dict[str, Any], meeting_id: int) -> None:
    table, actor = MeetingChange.__table__, meeting["created_by_id"]
    rows.add(table, {"meeting_id": meeting_id, "kind": "created", "changed_at": meeting["created_at"],
                     "changed_by_id": actor})
    if meeting["published_at"] is None:
        return
    rows.add(table, {"meeting_id": meeting_id, "kind": "published", "changed_at": meeting["published_at"],
                     "changed_by_id": actor})
    if meeting["status"] in ("cancelled", "postponed"):
        rows.add(table, {"meeting_id": meeting_id, "kind": meeting["status"], "reason": meeting["status_reason"],
                         "changed_at": meeting["starts_at"] - timedelta(days=1), "changed_by_id": actor})
    elif rng.random() < 0.08:
        rows.add(table, {"meeting_id": meeting_id, "kind": "venue_changed", "changed_by_id": actor,
                         "changed_at": meeting["published_at"] + timedelta(hours=20)})


def _agenda(rows: Rows, rng: random.Random, meeting: GeneratedMeeting, items: int) -> None:
    """``items`` agenda items, presented by the invited agencies; a third asked for materials by a deadline."""
    starts, past = meeting.row["starts_at"], meeting.row["status"] in ("closed", "ended")
    for position in range(1, items + 1):
        unit_id = rng.choice(meeting.unit_ids)
        item_id = rows.add(AgendaItem.__table__, {
            "meeting_id": meeting.id, "position": position, "title": f"Nội dung {position}: {rng.choice(TOPICS)}",
            "presenting_unit_id": unit_id, "presenter": "", "planned_minutes": rng.choice((15, 20, 30, 45)),
            "purpose": rng.choice(("opinion", "decision", "information")), "review_opinion": "",
            "status": "discussed" if past else "ready", "created_at": meeting.row["created_at"],
            "updated_at": meeting.row["created_at"]})
        if rng.random() < 0.33:
            rows.add(MaterialRequest.__table__, {
                "meeting_id": meeting.id, "agenda_item_id": item_id, "unit_id": unit_id,
                "due_on": local_date(starts) - timedelta(days=3), "note": "",
                "status": "fulfilled" if past else "open",
                "fulfilled_at": starts - timedelta(days=4) if past else None,
                "created_by_id": meeting.row["created_by_id"], "created_at": meeting.row["created_at"],
                "updated_at": meeting.row["created_at"]})


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` as ``parts`` counts, each at least one when there are enough (as even as chance makes them)."""
    counts = [1 if total >= parts else 0] * parts
    for _ in range(total - sum(counts)):
        counts[rng.randrange(parts)] += 1
    return counts


@dataclass
class Numbering:
    """The notice register of each year: the next number to give, continuing what is already taken."""

    taken_by: int
    next_number: dict[int, int] = field(default_factory=dict)
    register_ids: dict[int, int] = field(default_factory=dict)

    def take(self, rows: Rows, year: int, summary: str, at: datetime) -> tuple[int, int]:
        if year not in self.register_ids:
            register = db.session.scalar(sa.select(DocumentRegister).where(
                DocumentRegister.symbol == SYMBOL, DocumentRegister.year == year))
            if register is None:
                register = DocumentRegister(symbol=SYMBOL, year=year, last_number=0)
                db.session.add(register)
                db.session.flush()
            self.register_ids[year], self.next_number[year] = register.id, register.last_number + 1
        number = self.next_number[year]
        self.next_number[year] += 1
        number_id = rows.add(RegisterNumber.__table__, {
            "register_id": self.register_ids[year], "number": number, "number_symbol": printed_number(number, SYMBOL),
            "summary": summary[:500], "status": "issued", "taken_at": at, "taken_by_id": self.taken_by})
        return number, number_id

    def save(self) -> None:
        for year, register_id in self.register_ids.items():
            db.session.execute(sa.update(DocumentRegister).where(DocumentRegister.id == register_id)
                               .values(last_number=self.next_number[year] - 1))


UNISSUED = ("draft", "in_review", "awaiting_approval", "approved")


def _notice(rows: Rows, rng: random.Random, cast: Cast, meeting: GeneratedMeeting, today: date,
            numbering: Numbering, pdf_sha256: str) -> tuple[int, list[int]] | None:
    """The meeting's notice with its recipients; (its id, its agencies) when issued."""
    row, ended = meeting.row, meeting.row["ends_at"]
    summary = f"Kết luận của lãnh đạo UBND tỉnh tại cuộc họp {row['title'][:400]}"
    recent = local_date(ended) > today - timedelta(days=21)
    status = rng.choice(UNISSUED) if recent else ("not_needed" if rng.random() < 0.07 else "issued")
    notice = {"meeting_id": meeting.id, "status": status, "symbol": SYMBOL, "summary": summary,
              "opening": "Ngày họp, lãnh đạo UBND tỉnh đã chủ trì cuộc họp.", "closing": "",
              "signature_authority": ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "signer_id": cast.office[0].id,
              "archive_mark": "KTTH", "digitally_signed": False, "version": 1,
              "not_needed_reason": "Buổi làm việc không cần thông báo" if status == "not_needed" else None,
              "created_at": ended + timedelta(hours=2), "updated_at": ended + timedelta(days=3)}
    if status == "issued":
        issued_at = ended + timedelta(days=rng.randint(2, 10))
        number, number_id = numbering.take(rows, local_date(issued_at).year, summary, issued_at)
        notice.update(number=number, number_symbol=printed_number(number, SYMBOL), register_number_id=number_id,
                      issued_on=local_date(issued_at), issued_at=issued_at, issued_by_id=cast.clerk.id,
                      pdf_sha256=pdf_sha256, source_text=summary, submitted_at=issued_at - timedelta(days=1))
    notice_id = rows.add(Notice.__table__, notice)
    recipients = [{"unit_id": u, "label": cast.unit_names[u]} for u in meeting.unit_ids]
    recipients += [{"user_id": u, "label": ""} for u in meeting.person_ids[:1]]
    for position, recipient in enumerate(recipients):
        rows.add(NoticeRecipient.__table__, {"notice_id": notice_id, "position": position, **recipient})
    return (notice_id, meeting.unit_ids) if status == "issued" else None


def _tasks(rows: Rows, rng: random.Random, cast: Cast, issued: list[tuple[int, list[int], dict[str, Any]]],
           count: int, today: date) -> None:
    """``count`` tasks made from the issued notices (each has at least one), a fifth with coordinating
    agencies."""
    for (notice_id, unit_ids, meeting), tasks in zip(issued, _split(count, len(issued), rng)):
        made = meeting["ends_at"] + timedelta(days=5)
        for _ in range(tasks):
            lead = rng.choice(unit_ids)
            given = local_date(made) + timedelta(days=rng.randint(10, 90))
            task_id = rows.add(Task.__table__, {
                "content": f"Chủ trì, phối hợp thực hiện nội dung về {rng.choice(TOPICS)}", "source": "notice",
                "notice_id": notice_id, "source_reference": "", "assigned_by_id": meeting["chair_id"],
                "lead_unit_id": lead, "deadline_on": given, "original_deadline_on": given,
                "report_required": rng.random() < 0.3, "priority": "normal", "recurrence": "none",
                "status": "in_progress", "progress_percent": 50, "version": 1, "created_at": made,
                "updated_at": made})
            task = rows.tables[Task.__table__][-1]
            author = cast.liaison_of.get(lead, cast.secretaries[0].id)
            if given - timedelta(days=3) < today and rng.random() < 0.12:
                _extend(rows, rng, task, author, today)
            _carry_out(rows, rng, cast, task, author, today)
            others = [u for u in unit_ids if u != lead]
            if others and rng.random() < 0.2:
                rows.add(task_coordinators, {"task_id": task_id, "unit_id": rng.choice(others)})


def _extend(rows: Rows, rng: random.Random, task: dict[str, Any], author: int, today: date) -> None:
    """The lead agency asked for more time a few days before the deadline and the assigning leader granted it."""
    given = task["deadline_on"]
    asked = datetime.combine(given - timedelta(days=3), time(9, 0), local_zone())
    task["deadline_on"] = given + timedelta(days=rng.randint(10, 30))
    reason = "Chờ ý kiến thẩm định của các cơ quan liên quan"
    request_id = rows.add(ExtensionRequest.__table__, {
        "task_id": task["id"], "requested_by_id": author, "requested_at": asked,
        "requested_deadline_on": task["deadline_on"], "reason": reason, "status": "granted",
        "decided_by_id": task["assigned_by_id"], "decided_at": asked + timedelta(days=1), "decision_note": None})
    rows.add(DeadlineChange.__table__, {
        "task_id": task["id"], "old_deadline_on": given, "new_deadline_on": task["deadline_on"],
        "reason": f"Gia hạn theo đề nghị: {reason}", "extension_request_id": request_id,
        "changed_by_id": task["assigned_by_id"], "changed_at": asked + timedelta(days=1)})


def _carry_out(rows: Rows, rng: random.Random, cast: Cast, task: dict[str, Any], author: int, today: date) -> None:
    """Past its deadline a task was done on time (seven in ten), late (two in ten) or is still overdue; before
    it, a quarter are done early and the rest under way. A done task has the lead agency's report, verified by
    the Office after a week."""
    deadline, started = task["deadline_on"], local_date(task["created_at"])
    roll = rng.random()
    if (deadline < today and roll < 0.7) or (deadline >= today and roll < 0.25):
        done = started + timedelta(days=rng.randint(1, max(1, (min(deadline, today) - started).days)))
    elif deadline < today and roll < 0.9:
        done = min(today, deadline + timedelta(days=rng.randint(1, 25)))
    else:
        task["progress_percent"] = rng.choice((0, 20, 50, 80))
        task["status"] = "new" if task["progress_percent"] == 0 else "in_progress"
        return
    reported = datetime.combine(done, time(16, 0), local_zone())
    task.update(status="reported_done", progress_percent=100, completed_on=done, reported_done_at=reported)
    if done < today - timedelta(days=7):
        task.update(status="verified_done", verified_at=reported + timedelta(days=2),
                    verified_by_id=rng.choice(cast.secretaries).id)
    rows.add(ProgressReport.__table__, {
        "task_id": task["id"], "unit_id": task["lead_unit_id"], "author_id": author, "percent": 100, "done": True,
        "text": "Đã hoàn thành nhiệm vụ; báo cáo kết quả gửi kèm.", "created_at": reported})


def _year(rows: Rows, rng: random.Random, cast: Cast, shape: YearShape, first: date, after: date, today: date,
          numbering: Numbering, pdf_sha256: str) -> None:
    days = _working_days(first, after)
    meetings = [_meeting(rows, rng, cast, rng.choice(days), today) for _ in range(shape.meetings)]
    for meeting, items in zip(meetings, _split(shape.agenda_items, len(meetings), rng)):
        _agenda(rows, rng, meeting, items)
    held = [m for m in meetings if m.row["status"] in ("closed", "ended")]
    issued = []
    for meeting in sorted(rng.sample(held, min(shape.notices, len(held))), key=lambda m: m.row["starts_at"]):
        made = _notice(rows, rng, cast, meeting, today, numbering, pdf_sha256)
        if made is not None:
            issued.append((*made, meeting.row))
    if issued:
        _tasks(rows, rng, cast, issued, shape.tasks, today)


def _windows(years: int, end: date) -> Iterator[tuple[date, date]]:
    """Year-long periods, oldest first, up to ``end``."""
    for back in reversed(range(years)):
        yield end - timedelta(days=365 * (back + 1)), end - timedelta(days=365 * back)


def _insert(rows: Rows) -> None:
    for table, batch in rows.tables.items():
        columns = sorted({name for row in batch for name in row})
        uniform = [{name: row.get(name, table.c[name].default.arg if _plain_default(table, name) else None)
                    for name in columns} for row in batch]
        for start in range(0, len(uniform), BATCH):
            db.session.execute(sa.insert(table), uniform[start:start + BATCH])
    if db.engine.dialect.name == "postgresql":
        for table in rows.next_ids:
            db.session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                       f"(SELECT max(id) FROM {table.name}))"))


def _plain_default(table: sa.Table, name: str) -> bool:
    default = table.c[name].default
    return default is not None and default.is_scalar


def add_years(years: int, *, today: date | None = None, scale: float = 1.0, seed: int = 2026,
              shape: YearShape | None = None, days_ahead: int = 14) -> dict[str, int]:
    """Add ``years`` years of meetings, agendas, notices and tasks (``shape`` a year, by default ``scale`` of a
    province's yearly numbers) up to ``days_ahead`` days after ``today`` (a fortnight: the coming weeks have
    meetings too); the caller commits. Returns how many rows of each table were added."""
    today = today or local_date(utcnow())
    rng, cast, rows = random.Random(seed), _cast(), Rows()
    numbering = Numbering(taken_by=cast.clerk.id)
    pdf_sha256 = storage.store_bytes(pdfs.text_pdf(1, seed=seed, title="Thông báo kết luận"))
    shape = shape or YearShape().scaled(scale)
    for first, after in _windows(years, today + timedelta(days=days_ahead)):
        _year(rows, rng, cast, shape, first, after, today, numbering, pdf_sha256)
    _insert(rows)
    numbering.save()
    return {table.name: len(batch) for table, batch in rows.tables.items()}
