"""The figures of the Office's report over one period (a month, a quarter or a year of local days), each counted in
SQL over exactly what the reader may see:

- meetings held (in progress, ended or closed) that start in the period, by kind and by chairing leader
  (``policy.meeting_visibility``);
- conclusions and directives recorded at those meetings (``policy.minutes_visibility``: they are read with the
  minutes) and the conclusion notices issued in the period (``policy.notice_visibility``), by chairing leader;
- tasks entered in the period, by lead agency and by field: the task statistics themselves
  (``tasks.queries.statistics``), every count with the filter of its task list;
- the work programme: its items planned to be presented by a month of the period (their month, or the last month
  of their quarter), by lead agency: planned, presented, behind (still to be presented, their period over), dropped
  (``policy.programme_item_visibility``);
- paper saved: for every material published to a meeting held in the period that the reader may see
  (``policy.office_report_materials``), the pages of its current version times the people who opened it in
  ecabinet — copies nobody had to print.

``SECTIONS`` lists the figure groups in the report's order: another group is one more function there.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import sqlalchemy as sa
from flask_babel import format_decimal
from flask_babel import gettext as _

from ecabinet.accounts.models import User
from ecabinet.conclusions.models import Conclusion, Directive
from ecabinet.core.clock import day_bounds, local_date, today
from ecabinet.core.db import db
from ecabinet.materials.models import Material, MaterialRead, MaterialVersion
from ecabinet.meetings.models import Meeting, MeetingKind, MeetingStatus
from ecabinet.notices.models import Notice, NoticeStatus
from ecabinet.org.models import Unit
from ecabinet.policy import (
    meeting_visibility,
    minutes_visibility,
    notice_visibility,
    office_report_materials,
    programme_item_visibility,
)
from ecabinet.programme.models import ItemState, Programme, ProgrammeItem
from ecabinet.programme.operations import behind, last_month_of
from ecabinet.tasks.derived import Derived
from ecabinet.tasks.queries import GroupStats, TaskFilter, period_range, statistics
from ecabinet.tasks.statistics.views import group_label

HELD = (MeetingStatus.IN_PROGRESS, MeetingStatus.ENDED, MeetingStatus.CLOSED)
"""A meeting counts as held once it has started (and was not cancelled or postponed before)."""
PERIOD_PATTERN = r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"
"""'2026' (a year), '2026-Q3' (a quarter) or '2026-03' (a month)."""
ROMAN = ("I", "II", "III", "IV")
Units = Literal["today", "recorded"]


@dataclass(frozen=True)
class Period:
    key: str

    def __post_init__(self) -> None:
        if not re.match(PERIOD_PATTERN, self.key):
            raise ValueError(f"not a period: {self.key!r}")

    @property
    def kind(self) -> Literal["year", "quarter", "month"]:
        return "quarter" if "-Q" in self.key else "month" if len(self.key) == 7 else "year"

    @property
    def days(self) -> tuple[date, date]:
        """The first and the last local day."""
        return period_range(self.key)

    @property
    def instants(self) -> tuple[datetime, datetime]:
        """From the start of the first local day to the start of the day after the last."""
        start, end = day_bounds(*self.days)
        assert start is not None and end is not None
        return start, end

    def months(self) -> list[str]:
        first, last = self.days
        return [f"{first.year}-{month:02d}" for month in range(first.month, last.month + 1)]

    def label(self) -> str:
        year = int(self.key[:4])
        if self.kind == "quarter":
            return _("quarter %(quarter)s of %(year)s", quarter=ROMAN[int(self.key[-1]) - 1], year=year)
        if self.kind == "month":
            return _("month %(month)s of %(year)s", month=int(self.key[5:]), year=year)
        return _("the year %(year)s", year=year)


def current_year() -> Period:
    return Period(str(today().year))


@dataclass(frozen=True)
class Cell:
    value: int
    list_params: dict[str, str] | None = None
    """The query string of the task list giving exactly the tasks counted (task figures only)."""


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    group: str
    """The heading of the first column (what a row is)."""
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    total: Row
    charted: tuple[int, ...] = (0,)
    """The columns its chart draws, stacked."""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    summary: str
    """The sentence of the report's text, with its numbers."""
    headline: tuple[tuple[str, int], ...]
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class Scope:
    user: User
    period: Period
    units: Units = "today"


@dataclass(frozen=True)
class Report:
    period: Period
    period_label: str
    units: Units
    made_on: date
    sections: tuple[Section, ...]


def number(value: int) -> str:
    """A count as the report writes it (1.400.386 in Vietnamese)."""
    return format_decimal(value)


def _total(label: str, rows: list[Row], width: int) -> Row:
    return Row(label, tuple(Cell(sum(r.cells[i].value for r in rows)) for i in range(width)))


def _table(key: str, title: str, group: str, columns: tuple[str, ...], counted: dict, charted=(0,)) -> Table:
    """A table of plain counts: ``counted`` maps a row's label to its counts, the largest rows first."""
    rows = [Row(label, tuple(Cell(n) for n in counts))
            for label, counts in sorted(counted.items(), key=lambda item: (-item[1][0], item[0].casefold()))]
    return Table(key, title, group, columns, tuple(rows), _total(_("Total"), rows, len(columns)), charted)


# --- meetings ------------------------------------------------------------------------------------

def held_meetings(scope: Scope) -> list[sa.ColumnElement[bool]]:
    """The meetings the report counts: held, starting in the period."""
    start, end = scope.period.instants
    return [Meeting.status.in_(HELD), Meeting.starts_at >= start, Meeting.starts_at < end]


def _per_label(stmt: sa.Select) -> Counter:
    """``{label: count}`` of a ``SELECT label, count … GROUP BY``; two people of one name stay apart."""
    counts: Counter = Counter()
    for key, label, count in db.session.execute(stmt):
        counts[label if label not in counts else f"{label} ({key})"] += count
    return counts


def _chairs() -> tuple[sa.ColumnElement, sa.ColumnElement]:
    return User.id, User.full_name


def meetings_section(scope: Scope) -> Section:
    visible = [*held_meetings(scope), meeting_visibility(scope.user)]
    count = sa.func.count(Meeting.id)
    by_kind = _per_label(sa.select(MeetingKind.id, MeetingKind.name, count).select_from(Meeting)
                         .join(MeetingKind, MeetingKind.id == Meeting.kind_id).where(*visible)
                         .group_by(MeetingKind.id, MeetingKind.name))
    by_chair = _per_label(sa.select(*_chairs(), count).select_from(Meeting)
                          .join(User, User.id == Meeting.chair_id).where(*visible)
                          .group_by(*_chairs()))
    held = sum(by_kind.values())
    column = (_("Meetings held"),)
    return Section(
        key="meetings", title=_("Organising and serving meetings"),
        summary=_("In %(period)s the Office prepared and served %(count)s meetings of the Provincial People's "
                  "Committee, its Chair and Vice-Chairs.", period=scope.period.label(), count=number(held)),
        headline=((_("Meetings held"), held),),
        tables=(_table("meetings_by_kind", _("Meetings held by kind"), _("Kind of meeting"), column,
                       {label: (n,) for label, n in by_kind.items()}),
                _table("meetings_by_chair", _("Meetings held by chairing leader"), _("Chairing leader"), column,
                       {label: (n,) for label, n in by_chair.items()})))


# --- conclusions, directives and notices ---------------------------------------------------------

def _conclusions_by_chair(scope: Scope, counted: type) -> Counter:
    read = [*held_meetings(scope), minutes_visibility(scope.user)]
    stmt = sa.select(*_chairs(), sa.func.count(counted.id)).select_from(Conclusion)
    if counted is Directive:
        stmt = stmt.join(Directive, Directive.conclusion_id == Conclusion.id)
    stmt = (stmt.join(Meeting, Meeting.id == Conclusion.meeting_id).join(User, User.id == Meeting.chair_id)
            .where(*read).group_by(*_chairs()))
    return _per_label(stmt)


def issued_notices(scope: Scope) -> list[sa.ColumnElement[bool]]:
    """The notices the report counts: issued on a day of the period."""
    first, last = scope.period.days
    return [Notice.status == NoticeStatus.ISSUED, Notice.issued_on >= first, Notice.issued_on <= last]


def _notices_by_chair(scope: Scope) -> Counter:
    return _per_label(sa.select(*_chairs(), sa.func.count(Notice.id)).select_from(Notice)
                      .join(Meeting, Meeting.id == Notice.meeting_id)
                      .join(User, User.id == Meeting.chair_id)
                      .where(*issued_notices(scope), notice_visibility(scope.user)).group_by(*_chairs()))


def conclusions_section(scope: Scope) -> Section:
    conclusions, directives = (_conclusions_by_chair(scope, Conclusion), _conclusions_by_chair(scope, Directive))
    notices = _notices_by_chair(scope)
    per_chair = {label: (conclusions[label], directives[label], notices[label])
                 for label in {*conclusions, *directives, *notices}}
    totals = (sum(conclusions.values()), sum(directives.values()), sum(notices.values()))
    columns = (_("Conclusions"), _("Directives"), _("Notices issued"))
    return Section(
        key="conclusions", title=_("Conclusions, directives and notices"),
        summary=_("At the meetings held the leaders concluded on %(conclusions)s matters with %(directives)s "
                  "directives; the Office issued %(notices)s conclusion notices.",
                  conclusions=number(totals[0]), directives=number(totals[1]), notices=number(totals[2])),
        headline=tuple(zip(columns, totals)),
        tables=(_table("conclusions_by_chair", _("Conclusions, directives and notices by chairing leader"),
                       _("Chairing leader"), columns, per_chair, charted=(0, 1, 2)),))


# --- tasks ---------------------------------------------------------------------------------------

TASK_COUNTS = (Derived.DONE_ON_TIME, Derived.DONE_LATE, Derived.OVERDUE)
PENDING = (Derived.DUE_SOON, Derived.NOT_YET_DUE)


def assigned_tasks(scope: Scope) -> TaskFilter:
    """The tasks the report counts: entered in the period (the task list's ``period_on=created``)."""
    first, last = scope.period.days
    return TaskFilter(period_on="created", period_from=first, period_to=last, units=scope.units)


def _task_row(label: str, group: GroupStats, extended: GroupStats | None) -> Row:
    return Row(label, (
        Cell(group.total, group.list_params()),
        *(Cell(group.counts[d], group.list_params(d)) for d in TASK_COUNTS),
        Cell(sum(group.counts[d] for d in PENDING)),
        Cell(extended.total, extended.list_params()) if extended else Cell(0),
    ))


def _task_columns() -> tuple[str, ...]:
    return (_("Assigned"), _("Done on time"), _("Done late"), _("Overdue"), _("In progress within the deadline"),
            _("Deadline extended"))


def _task_table(scope: Scope, group_by: Literal["agency", "sector"], title: str, group: str) -> Table:
    base = assigned_tasks(scope)
    stats = statistics(scope.user, base, group_by, overdue_limit=0)
    extended = statistics(scope.user, base.model_copy(update={"extended": True}), group_by, overdue_limit=0)
    extended_of = {g.key: g for g in extended.groups}
    rows = [_task_row(group_label(stats, g.key), g, extended_of.get(g.key)) for g in stats.groups]
    return Table(f"tasks_by_{group_by}", title, group, _task_columns(),
                 tuple(sorted(rows, key=lambda r: -r.cells[0].value)),
                 _task_row(_("Total"), stats.totals, extended.totals), charted=(1, 2, 3, 4))


def tasks_section(scope: Scope) -> Section:
    by_agency = _task_table(scope, "agency", _("Tasks by lead agency"), _("Lead agency"))
    by_field = _task_table(scope, "sector", _("Tasks by field"), _("Field"))
    total, on_time, late, overdue, pending, extended = (c.value for c in by_agency.total.cells)
    return Section(
        key="tasks", title=_("Tasks assigned"),
        summary=_("In %(period)s %(total)s tasks were assigned: %(on_time)s were done on time, %(late)s late, "
                  "%(overdue)s are overdue and not done, %(pending)s are in progress within their deadline; the "
                  "deadline of %(extended)s was extended.", period=scope.period.label(), total=number(total),
                  on_time=number(on_time), late=number(late), overdue=number(overdue), pending=number(pending),
                  extended=number(extended)),
        headline=tuple(zip(_task_columns(), (total, on_time, late, overdue, pending, extended))),
        tables=(by_agency, by_field))


# --- paper saved ---------------------------------------------------------------------------------

def _paper_per_month(scope: Scope) -> dict[str, tuple[int, int, int, int]]:
    """``{month: (materials, pages, people who opened them, pages not printed)}``."""
    pages = (sa.select(MaterialVersion.page_count).where(MaterialVersion.material_id == Material.id)
             .order_by(MaterialVersion.number.desc()).limit(1).scalar_subquery())
    readers = (sa.select(sa.func.count()).select_from(MaterialRead).where(MaterialRead.material_id == Material.id)
               .scalar_subquery())
    stmt = (sa.select(Meeting.starts_at, pages, readers).select_from(Material)
            .join(Meeting, Meeting.id == Material.meeting_id)
            .where(*held_meetings(scope), office_report_materials(scope.user),
                   Material.id.in_(sa.select(MaterialVersion.material_id))))
    months = {month: [0, 0, 0, 0] for month in scope.period.months()}
    for starts_at, page_count, opened in db.session.execute(stmt):
        month = months[f"{local_date(starts_at):%Y-%m}"]
        for i, value in enumerate((1, page_count, opened, page_count * opened)):
            month[i] += value
    return {key: tuple(values) for key, values in months.items()}  # type: ignore[misc]


def paper_section(scope: Scope) -> Section:
    columns = (_("Materials sent electronically"), _("Pages of the materials"), _("Readers who opened them"),
               _("Pages not printed"))
    per_month = _paper_per_month(scope)
    rows = [Row(_("Month %(month)s/%(year)s", month=int(key[5:]), year=key[:4]), tuple(Cell(n) for n in values))
            for key, values in per_month.items()]
    table = Table("paper_by_month", _("Paperless meetings by month"), _("Month"), columns, tuple(rows),
                  _total(_("Total"), rows, len(columns)), charted=(3,))
    materials, pages, readers, saved = (c.value for c in table.total.cells)
    return Section(
        key="paper", title=_("Paperless meetings"),
        summary=_("%(materials)s meeting materials of %(pages)s pages were sent electronically and opened "
                  "%(readers)s times by their readers: %(saved)s pages did not have to be printed (pages not "
                  "printed = the pages of each material × the people who opened it in ecabinet).",
                  materials=number(materials),
                  pages=number(pages), readers=number(readers), saved=number(saved)),
        headline=((_("Pages not printed"), saved),), tables=(table,))


# --- the work programme --------------------------------------------------------------------------

PLANNED = (ItemState.PLANNED, ItemState.ON_AGENDA, ItemState.DONE)
"""In the programme (an addition still awaiting the chair is not; a dropped item is counted apart)."""


def programme_items_due(scope: Scope) -> list[sa.ColumnElement[bool]]:
    """The items the report counts: to be presented by a month of the period (a quarter's item by its last
    month)."""
    first, last = scope.period.days
    due = last_month_of(ProgrammeItem.period_kind, ProgrammeItem.period)
    return [Programme.year == first.year, due >= first.month, due <= last.month,
            programme_item_visibility(scope.user)]


def _programme_by_agency(scope: Scope) -> dict[str, tuple[int, int, int, int]]:
    counted = {column: sa.func.count(ProgrammeItem.id).filter(condition) for column, condition in (
        ("planned", ProgrammeItem.state.in_(PLANNED)), ("presented", ProgrammeItem.state == ItemState.DONE),
        ("behind", behind(today())), ("dropped", ProgrammeItem.state == ItemState.DROPPED))}
    rows = db.session.execute(
        sa.select(Unit.id, Unit.name, *counted.values()).select_from(ProgrammeItem)
        .join(Programme, Programme.id == ProgrammeItem.programme_id)
        .join(Unit, Unit.id == ProgrammeItem.lead_unit_id)
        .where(*programme_items_due(scope)).group_by(Unit.id, Unit.name))
    per_agency: dict[str, tuple[int, int, int, int]] = {}
    for unit_id, name, *counts in rows:
        per_agency[name if name not in per_agency else f"{name} ({unit_id})"] = tuple(counts)  # type: ignore[assignment]
    return per_agency


def programme_section(scope: Scope) -> Section:
    columns = (_("Items planned"), _("Presented"), _("Behind"), _("Dropped"))
    table = _table("programme_by_agency", _("Work programme items by lead agency"), _("Lead agency"), columns,
                   _programme_by_agency(scope), charted=(0, 1, 2))
    planned, presented, late, dropped = (cell.value for cell in table.total.cells)
    return Section(
        key="programme", title=_("The work programme"),
        summary=_("Of the %(planned)s items of the work programme due in %(period)s, %(presented)s were presented "
                  "to the Provincial People's Committee and %(behind)s are behind; %(dropped)s were dropped by an "
                  "approved adjustment.", planned=number(planned), period=scope.period.label(),
                  presented=number(presented), behind=number(late), dropped=number(dropped)),
        headline=tuple(zip(columns[:3], (planned, presented, late))), tables=(table,))


SECTIONS: tuple[Callable[[Scope], Section], ...] = (meetings_section, conclusions_section, tasks_section,
                                                     programme_section, paper_section)
"""The figure groups of the report, in order: the page, the Excel file and the DOCX draft show each one."""


def office_report(user: User, period: Period, units: Units = "today") -> Report:
    scope = Scope(user, period, units)
    return Report(period=period, period_label=period.label(), units=units, made_on=today(),
                  sections=tuple(section(scope) for section in SECTIONS))
