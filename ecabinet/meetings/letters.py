"""The invitation letter (giấy mời) of a meeting, in the form of Decree 30/2020/NĐ-CP."""

from __future__ import annotations

from flask import Response, current_app

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role
from ecabinet.core.clock import local_date, utcnow, weekday_vi
from ecabinet.core.i18n import local_zone
from ecabinet.documents import print_pdf
from ecabinet.documents.model import AdminDocument, Paragraph, Signature
from ecabinet.meetings.models import Meeting
from ecabinet.meetings.operations import announced_late


def _time_phrase(meeting: Meeting) -> str:
    """"08 giờ 00, Thứ Hai, ngày 30/11/2026" in the province's time."""
    start = meeting.starts_at.astimezone(local_zone())
    return f"{start:%H} giờ {start:%M}, {weekday_vi(start.date())}, ngày {start:%d/%m/%Y}"


def place_phrase(meeting: Meeting) -> str:
    parts = [meeting.room.name if meeting.room else meeting.location]
    if meeting.room and meeting.room.location:
        parts.append(meeting.room.location)
    if meeting.online_link:
        parts.append(f"họp trực tuyến: {meeting.online_link}")
    return ", ".join(p for p in parts if p) or "sẽ thông báo sau"


def invited_lines(meeting: Meeting) -> list[str]:
    lines = []
    for inv in meeting.invitations:
        if inv.user is not None:
            title = f"{inv.user.position_title} " if inv.user.position_title else ""
            lines.append(f"- {title}{inv.user.full_name};".replace("  ", " "))
        elif inv.unit is not None:
            lines.append(f"- Lãnh đạo {inv.unit.name};")
    if lines:
        lines[-1] = lines[-1].rstrip(";") + "."
    return lines


def invitation_document(meeting: Meeting) -> AdminDocument:
    province = current_app.config["PROVINCE_NAME"]
    chair = meeting.chair
    chair_phrase = f"{chair.position_title} {chair.full_name}".strip() if chair.position_title else chair.full_name
    body = [Paragraph("Văn phòng Ủy ban nhân dân tỉnh trân trọng kính mời:", indent_first_line=True)]
    body += [Paragraph(line, indent_first_line=True, align="left") for line in invited_lines(meeting)]
    body += [
        Paragraph(f"Dự cuộc họp: {meeting.title}, do đồng chí {chair_phrase} chủ trì."),
        Paragraph(f"Thời gian: {_time_phrase(meeting)}."),
        Paragraph(f"Địa điểm: {place_phrase(meeting)}."),
    ]
    if meeting.description.strip():
        body.append(Paragraph(meeting.description.strip()))
    body.append(Paragraph("Đề nghị các cơ quan, đơn vị chuẩn bị tài liệu, nội dung liên quan và gửi về Văn phòng "
                          "Ủy ban nhân dân tỉnh trước cuộc họp để tổng hợp; tham dự đúng thành phần, đúng giờ./."))
    office_leader = next(iter(accounts.users_with_role(Role.OFFICE_LEADER)), None)
    return AdminDocument(
        issuing_parent=f"UBND TỈNH {province.upper()}",
        issuing_body="VĂN PHÒNG",
        number_symbol="Số:        /GM-VP",
        place=province,
        issued_on=local_date(meeting.published_at or utcnow()),
        doc_type="GIẤY MỜI",
        summary="",
        body=tuple(body),
        recipients=("- Như trên;", "- Chủ tịch, các PCT UBND tỉnh;", "- CVP, PCVP;", "- Lưu: VT."),
        signature=Signature(authority=("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
                            signer=office_leader.full_name if office_leader else "",
                            signed_placeholder=False),
        confidentiality="MẬT" if meeting.confidentiality.value == "confidential" else None,
        urgency="KHẨN" if announced_late(meeting) else None,
    )


def invitation_pdf(meeting: Meeting) -> bytes:
    return print_pdf(invitation_document(meeting))


def pdf_response(meeting: Meeting) -> Response:
    response = current_app.response_class(invitation_pdf(meeting), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="giay-moi-{meeting.id}.pdf"'
    return response
