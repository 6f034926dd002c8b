"""The work programme in Excel: the export, and the import of a programme's items from a sheet of the same columns.

The sheet is read in the isolated worker (the task import's reader, given this sheet's columns); every row is
checked and each error named by its row and column in Vietnamese; a sheet with any error saves nothing (422).
The same file imported twice into a programme is refused (409): its SHA-256 keys the importer's receipt.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role, User
from ecabinet.core import sandbox
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.spreadsheet import Sheet, safe_row, workbook
from ecabinet.notify import operations as notify
from ecabinet.org.models import Unit
from ecabinet.programme import operations as ops
from ecabinet.programme.models import EventKind, ItemKind, ItemState, PeriodKind, Programme, ProgrammeItem
from ecabinet.tasks.importing.operations import cell_text, folded, normal

TITLE, KIND, PERIOD, LEAD_UNIT, LEADER, STATE = COLUMNS = (
    "Tên đề án, nội dung trình", "Loại", "Thời gian trình", "Cơ quan chủ trì", "Lãnh đạo phụ trách", "Tình trạng")
READ_COLUMNS = COLUMNS[:5]
REQUIRED = (TITLE, PERIOD, LEAD_UNIT)
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
MAX_TITLE = 1000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_LABELS = {ItemKind.SCHEME: "Đề án", ItemKind.REPORT: "Báo cáo", ItemKind.DECISION: "Quyết định",
               ItemKind.RESOLUTION: "Nghị quyết", ItemKind.PLAN: "Kế hoạch", ItemKind.OTHER: "Khác"}
STATE_LABELS = {ItemState.PROPOSED: "Đề xuất bổ sung", ItemState.PLANNED: "Chưa trình",
                ItemState.ON_AGENDA: "Đã đưa vào phiên họp", ItemState.DONE: "Đã trình",
                ItemState.DROPPED: "Đã đưa ra khỏi chương trình"}
MONTH_RE = re.compile(r"^(?:thang|t)?\s*(\d{1,2})$")
QUARTER_RE = re.compile(r"^(?:quy|q)\s*(\d|iv|i{1,3})$")
QUARTER_NUMERALS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _file_error(code: str, message: str) -> DomainError:
    return DomainError(code, message, "file", 422)


# --- export ------------------------------------------------------------------------------------

def row_of(item: ProgrammeItem) -> list[Any]:
    return safe_row([item.title, KIND_LABELS[item.kind], ops.period_of(item).label_vi(), item.lead_unit.name,
                     item.leader.full_name if item.leader else "", STATE_LABELS[item.state]])


def export_workbook(programme: Programme, items: list[ProgrammeItem]) -> bytes:
    return workbook([Sheet(f"Chương trình {programme.year}", [list(COLUMNS), *(row_of(i) for i in items)],
                           widths=(70, 14, 14, 36, 26, 24), freeze="A2")])


# --- import ------------------------------------------------------------------------------------

def parse_period(text: str) -> ops.Period | None:
    """"Tháng 3", "T3", "3" → March; "Quý II", "Quý 2", "Q2" → the second quarter; None when it is neither."""
    words = folded(text)
    if match := QUARTER_RE.match(words):
        number = QUARTER_NUMERALS.get(match.group(1)) or int(match.group(1))
        return ops.Period(PeriodKind.QUARTER, number) if 1 <= number <= 4 else None
    if match := MONTH_RE.match(words):
        number = int(match.group(1))
        return ops.Period(PeriodKind.MONTH, number) if 1 <= number <= 12 else None
    return None


class _Names:
    """A name (or code, or username) → the ids it names; several ids make it ambiguous."""

    def __init__(self, entries: list[tuple[int, tuple[str, ...]]]) -> None:
        self.ids: dict[str, set[int]] = defaultdict(set)
        for record_id, names in entries:
            for name in names:
                if name:
                    self.ids[normal(name)].add(record_id)

    def find(self, text: str, column: str, errors: dict[str, str]) -> int | None:
        found = self.ids.get(normal(text), set())
        if len(found) > 1:
            errors[column] = _("“%(text)s” names more than one: write the code or the username.", text=text)
        elif not found:
            errors[column] = _("“%(text)s” was not found.", text=text)
        return next(iter(found)) if len(found) == 1 else None


class _Lookups:
    def __init__(self) -> None:
        units = db.session.scalars(sa.select(Unit).where(Unit.active.is_(True)))
        self.units = _Names([(u.id, (u.code, u.name, u.short_name)) for u in units])
        self.leaders = _Names([(u.id, (u.username, u.full_name)) for u in accounts.users_with_role(Role.LEADER)])
        self.kinds = {folded(label): kind for kind, label in KIND_LABELS.items()}


@dataclass
class SheetRow:
    number: int
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    data: ops.ItemData | None = None


class SheetRefused(DomainError):
    """A sheet with errors: nothing is saved, ``rows`` tell what is wrong where."""

    def __init__(self, rows: list[SheetRow]) -> None:
        bad = [row for row in rows if row.errors]
        super().__init__("sheet_has_errors", _("%(count)s rows of the sheet have errors: nothing has been imported. "
                                               "Correct them and upload the sheet again.", count=len(bad)),
                         "file", 422)
        self.rows = bad


def check_row(number: int, raw: dict[str, Any], lookups: _Lookups) -> SheetRow:
    values = {name: cell_text(raw.get(name)) for name in READ_COLUMNS}
    row = SheetRow(number, values)
    errors = row.errors
    title = values[TITLE]
    if not title:
        errors[TITLE] = _("The title is missing.")
    elif len(title) > MAX_TITLE:
        errors[TITLE] = _("The title is longer than %(max)s characters.", max=MAX_TITLE)
    kind = lookups.kinds.get(folded(values[KIND])) if values[KIND] else ItemKind.OTHER
    if kind is None:
        errors[KIND] = _("The kind “%(text)s” is not valid: use %(choices)s.", text=values[KIND],
                         choices=", ".join(KIND_LABELS.values()))
    period = parse_period(values[PERIOD])
    if period is None:
        errors[PERIOD] = _("“%(text)s” is not a month or a quarter: write “Tháng 3” or “Quý II”.",
                           text=values[PERIOD])
    unit_id = lookups.units.find(values[LEAD_UNIT], LEAD_UNIT, errors) if values[LEAD_UNIT] else None
    if not values[LEAD_UNIT]:
        errors[LEAD_UNIT] = _("The lead agency is missing.")
    leader_id = lookups.leaders.find(values[LEADER], LEADER, errors) if values[LEADER] else None
    if not errors:
        row.data = ops.ItemData(title=title, kind=kind, period=period, lead_unit_id=unit_id, leader_id=leader_id)
    return row


def _sheet_rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    if not data:
        raise _file_error("empty_file", _("The file is empty: choose the Excel file (.xlsx) of the programme."))
    if len(data) > MAX_BYTES:
        raise _file_error("file_too_large", _("The file is larger than %(mb)s MB.", mb=MAX_BYTES // (1024 * 1024)))
    try:
        problem, rows = sandbox.run_isolated("ecabinet.tasks.importing.reading:read_rows", data, READ_COLUMNS,
                                             REQUIRED, MAX_ROWS)
    except sandbox.SandboxError:
        raise _file_error("too_complex", _("The file is too complex to process safely and is refused.")) from None
    if problem == "not_xlsx":
        raise _file_error("not_xlsx", _("The file is not an Excel sheet (.xlsx): save it as “Excel Workbook (.xlsx)” "
                                        "and upload it again."))
    if problem == "missing_columns":
        raise _file_error("missing_columns", _("No header row with the columns %(columns)s was found: use the "
                                               "exported sheet as the template.",
                                               columns=", ".join(f"“{c}”" for c in REQUIRED)))
    if problem == "too_many_rows":
        raise _file_error("too_many_rows", _("The sheet has more than %(max)s rows.", max=MAX_ROWS))
    if not rows:
        raise _file_error("empty_sheet", _("The sheet has no item under its header row."))
    return rows


def import_sheet(programme: Programme, data: bytes, actor: User) -> list[ProgrammeItem]:
    """Every row of the sheet as a planned item of ``programme``, or nothing (``SheetRefused``, 422)."""
    lookups = _Lookups()
    rows = [check_row(number, raw, lookups) for number, raw in _sheet_rows(data)]
    if any(row.errors for row in rows):
        raise SheetRefused(rows)
    digest = hashlib.sha256(data).hexdigest()
    receipt = notify.notify(f"programme-import:{programme.id}:{digest}", [actor.id], notify.Message(
        kind="programme.imported", link=f"/programme/{programme.year}",
        subject=_("%(n)s items imported into the work programme %(year)s", n=len(rows), year=programme.year),
        body=_("You imported %(n)s items from an Excel sheet.", n=len(rows))))
    if not receipt:
        raise DomainError("already_imported", _("This sheet has already been imported into this programme."),
                          "file", 409)
    return ops.enter_items(programme, [row.data for row in rows], actor, EventKind.IMPORTED)
