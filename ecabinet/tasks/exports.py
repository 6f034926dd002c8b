"""Exports of tasks: the Excel list (read back by the import) and the PDF briefing report (giao ban)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import current_app

from ecabinet.accounts.models import User
from ecabinet.core.clock import today
from ecabinet.core.spreadsheet import Sheet, safe_row, workbook
from ecabinet.documents import AdminDocument, Column, Heading, Note, Paragraph, Signature, Table, print_pdf
from ecabinet.tasks.derived import DeadlineBasis, Derived
from ecabinet.tasks.models import Priority, Recurrence, TaskSource, TaskStatus
from ecabinet.tasks.queries import Statistics, TaskFilter, TaskRow, statistics

COLUMNS: tuple[str, ...] = (
    "Nội dung",
    "Nguồn",
    "Số/ký hiệu văn bản",
    "Lãnh đạo giao",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Lĩnh vực",
    "Hạn xử lý",
    "Độ ưu tiên",
    "Báo cáo định kỳ",
    "Định kỳ đến ngày",
    "Trạng thái",
    "Tình trạng",
    "Ngày hoàn thành",
)
"""The header row of the Excel sheet, in order; the import reads the same columns back.

Cells as written: "Nguồn", "Độ ưu tiên", "Báo cáo định kỳ", "Trạng thái", "Tình trạng" hold the Vietnamese
labels below (``SOURCE_LABELS`` …); "Lãnh đạo giao" the leader's full name; "Cơ quan chủ trì" the unit's code;
"Cơ quan phối hợp" unit codes joined by ``COORDINATOR_SEPARATOR``; "Lĩnh vực" the sector's name;
dates dd/mm/yyyy (``DATE_FORMAT``). "Tình trạng" (derived) is informative: the import ignores it."""

COORDINATOR_SEPARATOR = ";"
DATE_FORMAT = "%d/%m/%Y"

SOURCE_LABELS: dict[TaskSource, str] = {
    TaskSource.NOTICE: "Thông báo kết luận",
    TaskSource.PROGRAMME: "Chương trình công tác",
    TaskSource.GOVERNMENT: "Chính phủ giao",
    TaskSource.MANUAL: "Nhập trực tiếp",
}
RECURRENCE_LABELS: dict[Recurrence, str] = {
    Recurrence.NONE: "Không",
    Recurrence.MONTHLY: "Hằng tháng",
    Recurrence.QUARTERLY: "Hằng quý",
}
PRIORITY_LABELS: dict[Priority, str] = {
    Priority.NORMAL: "Bình thường",
    Priority.HIGH: "Cao",
    Priority.URGENT: "Khẩn",
}
STATUS_LABELS: dict[TaskStatus, str] = {
    TaskStatus.NEW: "Mới giao",
    TaskStatus.IN_PROGRESS: "Đang thực hiện",
    TaskStatus.REPORTED_DONE: "Đã báo cáo hoàn thành",
    TaskStatus.VERIFIED_DONE: "Đã xác nhận hoàn thành",
    TaskStatus.CANCELLED: "Đã hủy",
    TaskStatus.MERGED: "Đã gộp",
}
DERIVED_LABELS: dict[Derived, str] = {
    Derived.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Derived.DONE_LATE: "Hoàn thành quá hạn",
    Derived.OVERDUE: "Quá hạn chưa hoàn thành",
    Derived.DUE_SOON: "Sắp đến hạn",
    Derived.NOT_YET_DUE: "Chưa đến hạn",
    Derived.CLOSED: "Đã hủy/gộp",
}

MAX_PDF_OVERDUE = 200
"""The briefing lists at most this many overdue tasks (the most overdue first); the total is always given."""


def _day(value: date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def task_cells(row: TaskRow) -> tuple[str, ...]:
    """One task as the cells of ``COLUMNS``."""
    task = row.task
    return (task.content, SOURCE_LABELS[task.source], task.source_reference or "",
            task.assigned_by.full_name if task.assigned_by else "", task.lead_unit.code,
            COORDINATOR_SEPARATOR.join(u.code for u in task.coordinating_units),
            task.sector.name if task.sector else "", _day(task.deadline_on), PRIORITY_LABELS[task.priority],
            RECURRENCE_LABELS[task.recurrence], _day(task.recurrence_until), STATUS_LABELS[task.status],
            DERIVED_LABELS[row.derived], _day(task.completed_on))


def tasks_xlsx(rows: Iterable[TaskRow]) -> bytes:
    """A workbook with one sheet "Nhiệm vụ": the header ``COLUMNS``, then one row per task."""
    cells = [list(COLUMNS), *(safe_row(task_cells(row)) for row in rows)]
    return workbook([Sheet("Nhiệm vụ", cells, widths=(60,), bold_rows=())])


def xlsx_filename() -> str:
    return f"nhiem-vu-{today():%Y%m%d}.xlsx"


def pdf_filename() -> str:
    return f"bao-cao-nhiem-vu-{today():%Y%m%d}.pdf"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def _status_table(stats: Statistics) -> Table:
    total = stats.totals.total
    rows = tuple((DERIVED_LABELS[d], str(c), _rate(c / total if total else None))
                 for d, c in stats.totals.counts.items())
    return Table(columns=(Column("Tình trạng", 4), Column("Số nhiệm vụ", 1.5, "right"), Column("Tỷ lệ", 1.5, "right")),
                 rows=(*rows, ("Tổng số", str(total), _rate(1 if total else None))))


AGENCY_COLUMNS = (Derived.DONE_ON_TIME, Derived.DONE_LATE, Derived.OVERDUE, Derived.DUE_SOON, Derived.NOT_YET_DUE)


def _agency_table(stats: Statistics) -> Table:
    columns = (Column("Cơ quan chủ trì", 4), Column("Tổng số", 1.2, "right"),
               *(Column(DERIVED_LABELS[d], 1.2, "right") for d in AGENCY_COLUMNS),
               Column("Tỷ lệ đúng hạn", 1.2, "right"))
    rows = tuple((stats.labels.get(g.key, str(g.key)), str(g.total),
                  *(str(g.counts[d]) for d in AGENCY_COLUMNS), _rate(g.on_time_rate)) for g in stats.groups)
    return Table(columns=columns, rows=rows or (("Không có nhiệm vụ", *[""] * (len(columns) - 1)),), font_size=10)


def _overdue_table(stats: Statistics) -> Table:
    rows = tuple((str(i), t.content, t.lead_unit_name, _day(t.deadline_on), str(t.days_overdue))
                 for i, t in enumerate(stats.overdue_list, start=1))
    return Table(columns=(Column("STT", 0.6, "center"), Column("Nội dung nhiệm vụ", 5), Column("Cơ quan chủ trì", 2.5),
                          Column("Hạn xử lý", 1.3, "center"), Column("Số ngày quá hạn", 1.2, "right")),
                 rows=rows or (("", "Không có nhiệm vụ quá hạn", "", "", ""),), font_size=10)


def _summary_paragraphs(stats: Statistics) -> list[Paragraph]:
    totals = stats.totals
    basis = "hạn ban đầu" if stats.filter.basis == DeadlineBasis.ORIGINAL else "hạn cuối cùng (sau gia hạn)"
    delay = totals.average_delay_days
    return [
        Paragraph(f"Tính đến ngày {stats.today:%d/%m/%Y}, tổng số nhiệm vụ được theo dõi là {totals.total}, "
                  f"trong đó hoàn thành đúng hạn {totals.counts[Derived.DONE_ON_TIME]}, hoàn thành quá hạn "
                  f"{totals.counts[Derived.DONE_LATE]}, quá hạn chưa hoàn thành {totals.overdue}, "
                  f"sắp đến hạn {totals.counts[Derived.DUE_SOON]}, chưa đến hạn "
                  f"{totals.counts[Derived.NOT_YET_DUE]} (tính theo {basis})."),
        Paragraph(f"Tỷ lệ hoàn thành đúng hạn: {_rate(totals.on_time_rate)}; số ngày chậm trung bình của các nhiệm "
                  f"vụ hoàn thành quá hạn: {'—' if delay is None else f'{delay:.1f}'.replace('.', ',')} ngày."),
    ]


def briefing_document(stats: Statistics) -> AdminDocument:
    """The report "Báo cáo tình hình thực hiện nhiệm vụ" for the fortnightly briefing (giao ban)."""
    province = current_app.config["PROVINCE_NAME"]
    shown = len(stats.overdue_list)
    overdue_total = stats.totals.overdue
    body: list = [*_summary_paragraphs(stats),
                  Heading("I. TỔNG HỢP THEO TÌNH TRẠNG"), _status_table(stats),
                  Heading("II. TỔNG HỢP THEO CƠ QUAN CHỦ TRÌ"), _agency_table(stats),
                  Heading("III. DANH SÁCH NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH"), _overdue_table(stats)]
    if shown < overdue_total:
        body.append(Note(f"Danh sách nêu {shown} nhiệm vụ quá hạn lâu nhất trên tổng số {overdue_total}."))
    return AdminDocument(
        issuing_parent=f"UBND TỈNH {province.upper()}", issuing_body="VĂN PHÒNG", number_symbol="",
        place=province, issued_on=stats.today, doc_type="BÁO CÁO",
        summary="Tình hình thực hiện nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao (phục vụ giao ban)",
        body=tuple(body), recipients=("- Chủ tịch, các PCT UBND tỉnh;", "- Lãnh đạo Văn phòng;", "- Lưu: VT."),
        signature=Signature(authority=("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"), signer=""),
    )


def briefing_pdf(user: User, task_filter: TaskFilter) -> bytes:
    """The briefing report of the tasks ``user`` may see matching ``task_filter``, grouped by agency."""
    stats = statistics(user, task_filter, "agency", overdue_limit=MAX_PDF_OVERDUE)
    return print_pdf(briefing_document(stats), landscape=True)
