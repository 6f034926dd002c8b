"""The work programme as an administrative document (Decree 30/2020, Phụ lục I): "CHƯƠNG TRÌNH CÔNG TÁC"."""

from __future__ import annotations

from flask import current_app

from ecabinet.core.clock import today
from ecabinet.documents import print_pdf
from ecabinet.documents.model import AdminDocument, Column, Heading, Note, Signature, Table
from ecabinet.programme import operations as ops
from ecabinet.programme.models import ItemState, Programme, ProgrammeItem
from ecabinet.programme.sheets import KIND_LABELS, STATE_LABELS

SHOWN_STATES = (ItemState.PLANNED, ItemState.ON_AGENDA, ItemState.DONE)
"""What the programme lists: proposals not yet approved and dropped items are not part of it."""
COLUMNS = (Column("STT", 0.6, "center"), Column("Tên đề án, nội dung trình", 5), Column("Loại", 1.2),
           Column("Cơ quan chủ trì", 2.4), Column("Lãnh đạo phụ trách", 1.8), Column("Thời gian trình", 1.2, "center"),
           Column("Tình trạng", 1.6))


def _quarter_of(item: ProgrammeItem) -> int:
    return (ops.period_of(item).last_month - 1) // 3 + 1


def _table(items: list[ProgrammeItem]) -> Table:
    rows = tuple((str(n), i.title, KIND_LABELS[i.kind], i.lead_unit.name, i.leader.full_name if i.leader else "",
                  ops.period_of(i).label_vi(), STATE_LABELS[i.state]) for n, i in enumerate(items, start=1))
    return Table(columns=COLUMNS, rows=rows, font_size=10.5)


def programme_document(programme: Programme, items: list[ProgrammeItem]) -> AdminDocument:
    province = current_app.config["PROVINCE_NAME"]
    listed = [item for item in items if item.state in SHOWN_STATES]
    body: list = []
    for quarter in range(1, 5):
        of_quarter = [item for item in listed if _quarter_of(item) == quarter]
        if of_quarter:
            body += [Heading(f"{ops.ROMAN[quarter - 1]}. QUÝ {ops.ROMAN[quarter - 1]}"), _table(of_quarter)]
    if not listed:
        body.append(Note("Chương trình chưa có nội dung."))
    body.append(Note("Các cơ quan chủ trì chuẩn bị hồ sơ, gửi Văn phòng UBND tỉnh đúng thời gian; việc điều chỉnh "
                     "chương trình do Chủ tịch UBND tỉnh quyết định."))
    return AdminDocument(
        issuing_parent="", issuing_body=f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}", number_symbol="",
        place=province, issued_on=today(), doc_type="CHƯƠNG TRÌNH",
        summary=programme.title or f"Công tác năm {programme.year} của UBND tỉnh",
        body=tuple(body), recipients=("- Thường trực Tỉnh ủy, HĐND tỉnh;", "- Chủ tịch, các PCT UBND tỉnh;",
                                      "- Các sở, ban, ngành;", "- UBND các xã, phường, đặc khu;", "- Lưu: VT."),
        signature=Signature(authority=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), signer=programme.chair.full_name),
    )


def programme_pdf(programme: Programme, items: list[ProgrammeItem]) -> bytes:
    return print_pdf(programme_document(programme, items), landscape=True)
