"""Lists and statistics of tasks, in SQL: filters, the user's scope, sorting, pagination and the aggregates.

Every list, count, statistic and export goes through ``base_clauses`` so that what a user sees in a number is
exactly what the list behind it shows, and never more than ``policy.task_scope`` allows. Each group of
``statistics`` gives the ``TaskFilter`` that lists exactly the tasks of any of its counts.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Annotated, Literal

import sqlalchemy as sa
from pydantic import ConfigDict, Field, StringConstraints
from sqlalchemy.orm import aliased, selectinload

from ecabinet.accounts.models import User, portfolio_sectors, portfolio_units
from ecabinet.core.clock import day_bounds, today
from ecabinet.core.db import db
from ecabinet.core.i18n import local_zone
from ecabinet.core.schemas import Id, Query, VnDate
from ecabinet.org.models import Sector, Unit
from ecabinet.org.reorganisation.operations import counted_as, today_units, with_predecessors
from ecabinet.policy import TaskScope, task_scope
from ecabinet.tasks.derived import (
    DeadlineBasis,
    Derived,
    countable,
    deadline_column,
    derived_expression,
    due_soon_days,
)
from ecabinet.tasks.models import (
    CLOSED_STATUSES,
    DONE_STATUSES,
    OPEN_STATUSES,
    Task,
    TaskSource,
    TaskStatus,
    task_coordinators,
)

NONE = "none"
"""The value of ``leader_id`` / ``sector_id`` that lists the tasks without a leader / a sector."""
MAX_PER_PAGE = 200
SortKey = Literal["deadline", "created", "agency", "status"]
GroupBy = Literal["status", "agency", "leader", "source", "sector", "month", "quarter", "year"]
PERIOD_GROUPS = ("month", "quarter", "year")
STATUS_ORDER = tuple(TaskStatus)
SearchText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class TaskFilter(Query):
    """Which tasks: every field narrows the list (AND); the user's scope always applies on top."""

    model_config = ConfigDict(frozen=True)

    unit_id: Id | None = Field(default=None, description="An agency leading or coordinating the task")
    lead_unit_id: Id | None = Field(default=None, description="The lead agency only")
    leader_id: Id | Literal["none"] | None = Field(default=None, description="The assigning leader, or none")
    sector_id: Id | Literal["none"] | None = Field(default=None, description="The field (lĩnh vực), or none")
    source: TaskSource | None = None
    status: TaskStatus | None = Field(default=None, description="The stored status")
    derived: Derived | None = Field(default=None, description="The reporting status (on time, overdue…)")
    period_from: VnDate | None = Field(default=None, description="First day of the period (included)")
    period_to: VnDate | None = Field(default=None, description="Last day of the period (included)")
    period_on: Literal["deadline", "created"] = Field(default="deadline",
                                                       description="The period applies to the deadline or to "
                                                                   "the day the task was entered")
    has_deadline: bool | None = None
    extended: bool | None = Field(default=None, description="true: tasks whose deadline is now later than the "
                                                             "one first given (extended); false: the others")
    portfolio: Literal["me", "all"] = Field(default="all", description="me: the caller's portfolio (tasks it "
                                                                       "assigned, its sectors and agencies)")
    q: SearchText = Field(default="", description="Words in the content")
    basis: DeadlineBasis = Field(default=DeadlineBasis.FINAL, description="Count by the final (after "
                                                                          "extensions) or the original deadline")
    units: Literal["today", "recorded"] = Field(default="today", description="Agencies as they are today (a "
                                                "reorganised agency's tasks count under its successor) or as "
                                                "recorded at the time")
    include_parents: bool = Field(default=False, description="Also split tasks themselves (normally only their "
                                                             "parts count)")

    def params(self) -> dict[str, str]:
        """The query string that gives back this filter (defaults left out, ``portfolio`` always kept, since a
        list page opens a leader on its portfolio when it is absent)."""
        data = self.model_dump(mode="json", exclude_defaults=True)
        data["portfolio"] = self.portfolio
        return {key: _param(value) for key, value in data.items()}


def _param(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return value  # an ISO date, accepted back as it is
    return str(value)


@dataclass(frozen=True)
class Sort:
    key: SortKey = "deadline"
    descending: bool = False


@dataclass(frozen=True)
class Page:
    number: int = 1
    size: int = 50

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


@dataclass(frozen=True)
class TaskRow:
    task: Task
    derived: Derived
    today: date
    basis: DeadlineBasis = DeadlineBasis.FINAL

    @property
    def deadline(self) -> date | None:
        """The deadline the derived status was taken from (the final one, or the original one)."""
        if self.basis == DeadlineBasis.ORIGINAL:
            return self.task.original_deadline_on or self.task.deadline_on
        return self.task.deadline_on

    @property
    def days_overdue(self) -> int | None:
        if self.derived != Derived.OVERDUE or self.deadline is None:
            return None
        return (self.today - self.deadline).days


def _dialect() -> str:
    return db.session.get_bind().dialect.name


# --- clauses -------------------------------------------------------------------------------------

def involves_unit(unit_id: int) -> sa.ColumnElement[bool]:
    """Tasks the unit leads or coordinates (two index lookups, OR-ed: no join, no duplicates)."""
    return involves_units([unit_id])


def involves_units(unit_ids: list[int]) -> sa.ColumnElement[bool]:
    coordinated = sa.select(task_coordinators.c.task_id).where(task_coordinators.c.unit_id.in_(unit_ids))
    return sa.or_(Task.lead_unit_id.in_(unit_ids), Task.id.in_(coordinated))


def _units_counted(f: TaskFilter, unit_id: int) -> list[int]:
    """The recorded units whose tasks are ``unit_id``'s under the filter's view of the agencies."""
    return [unit_id] if f.units == "recorded" else counted_as(unit_id, today_units())


def lead_unit_key(f: TaskFilter) -> sa.ColumnElement:
    """The lead agency a task counts under: as recorded, or the one carrying its work today."""
    today = today_units() if f.units == "today" else {}
    return sa.case(today, value=Task.lead_unit_id, else_=Task.lead_unit_id) if today else Task.lead_unit_id


def scope_clause(user: User) -> sa.ColumnElement[bool]:
    """``policy.task_scope`` as SQL: the same tasks the per-object VIEW_TASK rule lets the user see."""
    scope = task_scope(user)
    if scope == TaskScope.ALL:
        return sa.true()
    if scope == TaskScope.UNIT and user.unit_id is not None:
        return involves_unit(user.unit_id)
    return sa.false()


def portfolio_clause(user: User) -> sa.ColumnElement[bool]:
    """The user's portfolio: tasks it assigned (a leader), in its sectors, or led by its agencies (with the
    history of the agencies they took over in a reorganisation)."""
    sectors = sa.select(portfolio_sectors.c.sector_id).where(portfolio_sectors.c.user_id == user.id)
    units = with_predecessors(sa.select(portfolio_units.c.unit_id).where(portfolio_units.c.user_id == user.id))
    return sa.or_(Task.assigned_by_id == user.id, Task.sector_id.in_(sectors), Task.lead_unit_id.in_(units))


def _optional_id(column: sa.ColumnElement, value: int | str | None) -> sa.ColumnElement[bool] | None:
    if value is None:
        return None
    return column.is_(None) if value == NONE else column == value


def _period_clauses(f: TaskFilter) -> list[sa.ColumnElement[bool]]:
    if f.period_on == "created":
        start, end = day_bounds(f.period_from, f.period_to)
        return [c for c in ((Task.created_at >= start) if start else None,
                            (Task.created_at < end) if end else None) if c is not None]
    deadline = deadline_column(f.basis)
    clauses = []
    if f.period_from:
        clauses.append(deadline >= f.period_from)
    if f.period_to:
        clauses.append(deadline <= f.period_to)
    return clauses


def _derived_clauses(derived: Derived, basis: DeadlineBasis, on: date) -> list[sa.ColumnElement[bool]]:
    """``derived_expression == derived`` spelled out as plain conditions on the status and the deadline, so that
    the planner can estimate them and use the indexes on (status, deadline_on). The property test of the
    statistics holds the two definitions equal."""
    deadline = deadline_column(basis)
    done, still_open = Task.status.in_(DONE_STATUSES), Task.status.in_(OPEN_STATUSES)
    on_time = sa.or_(deadline.is_(None), Task.completed_on <= deadline)
    soon = on + timedelta(days=due_soon_days())
    return {
        Derived.CLOSED: [Task.status.in_(CLOSED_STATUSES)],
        Derived.DONE_ON_TIME: [done, on_time],
        Derived.DONE_LATE: [done, deadline.isnot(None),
                            sa.or_(Task.completed_on.is_(None), Task.completed_on > deadline)],
        Derived.OVERDUE: [still_open, deadline < on],
        Derived.DUE_SOON: [still_open, deadline >= on, deadline <= soon],
        Derived.NOT_YET_DUE: [still_open, sa.or_(deadline.is_(None), deadline > soon)],
    }[derived]


def _extended() -> sa.ColumnElement[bool]:
    return sa.and_(Task.original_deadline_on.isnot(None), Task.deadline_on.isnot(None),
                   Task.deadline_on > Task.original_deadline_on)


def _search(text: str) -> sa.ColumnElement[bool]:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Task.content.ilike(f"%{escaped}%", escape="\\")


def base_clauses(user: User, f: TaskFilter, on: date | None = None) -> list[sa.ColumnElement[bool]]:
    """The WHERE of every list, count and statistic: the scope, then the filter."""
    on = on or today()
    clauses: list[sa.ColumnElement[bool] | None] = [
        scope_clause(user),
        None if f.include_parents else countable(),
        involves_units(_units_counted(f, f.unit_id)) if f.unit_id else None,
        Task.lead_unit_id.in_(_units_counted(f, f.lead_unit_id)) if f.lead_unit_id else None,
        _optional_id(Task.assigned_by_id, f.leader_id),
        _optional_id(Task.sector_id, f.sector_id),
        (Task.source == f.source) if f.source else None,
        (Task.status == f.status) if f.status else None,
        None if f.has_deadline is None else (deadline_column(f.basis).isnot(None) if f.has_deadline
                                             else deadline_column(f.basis).is_(None)),
        None if f.extended is None else (_extended() if f.extended else sa.not_(_extended())),
        portfolio_clause(user) if f.portfolio == "me" else None,
        _search(f.q) if f.q else None,
        *_period_clauses(f),
        *(_derived_clauses(f.derived, f.basis, on) if f.derived else ()),
    ]
    return [c for c in clauses if c is not None]


# --- the list ------------------------------------------------------------------------------------

def _order(sort: Sort, basis: DeadlineBasis, agency) -> list:
    deadline = deadline_column(basis)
    status_rank = sa.case({s.value: i for i, s in enumerate(STATUS_ORDER)}, value=Task.status)
    keys = {
        "deadline": [deadline.is_(None), deadline],  # tasks without a deadline last
        "created": [Task.created_at],
        "agency": [agency.name],
        "status": [status_rank],
    }[sort.key]
    ordered = [k.desc() if sort.descending and i == len(keys) - 1 else k for i, k in enumerate(keys)]
    return [*ordered, Task.id.desc() if sort.descending else Task.id]


def tasks_page(user: User, f: TaskFilter, sort: Sort = Sort(), page: Page = Page(),
               on: date | None = None) -> tuple[list[TaskRow], int]:
    """One page of the tasks ``user`` may see matching ``f``, with their derived status, and the total."""
    on = on or today()
    clauses = base_clauses(user, f, on)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Task).where(*clauses)) or 0
    agency = aliased(Unit)
    stmt = (sa.select(Task, derived_expression(on, f.basis).label("derived"))
            .join(agency, agency.id == Task.lead_unit_id).where(*clauses)
            .order_by(*_order(sort, f.basis, agency)).limit(page.size).offset(page.offset)
            .options(selectinload(Task.coordinating_units), selectinload(Task.sector),
                     selectinload(Task.assigned_by)))
    rows = [TaskRow(task, Derived(derived), on, f.basis) for task, derived in db.session.execute(stmt)]
    return rows, total


def all_tasks(user: User, f: TaskFilter, sort: Sort = Sort(), on: date | None = None, batch: int = 1000):
    """Every task of the filter as ``TaskRow``s, read in batches (for exports)."""
    on = on or today()
    agency = aliased(Unit)
    stmt = (sa.select(Task, derived_expression(on, f.basis).label("derived"))
            .join(agency, agency.id == Task.lead_unit_id).where(*base_clauses(user, f, on))
            .order_by(*_order(sort, f.basis, agency))
            .options(selectinload(Task.coordinating_units), selectinload(Task.sector),
                     selectinload(Task.assigned_by))
            .execution_options(yield_per=batch))
    for task, derived in db.session.execute(stmt):
        yield TaskRow(task, Derived(derived), on, f.basis)


# --- statistics ----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def _params_of(f: TaskFilter) -> dict[str, str]:
    return f.params()


def _override_params(overrides: dict) -> dict[str, str]:
    return {key: value.isoformat() if isinstance(value, date) else _param(getattr(value, "value", value))
            for key, value in overrides.items()}


@dataclass
class GroupStats:
    """One group's count of tasks per derived status. The group's list is ``base`` with ``overrides``; the list
    of one count is that list narrowed to the count's derived status (``list_filter``)."""

    key: str | int | None
    counts: dict[Derived, int]
    base: TaskFilter
    overrides: dict = field(default_factory=dict)
    late_delay_days: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def overdue(self) -> int:
        return self.counts[Derived.OVERDUE]

    @property
    def on_time_rate(self) -> float | None:
        """done on time / (done on time + done late); None when nothing is done."""
        on_time, late = self.counts[Derived.DONE_ON_TIME], self.counts[Derived.DONE_LATE]
        return on_time / (on_time + late) if on_time + late else None

    @property
    def average_delay_days(self) -> float | None:
        """The average delay, in days, of the tasks done late."""
        late = self.counts[Derived.DONE_LATE]
        return self.late_delay_days / late if late else None

    def has_list(self, derived: Derived | None = None) -> bool:
        """False for a count outside the filter's own derived status: zero by construction, nothing to list."""
        return derived is None or self.base.derived in (None, derived)

    def list_filter(self, derived: Derived | None = None) -> TaskFilter | None:
        """The filter listing exactly the tasks of the group (or of one of its counts)."""
        if not self.has_list(derived):
            return None
        return self.base.model_copy(update=self.overrides if derived is None else {**self.overrides,
                                                                                  "derived": derived})

    def list_params(self, derived: Derived | None = None) -> dict[str, str] | None:
        """``list_filter(derived).params()``, cheaper: a statistic by agency has hundreds of groups."""
        if not self.has_list(derived):
            return None
        params = {**_params_of(self.base), **_override_params(self.overrides)}
        if derived is not None:
            params["derived"] = derived.value
        return params


@dataclass(frozen=True)
class OverdueTask:
    id: int
    content: str
    lead_unit_id: int
    lead_unit_name: str
    deadline_on: date
    days_overdue: int


@dataclass
class Statistics:
    today: date
    group_by: GroupBy
    filter: TaskFilter
    groups: list[GroupStats]
    totals: GroupStats
    overdue_list: list[OverdueTask] = field(default_factory=list)
    labels: dict = field(default_factory=dict)
    """Names of the groups' keys: units, leaders, sectors (by id)."""


def days_between(later: sa.ColumnElement, earlier: sa.ColumnElement) -> sa.ColumnElement[int]:
    """``later - earlier`` in days, in SQL, on SQLite and PostgreSQL alike."""
    if _dialect() == "sqlite":
        return sa.cast(sa.func.julianday(later) - sa.func.julianday(earlier), sa.Integer)
    return later - earlier


def _period_source(f: TaskFilter) -> sa.ColumnElement:
    """The local day a period group is taken from: the deadline, or the day the task was entered."""
    if f.period_on == "deadline":
        return deadline_column(f.basis)
    if _dialect() == "sqlite":  # naive UTC text: shift by the zone's offset (Việt Nam keeps no summer time)
        offset = int(local_zone().utcoffset(datetime.now()).total_seconds())
        return sa.func.date(Task.created_at, f"{offset:+d} seconds")
    return sa.cast(sa.func.timezone(str(local_zone()), Task.created_at), sa.Date)


def _period_key(group_by: str, day: sa.ColumnElement) -> sa.ColumnElement[str]:
    """'2026-03', '2026-Q1' or '2026' for a local day, in SQL."""
    if _dialect() == "sqlite":
        year = sa.func.strftime("%Y", day)
        if group_by == "month":
            return sa.func.strftime("%Y-%m", day)
        if group_by == "quarter":
            quarter = (sa.cast(sa.func.strftime("%m", day), sa.Integer) + 2) // 3
            return year + "-Q" + sa.cast(quarter, sa.String)
        return year
    fmt = {"month": "YYYY-MM", "quarter": 'YYYY-"Q"Q', "year": "YYYY"}[group_by]
    return sa.func.to_char(day, fmt)


def _group_key(group_by: GroupBy, f: TaskFilter) -> sa.ColumnElement:
    if group_by in PERIOD_GROUPS:
        return _period_key(group_by, _period_source(f))
    if group_by == "agency":
        return lead_unit_key(f)
    return {"status": Task.status, "leader": Task.assigned_by_id,
            "source": Task.source, "sector": Task.sector_id}[group_by]


def period_range(key: str) -> tuple[date, date]:
    """The first and last day of '2026-03', '2026-Q1' or '2026'."""
    year = int(key[:4])
    if "-Q" in key:
        quarter = int(key[-1])
        first_month, last_month = 3 * quarter - 2, 3 * quarter
    elif len(key) == 7:
        first_month = last_month = int(key[5:7])
    else:
        first_month, last_month = 1, 12
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


def group_overrides(f: TaskFilter, group_by: GroupBy, key) -> dict:
    """What to change in ``f`` to list the tasks of one group."""
    if group_by in PERIOD_GROUPS:
        if key is None:
            return {"has_deadline": False}
        first, last = period_range(key)
        return {"period_from": max(first, f.period_from) if f.period_from else first,
                "period_to": min(last, f.period_to) if f.period_to else last}
    if key is None:
        value = NONE
    elif group_by == "status":
        value = TaskStatus(key)
    elif group_by == "source":
        value = TaskSource(key)
    else:
        value = key
    name = {"status": "status", "agency": "lead_unit_id", "leader": "leader_id", "source": "source",
            "sector": "sector_id"}[group_by]
    return {name: value}


def _grouped_numbers(user: User, f: TaskFilter, group_by: GroupBy, on: date):
    """{key: {derived: count}} and {key: summed delay of the tasks done late}, from one GROUP BY over the
    labelled subquery, the derived values counted per column. ``OFFSET 0`` keeps the subquery whole: flattened,
    SQLite would evaluate the derived CASE once per column instead of once per row."""
    labelled = (sa.select(_group_key(group_by, f).label("key"), derived_expression(on, f.basis).label("derived"),
                          Task.completed_on.label("completed_on"), deadline_column(f.basis).label("deadline"))
                .where(*base_clauses(user, f, on)).offset(0).subquery())
    late = labelled.c.derived == Derived.DONE_LATE.value  # the delay is computed for those rows only
    per_derived = [sa.func.sum(sa.case((labelled.c.derived == d.value, 1), else_=0)) for d in Derived]
    delay = sa.func.sum(sa.case((late, days_between(labelled.c.completed_on, labelled.c.deadline)), else_=0))
    stmt = sa.select(labelled.c.key, delay, *per_derived).group_by(labelled.c.key)
    numbers: dict = {}
    delays: dict = {}
    for key, delay_days, *counts in db.session.execute(stmt):
        key = key.value if hasattr(key, "value") else key
        numbers[key] = {d: int(n or 0) for d, n in zip(Derived, counts)}
        delays[key] = int(delay_days or 0)
    return numbers, delays


def _sorted_keys(keys, group_by: GroupBy, labels: dict) -> list:
    if group_by == "status":
        return sorted(keys, key=lambda k: STATUS_ORDER.index(TaskStatus(k)))
    if group_by in PERIOD_GROUPS or group_by == "source":
        return sorted(keys, key=lambda k: (k is None, k or ""))
    return sorted(keys, key=lambda k: (k is None, str(labels.get(k, "")).casefold()))


def _labels(group_by: GroupBy, keys) -> dict:
    ids = [k for k in keys if k is not None]
    if not ids:
        return {}
    if group_by == "agency":
        return dict(db.session.execute(sa.select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())
    if group_by == "leader":
        return dict(db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids))).all())
    if group_by == "sector":
        return dict(db.session.execute(sa.select(Sector.id, Sector.name).where(Sector.id.in_(ids))).all())
    return {}


def overdue_tasks(user: User, f: TaskFilter, limit: int, on: date | None = None) -> list[OverdueTask]:
    """The most overdue tasks first, with their days overdue."""
    on = on or today()
    if f.derived not in (None, Derived.OVERDUE) or limit <= 0:
        return []
    deadline = deadline_column(f.basis)
    overdue = f.model_copy(update={"derived": Derived.OVERDUE})
    stmt = (sa.select(Task.id, Task.content, Task.lead_unit_id, Unit.name, deadline)
            .join(Unit, Unit.id == Task.lead_unit_id).where(*base_clauses(user, overdue, on))
            .order_by(deadline, Task.id).limit(limit))
    return [OverdueTask(id, content, unit_id, unit_name, due, (on - due).days)
            for id, content, unit_id, unit_name, due in db.session.execute(stmt)]


def statistics(user: User, f: TaskFilter, group_by: GroupBy = "agency", *, overdue_limit: int = 20,
               on: date | None = None) -> Statistics:
    """Counts per derived status for each group, the totals (their sums) and the overdue list; every count
    with the filter of its list."""
    on = on or today()
    numbers, delays = _grouped_numbers(user, f, group_by, on)
    labels = _labels(group_by, numbers.keys())
    groups = [GroupStats(key=key, counts=numbers[key], base=f, overrides=group_overrides(f, group_by, key),
                         late_delay_days=delays[key]) for key in _sorted_keys(numbers.keys(), group_by, labels)]
    summed = {d: sum(per_key[d] for per_key in numbers.values()) for d in Derived}
    totals = GroupStats(key=None, counts=summed, base=f, late_delay_days=sum(delays.values()))
    return Statistics(today=on, group_by=group_by, filter=f, groups=groups, totals=totals,
                      overdue_list=overdue_tasks(user, f, overdue_limit, on), labels=labels)
