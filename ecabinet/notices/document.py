"""The conclusion notice (thông báo kết luận) as an administrative document of Decree 30/2020/NĐ-CP.

``notice_document`` builds the ``AdminDocument`` from the notice, its meeting and the meeting's conclusions;
``render_notice`` prints it as PDF (embedded Unicode font) and as the plain text that is its editable source.
A draft shows a blank number ("Số:      /TB-UBND") and directive deadlines in working days as a count; the
issued notice shows its number and every deadline as a date, counted from the issue day on the Vietnamese
calendar (``workdays``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from ecabinet.conclusions import wording
from ecabinet.conclusions.models import Conclusion

from ecabinet.notices.models import Notice
from ecabinet.core.clock import local_date
from ecabinet.core.db import db
from ecabinet.documents import AdminDocument, Heading, Paragraph, Signature, print_pdf, render_text
from ecabinet.documents.formatting import format_number_symbol
from ecabinet.materials.models import AgendaItem

DEFAULT_CLOSING = "Văn phòng Ủy ban nhân dân tỉnh thông báo để các cơ quan, đơn vị liên quan biết, thực hiện./."


@dataclass(frozen=True)
class RenderedNotice:
    pdf: bytes
    text: str


def _province() -> str:
    return current_app.config["PROVINCE_NAME"]


def issuing_lines(symbol: str) -> tuple[str, str]:
    """(parent, body) of the header: the UBND itself for "…-UBND", its Office for the Office's own symbol."""
    province = _province().upper()
    if symbol.upper().endswith("-UBND"):
        return "", f"ỦY BAN NHÂN DÂN TỈNH {province}"
    return f"UBND TỈNH {province}", "VĂN PHÒNG"


def meeting_conclusions(meeting_id: int) -> list[Conclusion]:
    return list(db.session.scalars(sa.select(Conclusion).where(Conclusion.meeting_id == meeting_id)
                                   .order_by(Conclusion.position, Conclusion.id)))


def _item_titles(meeting_id: int) -> dict[int, str]:
    rows = db.session.execute(sa.select(AgendaItem.id, AgendaItem.title).where(AgendaItem.meeting_id == meeting_id))
    return {item_id: title for item_id, title in rows}


def body_blocks(notice: Notice, issued_on: date | None) -> list:
    """The opening, one numbered part per conclusion with its directives, and the closing."""
    blocks: list = [Paragraph(part) for part in notice.opening.split("\n\n") if part.strip()]
    titles = _item_titles(notice.meeting_id)
    conclusions = [c for c in meeting_conclusions(notice.meeting_id) if c.text.strip() or c.directives]
    for number, conclusion in enumerate(conclusions, start=1):
        title = titles.get(conclusion.agenda_item_id or 0)
        if len(conclusions) > 1 or title:
            blocks.append(Heading(f"{number}. {title or 'Kết luận chung'}"))
        blocks += [Paragraph(part) for part in conclusion.text.split("\n\n") if part.strip()]
        blocks += [Paragraph(wording.directive_sentence(d, issued_on)) for d in conclusion.directives]
    closing = notice.closing.strip() or DEFAULT_CLOSING
    blocks.append(Paragraph(closing))
    return blocks


def recipient_lines(notice: Notice) -> tuple[str, ...]:
    """"- Sở Tài chính;" a line each, ending with "- Lưu: VT, <archive mark>."."""
    lines = [f"- {recipient.label.strip().rstrip(';.')};" for recipient in notice.recipients]
    archive = f"- Lưu: VT, {notice.archive_mark.strip()}." if notice.archive_mark.strip() else "- Lưu: VT."
    return (*lines, archive)


def notice_document(notice: Notice, *, number: int | None = None, issued_on: date | None = None) -> AdminDocument:
    """The notice as a document; ``number`` and ``issued_on`` are those of the issue (None for a draft)."""
    parent, body = issuing_lines(notice.symbol)
    signer = notice.signer.full_name if notice.signer else ""
    return AdminDocument(
        issuing_parent=parent,
        issuing_body=body,
        number_symbol=format_number_symbol(number, notice.symbol),
        place=_province(),
        issued_on=issued_on or local_date(notice.updated_at or notice.created_at),
        doc_type="THÔNG BÁO",
        summary=notice.summary,
        body=tuple(body_blocks(notice, issued_on)),
        recipients=recipient_lines(notice),
        signature=Signature(authority=tuple(notice.signature_authority or ()), signer=signer),
        confidentiality="MẬT" if notice.meeting.confidentiality.value == "confidential" else None,
        draft=number is None,
    )


def with_number(document: AdminDocument, notice: Notice, number: int) -> AdminDocument:
    """The same document printed with ``number``."""
    return dataclasses.replace(document, number_symbol=format_number_symbol(number, notice.symbol))


def render_notice(notice: Notice, *, number: int | None = None, issued_on: date | None = None) -> RenderedNotice:
    document = notice_document(notice, number=number, issued_on=issued_on)
    return RenderedNotice(pdf=print_pdf(document), text=render_text(document))
