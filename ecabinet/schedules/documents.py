"""The weekly schedule (lịch công tác tuần) as a PDF in the administrative form."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from ecabinet.core.clock import utcnow, weekday_vi
from ecabinet.core.i18n import local_zone
from ecabinet.documents import print_pdf
from ecabinet.documents.model import AdminDocument, Column, Note, Signature, Table
from ecabinet.schedules.models import WeeklySchedule

CHANGE_MARKS = {"new": "(mới)", "changed": "(thay đổi)", "removed": "(đã bỏ)"}
STATUS_MARKS = {"postponed": "HOÃN", "cancelled": "HỦY"}
CONFIDENTIAL_TITLE = "Cuộc họp (nội dung mật)"


def _row(marked) -> tuple[str, ...]:
    entry = marked.entry
    start = datetime.fromisoformat(entry.starts_at).astimezone(local_zone())
    end = datetime.fromisoformat(entry.ends_at).astimezone(local_zone())
    title = CONFIDENTIAL_TITLE if entry.confidential else entry.title
    marks = " ".join(m for m in (STATUS_MARKS.get(entry.status), CHANGE_MARKS.get(marked.change or "")) if m)
    return (f"{weekday_vi(start.date())}\n{start:%d/%m}", f"{start:%H:%M} - {end:%H:%M}",
            f"{title} {marks}".strip(), entry.chair, ", ".join(entry.leaders), entry.place)


def schedule_document(schedule: WeeklySchedule, marked_entries: list) -> AdminDocument:
    province = current_app.config["PROVINCE_NAME"]
    end = schedule.week_start + timedelta(days=6)
    table = Table(
        columns=(Column("Thứ/ngày", 1.1, "center"), Column("Thời gian", 1.1, "center"), Column("Nội dung", 4),
                 Column("Chủ trì", 1.8), Column("Lãnh đạo dự", 2), Column("Địa điểm", 1.8)),
        rows=tuple(_row(m) for m in marked_entries) or (("", "", "Không có lịch", "", "", ""),),
        group_rows=(0,),
    )
    body = [table]
    if schedule.note:
        body.append(Note(schedule.note))
    body.append(Note("Lịch có thể thay đổi; các thay đổi được đánh dấu và thông báo trên hệ thống."))
    return AdminDocument(
        issuing_parent=f"UBND TỈNH {province.upper()}", issuing_body="VĂN PHÒNG", number_symbol="",
        place=province, issued_on=(schedule.published_at or utcnow()).astimezone(local_zone()).date(),
        doc_type="LỊCH CÔNG TÁC TUẦN",
        summary=(f"của Chủ tịch, các Phó Chủ tịch UBND tỉnh (từ ngày {schedule.week_start:%d/%m/%Y} "
                 f"đến ngày {end:%d/%m/%Y})"),
        body=tuple(body), recipients=("- Chủ tịch, các PCT UBND tỉnh;", "- Các sở, ban, ngành;",
                                      "- UBND các huyện, thị xã, thành phố;", "- Lưu: VT."),
        signature=Signature(authority=("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"), signer=""),
    )


def schedule_pdf(schedule: WeeklySchedule, marked_entries: list) -> bytes:
    return print_pdf(schedule_document(schedule, marked_entries), landscape=True)
