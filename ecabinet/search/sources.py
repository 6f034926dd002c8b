"""What each kind of search entry is made of, which rows it comes from, where it opens and who may find it.

An entry keeps the ids the policy's SQL filters need (its meeting, material, notice or task), so a search is
filtered by the same rules as the lists: a confidential material's title and pages only for its readers, a
liaison's tasks only of its agency, minutes only for who may follow the meeting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ecabinet.accounts.models import User
from ecabinet.conclusions.models import Conclusion, Directive
from ecabinet.core.clock import local_date
from ecabinet.core.db import db
from ecabinet.materials.models import AgendaItem, Material, MaterialVersion
from ecabinet.meetings.models import Meeting
from ecabinet.minutes.models import Minutes, MinutesSection
from ecabinet.notices.models import Notice
from ecabinet.policy import material_visibility, meeting_visibility, minutes_visibility, notice_visibility
from ecabinet.search.models import SearchEntry, SearchKind
from ecabinet.tasks.models import ProgressReport, Task
from ecabinet.tasks.queries import scope_clause

PAGE_BREAK = "\f"
"""Between the pages of a material version's text."""


def entry(kind: SearchKind, source_id: int, title: str, body: str = "", *, meeting: Meeting | None = None,
          **ids: Any) -> dict[str, Any]:
    """A row of ``search_entries``; an entry of a meeting's is dated by the meeting and led by its chair."""
    row = {"kind": kind, "source_id": source_id, "title": title, "body": body, "page": None, "meeting_id": None,
           "material_id": None, "notice_id": None, "task_id": None, "agency_id": None, "leader_id": None,
           "day": None}
    if meeting is not None:
        row.update(meeting_id=meeting.id, leader_id=meeting.chair_id, day=local_date(meeting.starts_at))
    row.update(ids)
    return row


def _lines(*parts: str | None) -> str:
    return "\n".join(part for part in parts if part)


def meeting_entries(meeting: Meeting) -> list[dict[str, Any]]:
    return [entry(SearchKind.MEETING, meeting.id, meeting.title, _lines(meeting.description, meeting.location),
                  meeting=meeting)]


def agenda_item_entries(item: AgendaItem) -> list[dict[str, Any]]:
    return [entry(SearchKind.AGENDA_ITEM, item.id, item.title, item.presenter, meeting=item.meeting,
                  agency_id=item.presenting_unit_id)]


def material_entries(material: Material) -> list[dict[str, Any]]:
    """The material (its title and whole text: what a search finds and counts), then each page of its current
    version's text (where the reader opens a hit)."""
    item = material.agenda_item
    ids = {"meeting": material.meeting, "material_id": material.id,
           "agency_id": item.presenting_unit_id if item is not None else None}
    version = material.current
    pages = (version.text or "").split(PAGE_BREAK) if version is not None else []
    rows = [entry(SearchKind.MATERIAL, material.id, material.title, "\n".join(pages), **ids)]
    rows.extend(entry(SearchKind.MATERIAL, material.id, "", text, page=number, **ids)
                for number, text in enumerate(pages, start=1) if text.strip())
    return rows


def minutes_entries(minutes: Minutes) -> list[dict[str, Any]]:
    body = "\n\n".join(_lines(section.title, section.text) for section in minutes.sections)
    return [entry(SearchKind.MINUTES, minutes.id, "", body, meeting=minutes.meeting)]


def conclusion_entries(conclusion: Conclusion) -> list[dict[str, Any]]:
    return [entry(SearchKind.CONCLUSION, conclusion.id, "", conclusion.text, meeting=conclusion.meeting)]


def directive_entries(directive: Directive) -> list[dict[str, Any]]:
    return [entry(SearchKind.DIRECTIVE, directive.id, "", directive.content, meeting=directive.conclusion.meeting,
                  agency_id=directive.lead_unit_id)]


def notice_entries(notice: Notice) -> list[dict[str, Any]]:
    """Found by its number as people cite it ("15/TB-UBND"), its summary and its text."""
    title = " ".join(part for part in (notice.number_symbol, notice.summary) if part)
    row = entry(SearchKind.NOTICE, notice.id, title, _lines(notice.opening, notice.source_text, notice.closing),
                meeting=notice.meeting, notice_id=notice.id)
    if notice.issued_on is not None:
        row["day"] = notice.issued_on
    return [row]


def task_entries(task: Task) -> list[dict[str, Any]]:
    return [entry(SearchKind.TASK, task.id, task.content, task.source_reference, task_id=task.id,
                  agency_id=task.lead_unit_id, leader_id=task.assigned_by_id,
                  day=task.deadline_on or local_date(task.created_at))]


def task_report_entries(report: ProgressReport) -> list[dict[str, Any]]:
    task = db.session.get(Task, report.task_id)
    return [entry(SearchKind.TASK_REPORT, report.id, "", report.text, task_id=report.task_id,
                  agency_id=report.unit_id, leader_id=task.assigned_by_id if task else None,
                  day=local_date(report.created_at))]


E = SearchEntry


def _among(column: sa.ColumnElement, model: Any, visible: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    """Entries of the rows ``visible`` selects; all of them when it selects every row (no lookup per entry: the
    entries of a deleted row go with it, see ``OWNER_COLUMNS``)."""
    if isinstance(visible, sa.sql.elements.True_):
        return sa.true()
    return column.in_(sa.select(model.id).where(visible))


@dataclass(frozen=True)
class Source:
    kind: SearchKind
    model: type
    entries: Callable[[Any], list[dict[str, Any]]]
    visible: Callable[[User], sa.ColumnElement[bool]]
    """The policy's filter for ``user`` on ``SearchEntry``."""
    url: Callable[[Any], str]
    """The page of an entry (a row with ``SearchEntry``'s columns)."""
    fields: tuple[str, ...]
    """The attributes whose change makes its entries again."""
    loading: tuple[Any, ...] = field(default=())
    """What a rebuild loads with each batch of rows."""


def _in_visible_meetings(user: User) -> sa.ColumnElement[bool]:
    return _among(E.meeting_id, Meeting, meeting_visibility(user))


def _meeting_page(row: Any) -> str:
    return f"/meetings/{row.meeting_id}"


def _material_page(row: Any) -> str:
    return f"/materials/{row.source_id}/read" + (f"?page={row.page}" if row.page else "")


SOURCES: dict[SearchKind, Source] = {source.kind: source for source in (
    Source(SearchKind.MEETING, Meeting, meeting_entries,
           _in_visible_meetings, _meeting_page,
           ("title", "description", "location", "starts_at", "chair_id")),
    Source(SearchKind.AGENDA_ITEM, AgendaItem, agenda_item_entries,
           _in_visible_meetings,
           lambda row: f"/meetings/{row.meeting_id}/agenda#item-{row.source_id}",
           ("title", "presenter", "presenting_unit_id"), (selectinload(AgendaItem.meeting),)),
    Source(SearchKind.MATERIAL, Material, material_entries,
           lambda user: _among(E.material_id, Material, material_visibility(user)), _material_page,
           ("title", "agenda_item_id"),
           (selectinload(Material.meeting), selectinload(Material.agenda_item), selectinload(Material.versions))),
    Source(SearchKind.MINUTES, Minutes, minutes_entries,
           lambda user: _among(E.meeting_id, Meeting, minutes_visibility(user)),
           lambda row: f"/meetings/{row.meeting_id}/minutes", (),
           (selectinload(Minutes.meeting), selectinload(Minutes.sections))),
    Source(SearchKind.CONCLUSION, Conclusion, conclusion_entries,
           _in_visible_meetings,
           lambda row: f"/meetings/{row.meeting_id}/conclusions#conclusion-{row.source_id}", ("text",),
           (selectinload(Conclusion.meeting),)),
    Source(SearchKind.DIRECTIVE, Directive, directive_entries,
           _in_visible_meetings,
           lambda row: f"/meetings/{row.meeting_id}/conclusions#directive-{row.source_id}",
           ("content", "lead_unit_id"), (selectinload(Directive.conclusion).selectinload(Conclusion.meeting),)),
    Source(SearchKind.NOTICE, Notice, notice_entries,
           lambda user: _among(E.notice_id, Notice, notice_visibility(user)),
           lambda row: f"/notices/{row.source_id}",
           ("summary", "number_symbol", "opening", "closing", "source_text", "issued_on"),
           (selectinload(Notice.meeting),)),
    Source(SearchKind.TASK, Task, task_entries,
           lambda user: _among(E.task_id, Task, scope_clause(user)), lambda row: f"/tasks/{row.source_id}",
           ("content", "source_reference", "lead_unit_id", "assigned_by_id", "deadline_on")),
    Source(SearchKind.TASK_REPORT, ProgressReport, task_report_entries,
           lambda user: _among(E.task_id, Task, scope_clause(user)),
           lambda row: f"/tasks/{row.task_id}#report-{row.source_id}", ("text",)),
)}

SOURCE_OF_MODEL: dict[type, Source] = {source.model: source for source in SOURCES.values()}


@dataclass(frozen=True)
class Part:
    """A row that is part of another's entries: its change makes the owner's entries again."""

    fields: tuple[str, ...]
    owner: Callable[[Any], tuple[SearchKind, int]]


PARTS: dict[type, Part] = {
    MaterialVersion: Part(("text",), lambda version: (SearchKind.MATERIAL, version.material_id)),
    MinutesSection: Part(("title", "text"), lambda section: (SearchKind.MINUTES, section.minutes_id)),
}

OWNER_COLUMNS: dict[type, sa.ColumnElement] = {Meeting: E.meeting_id, Material: E.material_id,
                                                Notice: E.notice_id, Task: E.task_id}
"""Deleting one of these deletes every entry that names it (the database cascades to its rows unseen)."""


def visibility(user: User, kinds: list[SearchKind]) -> sa.ColumnElement[bool]:
    """What ``user`` may find among ``kinds``, in SQL: each filter built once for the kinds that share it (four
    kinds are seen with their meeting)."""
    sharing: dict[Callable[[User], sa.ColumnElement[bool]], list[SearchKind]] = {}
    for kind in kinds:
        sharing.setdefault(SOURCES[kind].visible, []).append(kind)
    return sa.or_(*(sa.and_(E.kind.in_(group), visible(user)) for visible, group in sharing.items()))


def batches(source: Source, size: int) -> Iterator[list[Any]]:
    """Every row of ``source``'s model, ``size`` at a time, in id order (for a rebuild)."""
    last = 0
    while True:
        rows = list(db.session.scalars(sa.select(source.model).where(source.model.id > last)
                                       .options(*source.loading).order_by(source.model.id).limit(size)))
        if not rows:
            return
        yield rows
        last = rows[-1].id


@dataclass(frozen=True)
class Propagation:
    """A change of a row that entries of other rows copy (a meeting's day and chair): set in place."""

    model: type
    fields: tuple[str, ...]
    values: Callable[[Any], dict[str, Any]]
    where: Callable[[Any], sa.ColumnElement[bool]]


PROPAGATIONS = (
    Propagation(Meeting, ("starts_at", "chair_id"),
                lambda meeting: {"day": local_date(meeting.starts_at), "leader_id": meeting.chair_id},
                lambda meeting: sa.and_(E.meeting_id == meeting.id, E.kind != SearchKind.NOTICE)),
    Propagation(AgendaItem, ("presenting_unit_id",), lambda item: {"agency_id": item.presenting_unit_id},
                lambda item: sa.and_(E.kind == SearchKind.MATERIAL, E.material_id.in_(
                    sa.select(Material.id).where(Material.agenda_item_id == item.id)))),
    Propagation(Task, ("assigned_by_id",), lambda task: {"leader_id": task.assigned_by_id},
                lambda task: sa.and_(E.kind == SearchKind.TASK_REPORT, E.task_id == task.id)),
)
