"""Importing tasks from an Excel sheet (.xlsx), one task per row, with the columns of the export
(``ecabinet.tasks.exports.COLUMNS``).

``preview(data)`` reads and checks every row and names each error by its row number and its column;
``confirm(sha256, actor)`` reads the stored file again, checks it again (the preview is never trusted) and
saves every row in the caller's transaction, or nothing when any row has an error. The file is kept in the
content store (``core.storage``) between the two by its SHA-256, which the confirm form carries.

Headers are found in the first rows of the first sheet that has them, whatever their case, spacing, Unicode
normalisation or missing diacritics ("noi dung" is "Nội dung"); unknown columns, "Trạng thái", "Tình trạng" and
"Ngày hoàn thành" are ignored: an imported task starts new.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role, User
from ecabinet.core import sandbox, storage
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.spreadsheet import Sheet, unescaped, workbook
from ecabinet.notify import operations as notify
from ecabinet.org.models import Sector, Unit
from ecabinet.tasks.exports import COLUMNS, COORDINATOR_SEPARATOR, PRIORITY_LABELS, RECURRENCE_LABELS, SOURCE_LABELS
from ecabinet.tasks.models import Priority, Recurrence, Task, TaskSource, TaskStatus
from ecabinet.tasks.reminders import short

READ_COLUMNS = COLUMNS[:11]
"""The columns read back, by their headers (the export's first eleven; a sheet may leave out all but two)."""
CONTENT, SOURCE, REFERENCE, LEADER, LEAD_UNIT, COORDINATORS, SECTOR, DEADLINE, PRIORITY, RECURRENCE, UNTIL = \
    READ_COLUMNS
REQUIRED_HEADERS = (CONTENT, LEAD_UNIT)
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""An .xlsx is a zip: more than this once unpacked is a decompression bomb, not a list of tasks."""
HEADER_SEARCH_ROWS = 10
"""The header row may follow a title: it is looked for in this many first rows."""
MAX_CONTENT, MAX_REFERENCE = 5000, 255
FIRST_YEAR, LAST_YEAR = 2000, 2100
EXCEL_EPOCH = datetime(1899, 12, 30)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- normalising -------------------------------------------------------------------------------

def _spaced(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def normal(text: str) -> str:
    """Case, spacing and Unicode form ignored: for names typed by people."""
    return _spaced(text).casefold()


def folded(text: str) -> str:
    """``normal`` without diacritics ("Cơ quan chủ trì" → "co quan chu tri"): for headers."""
    decomposed = unicodedata.normalize("NFD", normal(text).replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def cell_text(value: Any) -> str:
    """What a cell shows, as text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _spaced(unescaped(str(value)))


# --- the result ----------------------------------------------------------------------------------

@dataclass
class ImportRow:
    """One row of the sheet: its number there, what it shows per column, and its errors per column."""

    number: int
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    task: dict[str, Any] | None = None
    """The task's fields when the row is clean."""


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    sha256: str | None = None
    """The stored file, for the confirm form (only a clean sheet is stored)."""

    @property
    def rows_with_errors(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def clean(self) -> bool:
        return bool(self.rows) and not self.rows_with_errors


class ImportRefused(DomainError):
    """A confirm refused because the sheet has errors: ``preview`` shows them."""

    def __init__(self, preview: ImportPreview) -> None:
        count = len(preview.rows_with_errors)
        super().__init__("import_has_errors", _("The sheet still has %(count)s rows with errors: no task has been "
                                                "imported. Correct the marked rows and upload it again.",
                                                count=count), "file", 422)
        self.preview = preview


def _file_error(code: str, message: str) -> DomainError:
    return DomainError(code, message, "file", 422)


# --- reading the workbook ------------------------------------------------------------------------

def _check_package(data: bytes) -> None:
    if not data:
        raise _file_error("empty_file", _("The file is empty: choose the Excel file (.xlsx) of the tasks."))
    if len(data) > MAX_BYTES:
        raise _file_error("file_too_large", _("The file is larger than %(mb)s MB: split the sheet into several "
                                              "files.", mb=MAX_BYTES // (1024 * 1024)))
    not_xlsx = _file_error("not_xlsx", _("The file is not an Excel sheet (.xlsx). Save the sheet as “Excel Workbook "
                                         "(.xlsx)” and upload it again (.xls, .csv and .ods files cannot be used)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_xlsx from None
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise not_xlsx
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise _file_error("file_too_large", _("The file is far too large once unpacked: this is not a valid list "
                                              "of tasks."))


def _sheet_rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """``(row number, {header: cell value})`` for each row under the header that is not blank. The workbook is
    parsed in an isolated worker process (``ecabinet.core.sandbox``): an .xlsx is a zip of XML, a bomb's shape."""
    _check_package(data)
    try:
        problem, rows = sandbox.run_isolated("ecabinet.tasks.importing.reading:read_rows", data)
    except sandbox.SandboxError:
        raise _file_error("too_complex", _("The file is too complex to process safely and is refused.")) from None
    if problem == "not_xlsx":
        raise _file_error("not_xlsx", _("The sheet cannot be read: the .xlsx file is damaged or not in the right "
                                        "format."))
    if problem == "missing_columns":
        raise _file_error("missing_columns", _("No header row with the columns “%(content)s” and "
                                               "“%(lead)s” was found. Use the template.", content=CONTENT,
                                               lead=LEAD_UNIT))
    if problem == "too_many_rows":
        raise _file_error("too_many_rows", _("The sheet has more than %(max)s tasks: split it into several "
                                             "files.", max=MAX_ROWS))
    return rows


# --- looking names up ----------------------------------------------------------------------------

class _Names:
    """Lookup of a name or code among records; a name shared by several is ambiguous."""

    def __init__(self) -> None:
        self._by_key: dict[str, set[int]] = defaultdict(set)

    def add(self, record_id: int, *keys: str) -> None:
        for key in keys:
            if key:
                self._by_key[normal(key)].add(record_id)

    def find(self, text: str) -> int | None | str:
        """The id, None when unknown, "ambiguous" when several match."""
        ids = self._by_key.get(normal(text), set())
        if len(ids) > 1:
            return "ambiguous"
        return next(iter(ids), None)


class _Lookups:
    """Everything a row may name, loaded once per sheet."""

    def __init__(self) -> None:
        self.units = _Names()
        for unit in db.session.scalars(sa.select(Unit).where(Unit.active.is_(True))):
            self.units.add(unit.id, unit.code, unit.name)
        self.leaders = _Names()
        for leader in accounts.users_with_role(Role.LEADER):
            self.leaders.add(leader.id, leader.username, leader.full_name)
        self.sectors = _Names()
        for sector in db.session.scalars(sa.select(Sector).where(Sector.active.is_(True))):
            self.sectors.add(sector.id, sector.code, sector.name)
        self.sources = {normal(label): source for source, label in SOURCE_LABELS.items()}
        self.sources.update({normal(source.value): source for source in TaskSource})
        self.priorities = {normal(label): priority for priority, label in PRIORITY_LABELS.items()}
        self.priorities.update({normal(priority.value): priority for priority in Priority})
        # Three fixed words, none differing from another by its diacritics only: typed without them too.
        self.recurrences = {folded(label): recurrence for recurrence, label in RECURRENCE_LABELS.items()}
        self.recurrences.update({folded(recurrence.value): recurrence for recurrence in Recurrence})


def _named(names: _Names, text: str, what: str, errors: dict[str, str], column: str) -> int | None:
    found = names.find(text)
    if found == "ambiguous":
        errors[column] = _("“%(text)s” is the name of more than one %(what)s: write the code (or the username).",
                           text=text, what=what)
        return None
    if found is None:
        errors[column] = _("No %(what)s named “%(text)s” was found.", what=what, text=text)
    return found


# --- checking a row ------------------------------------------------------------------------------

def _excel_day(serial: float) -> date:
    """The day of an Excel serial date: days after 30/12/1899, less one before 1 March 1900 (Excel counts a
    29 February 1900 that never was), as openpyxl's ``from_excel`` reads it."""
    return (EXCEL_EPOCH + timedelta(days=serial + 1 if serial < 60 else serial)).date()


def parse_deadline(value: Any) -> date | None:
    """A real Excel date, dd/mm/yyyy, yyyy-mm-dd or an Excel day number; ValueError otherwise."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value <= 2958465:
            raise ValueError(value)
        day = _excel_day(value)
    else:
        text = cell_text(value)
        pattern = "%Y-%m-%d" if re.match(r"^\d{4}-\d{1,2}-\d{1,2}$", text) else "%d/%m/%Y"
        day = datetime.strptime(text, pattern).date()
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(day)
    return day


def _check_content(values: dict[str, Any], errors: dict[str, str]) -> str:
    content = unicodedata.normalize("NFC", unescaped(str(values.get(CONTENT) or ""))).strip()
    if not content:
        errors[CONTENT] = _("The task is not written.")
    elif len(content) > MAX_CONTENT:
        errors[CONTENT] = _("The text is longer than %(max)s characters.", max=MAX_CONTENT)
    return content


def _check_source(text: str, lookups: _Lookups, errors: dict[str, str]) -> TaskSource:
    if not text:
        return TaskSource.MANUAL
    source = lookups.sources.get(normal(text))
    if source is None:
        choices = ", ".join(f"“{label}”" for s, label in SOURCE_LABELS.items() if s != TaskSource.NOTICE)
        errors[SOURCE] = _("The source “%(text)s” is not valid: use %(choices)s.", text=text, choices=choices)
    elif source == TaskSource.NOTICE:
        errors[SOURCE] = _("Tasks from a conclusion notice are created when the notice is issued in the system; "
                           "choose another source and write the document number.")
    return source or TaskSource.MANUAL


def _check_units(values: dict[str, str], lookups: _Lookups, errors: dict[str, str]) -> tuple[int | None, list[int]]:
    lead = values[LEAD_UNIT]
    lead_id = _named(lookups.units, lead, _("lead agency"), errors, LEAD_UNIT) if lead else None
    if not lead:
        errors[LEAD_UNIT] = _("No lead agency.")
    coordinating: list[int] = []
    problems = []
    for name in (part.strip() for part in values[COORDINATORS].split(COORDINATOR_SEPARATOR)):
        if not name:
            continue
        found = lookups.units.find(name)
        if found == "ambiguous" or found is None:
            problems.append(f"“{name}”" + (" " + _("(a name shared by several: write the code)") if found else ""))
        elif found == lead_id:
            errors[COORDINATORS] = _("The lead agency cannot also be a coordinating agency.")
        elif found not in coordinating:
            coordinating.append(found)
    if problems:
        errors[COORDINATORS] = _("Coordinating agencies not found: %(names)s.", names=", ".join(problems))
    return lead_id, coordinating


def _check_day(raw: Any, text: str, column: str, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        return parse_deadline(raw)
    except ValueError:
        errors[column] = _("%(column)s “%(text)s” is not a valid date: write it as dd/mm/yyyy.", column=column,
                           text=text)
        return None


def _check_priority(text: str, lookups: _Lookups, errors: dict[str, str]) -> Priority:
    if not text:
        return Priority.NORMAL
    priority = lookups.priorities.get(normal(text))
    if priority is None:
        choices = ", ".join(f"“{label}”" for label in PRIORITY_LABELS.values())
        errors[PRIORITY] = _("The priority “%(text)s” is not valid: use %(choices)s.", text=text, choices=choices)
    return priority or Priority.NORMAL


def _check_recurrence(values: dict[str, str], raw: dict[str, Any], deadline: date | None, lookups: _Lookups,
                      errors: dict[str, str]) -> tuple[Recurrence, date | None]:
    """A periodic report (monthly, quarterly) and the last day of its series, checked as the task form does."""
    text = values[RECURRENCE]
    recurrence = lookups.recurrences.get(folded(text)) if text else Recurrence.NONE
    if recurrence is None:
        choices = ", ".join(f"“{label}”" for label in RECURRENCE_LABELS.values())
        errors[RECURRENCE] = _("The periodic report “%(text)s” is not valid: use %(choices)s.", text=text,
                               choices=choices)
        recurrence = Recurrence.NONE
    elif recurrence != Recurrence.NONE and deadline is None and DEADLINE not in errors:
        errors[RECURRENCE] = _("A periodic report needs the deadline of its first period.")
    until = _check_day(raw.get(UNTIL), values[UNTIL], UNTIL, errors)
    if until is not None and recurrence == Recurrence.NONE and RECURRENCE not in errors:
        errors[UNTIL] = _("Fill in “%(column)s” only for a periodic report.", column=UNTIL)
    elif until is not None and deadline is not None and until < deadline:
        errors[UNTIL] = _("“%(column)s” cannot be before the deadline of the first period.", column=UNTIL)
    return recurrence, until


def check_row(number: int, raw: dict[str, Any], lookups: _Lookups) -> ImportRow:
    """Every column of one row checked; the task's fields when nothing is wrong."""
    values = {name: cell_text(raw.get(name)) for name in READ_COLUMNS}
    row = ImportRow(number=number, values=values)
    errors = row.errors
    content = _check_content(raw, errors)
    source = _check_source(values[SOURCE], lookups, errors)
    reference = values[REFERENCE]
    if len(reference) > MAX_REFERENCE:
        errors[REFERENCE] = _("The document number is longer than %(max)s characters.", max=MAX_REFERENCE)
    leader_id = _named(lookups.leaders, values[LEADER], _("leader"), errors, LEADER) if values[LEADER] else None
    lead_id, coordinating = _check_units(values, lookups, errors)
    sector_id = _named(lookups.sectors, values[SECTOR], _("field of work"), errors, SECTOR) if values[SECTOR] else None
    deadline = _check_day(raw.get(DEADLINE), values[DEADLINE], DEADLINE, errors)
    priority = _check_priority(values[PRIORITY], lookups, errors)
    recurrence, until = _check_recurrence(values, raw, deadline, lookups, errors)
    if not errors:
        row.task = {"content": content, "source": source, "source_reference": reference,
                    "assigned_by_id": leader_id, "lead_unit_id": lead_id, "coordinating": coordinating,
                    "sector_id": sector_id, "deadline_on": deadline, "priority": priority,
                    "recurrence": recurrence, "recurrence_until": until}
    return row


def _check_sheet(data: bytes) -> ImportPreview:
    lookups = _Lookups()
    rows = [check_row(number, raw, lookups) for number, raw in _sheet_rows(data)]
    if not rows:
        raise _file_error("empty_sheet", _("The sheet has no task rows under the header row."))
    return ImportPreview(rows=rows)


def preview(data: bytes) -> ImportPreview:
    """Read and check the sheet; a clean one is stored for the confirmation (``sha256``). A file that cannot
    be a list of tasks is a ``DomainError`` (422, field "file")."""
    result = _check_sheet(data)
    if result.clean:
        result.sha256 = storage.store_bytes(data)
    return result


# --- saving --------------------------------------------------------------------------------------

def _stored(sha256: str) -> bytes:
    missing = _file_error("import_file_missing", _("The uploaded file cannot be found: upload it again."))
    if not storage.SHA256_RE.match(sha256 or ""):
        raise missing
    try:
        return storage.read_bytes(sha256)
    except storage.StorageError:
        raise missing from None


def _new_task(fields: dict[str, Any], units: dict[int, Unit], actor: User) -> Task:
    return Task(content=fields["content"], source=fields["source"], source_reference=fields["source_reference"],
                assigned_by_id=fields["assigned_by_id"], lead_unit_id=fields["lead_unit_id"],
                coordinating_units=[units[unit_id] for unit_id in fields["coordinating"]],
                sector_id=fields["sector_id"], deadline_on=fields["deadline_on"],
                original_deadline_on=fields["deadline_on"], priority=fields["priority"], status=TaskStatus.NEW,
                recurrence=fields["recurrence"], recurrence_until=fields["recurrence_until"],
                recurrence_anchor_on=None if fields["recurrence"] == Recurrence.NONE else fields["deadline_on"],
                created_by_id=actor.id)


def _tell_agencies(tasks: list[Task]) -> None:
    """One notification per lead agency, listing its new tasks (not one per task: a sheet can hold hundreds)."""
    by_unit: dict[int, list[Task]] = defaultdict(list)
    for task in tasks:
        by_unit[task.lead_unit_id].append(task)
    batch = min(task.id for task in tasks)
    for unit_id, unit_tasks in sorted(by_unit.items()):
        lines = [f"- {short(t.content)}" + (f" ({_('due %(deadline)s', deadline=f'{t.deadline_on:%d/%m/%Y}')})"
                                             if t.deadline_on else "")
                 + f" — /tasks/{t.id}" for t in unit_tasks]
        notify.notify(
            f"task-import:{batch}:unit:{unit_id}", [u.id for u in accounts.liaisons_of([unit_id])],
            notify.Message(kind="task.assigned", link=f"/tasks?lead_unit_id={unit_id}",
                           subject=_("%(n)s new tasks for your agency", n=len(unit_tasks)),
                           body=_("The Office has entered new tasks that your agency leads:") + "\n"
                           + "\n".join(lines)))


def _receipt(sha256: str, actor: User, count: int) -> None:
    """The importer's receipt, once per file and person: its unique key makes a second confirmation of the same
    file (a double click, a form sent again, two tabs at once) a 409 instead of every task twice."""
    receipt = notify.notify(f"task-import:{sha256}", [actor.id], notify.Message(
        kind="task.imported", link="/tasks", subject=_("%(n)s tasks imported from Excel", n=count),
        body=_("You imported %(n)s tasks from an Excel sheet.", n=count)))
    if not receipt:
        raise DomainError("already_imported", _("This sheet has already been imported: its tasks are in the list "
                                                "and are not imported again."), "file", 409)


def confirm(sha256: str, actor: User) -> list[Task]:
    """Save every row of the stored sheet as a new task, checked again; ``ImportRefused`` (422) and nothing
    saved when any row has an error, 409 ``already_imported`` when this person imported this file before. The
    caller commits (the notifications are pushed then)."""
    result = _check_sheet(_stored(sha256))
    if not result.clean:
        raise ImportRefused(result)
    _receipt(sha256, actor, len(result.rows))
    unit_ids = {u for row in result.rows for u in row.task["coordinating"]}
    units = {u.id: u for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_(unit_ids)))} if unit_ids else {}
    tasks = [_new_task(row.task, units, actor) for row in result.rows]
    db.session.add_all(tasks)
    db.session.flush()
    _tell_agencies(tasks)
    return tasks


def template_workbook() -> bytes:
    """An empty sheet with the header row, to fill in."""
    return workbook([Sheet("Nhiệm vụ", [list(READ_COLUMNS)], widths=(60, 22, 28, 24, 20, 28, 20, 14, 14),
                           freeze="A2")])
