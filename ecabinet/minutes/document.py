"""The minutes (biên bản) as an administrative document of Decree 30/2020/NĐ-CP.

``minutes_document`` puts together what the live room recorded (``operations.facts``) and what the
secretary wrote in each section; ``minutes_pdf`` is the frozen PDF of signed minutes, or a fresh rendering
of a draft.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from ecabinet.core import storage
from ecabinet.core.clock import local_date, weekday_vi
from ecabinet.core.i18n import local_zone
from ecabinet.documents import AdminDocument, Heading, Paragraph, Signature, format_number_symbol, print_pdf
from ecabinet.meetings.letters import place_phrase
from ecabinet.meetings.models import Meeting
from ecabinet.minutes import content
from ecabinet.minutes.models import Minutes, MinutesSection, MinutesStatus

ROMAN = ("I", "II", "III", "IV")


def _moment_phrase(moment: datetime) -> str:
    """"08 giờ 05, Thứ Hai, ngày 30/11/2026" in the province's time."""
    local = moment.astimezone(local_zone())
    return f"{local:%H} giờ {local:%M}, {weekday_vi(local.date())}, ngày {local:%d/%m/%Y}"


def _person(user) -> str:
    """"Phó Chủ tịch UBND tỉnh Nguyễn Văn A", or just the name."""
    return f"{user.position_title} {user.full_name}".strip() if user.position_title else user.full_name


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(line.strip()) for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _time_and_place(meeting: Meeting, facts: content.Facts) -> list:
    started = facts.started_at or meeting.starts_at
    return [Heading(f"{ROMAN[0]}. THỜI GIAN, ĐỊA ĐIỂM"),
            Paragraph(f"Thời gian: bắt đầu lúc {_moment_phrase(started)}."),
            Paragraph(f"Địa điểm: {place_phrase(meeting)}.")]


def present_line(present: content.Present) -> str:
    """"- Nguyễn Văn A" or, for a delegate, "- Nguyễn Văn A (ủy quyền cho Trần Thị B)"."""
    line = f"- {_person(present.member)}"
    return line + (f" (ủy quyền cho {present.attendee.full_name})" if present.delegated else "")


def absent_line(absent: content.Absent) -> str:
    return f"- {absent.name}" + (f" (lý do: {absent.reason.strip().rstrip('.')})" if absent.reason else "")


def _participants(meeting: Meeting, minutes: Minutes, facts: content.Facts) -> list:
    secretary = _secretary(minutes)
    blocks: list = [Heading(f"{ROMAN[1]}. THÀNH PHẦN"),
                    Paragraph(f"Chủ trì: {_person(meeting.chair)}."),
                    Paragraph(f"Thư ký: {_person(secretary) if secretary else '……………'}."),
                    Paragraph(f"Có mặt: {len(facts.present)} thành viên" + (", gồm:" if facts.present else "."))]
    blocks += [Paragraph(present_line(p), align="left") for p in facts.present]
    if facts.agencies:
        blocks.append(Paragraph("Đại diện các cơ quan, đơn vị:"))
        blocks += [Paragraph(f"- {a.unit}" + (f": {a.attendee}" if a.attendee else ""), align="left")
                   for a in facts.agencies]
    blocks.append(Paragraph(f"Vắng mặt: {len(facts.absent)}, gồm:" if facts.absent else "Vắng mặt: không."))
    blocks += [Paragraph(absent_line(a), align="left") for a in facts.absent]
    return blocks


def vote_line(vote: content.VoteResult) -> str:
    """"Kết quả biểu quyết: Tán thành 3/4, Không tán thành 1/4, Không biểu quyết 0/4."."""
    if not vote.closed:
        return "Kết quả biểu quyết: chưa kết thúc biểu quyết."
    total = vote.entitled
    return (f"Kết quả biểu quyết: Tán thành {vote.agree}/{total}, Không tán thành {vote.disagree}/{total}, "
            f"Không biểu quyết {vote.abstain}/{total}.")


def _vote_blocks(vote: content.VoteResult) -> list[Paragraph]:
    kind = "Bỏ phiếu kín" if vote.secret else "Biểu quyết công khai"
    blocks = [Paragraph(f"{kind}: {vote.question}"), Paragraph(vote_line(vote))]
    labels = (("agree", "Tán thành"), ("disagree", "Không tán thành"), ("abstain", "Không biểu quyết"))
    if vote.closed and not vote.secret:
        blocks += [Paragraph(f"- {label}: {', '.join(vote.names[key])}.", align="left")
                   for key, label in labels if vote.names.get(key)]
    return blocks


def _live_blocks(entry: content.ItemFacts) -> list:
    blocks: list = []
    if entry.speeches:
        blocks.append(Paragraph("Ý kiến phát biểu: " + ", ".join(s.name for s in entry.speeches) + "."))
    for vote in entry.votes:
        blocks += _vote_blocks(vote)
    return blocks


def _closing_line(meeting: Meeting, facts: content.Facts) -> str:
    ended = facts.ended_at or meeting.ends_at
    local, started = ended.astimezone(local_zone()), local_date(facts.started_at or meeting.starts_at)
    day = "cùng ngày" if local.date() == started else f"ngày {local:%d/%m/%Y}"
    return f"Cuộc họp kết thúc vào lúc {local:%H} giờ {local:%M} {day}./."


def _content(meeting: Meeting, minutes: Minutes, facts: content.Facts) -> list:
    items = {entry.item_id: entry for entry in facts.items}
    blocks: list = [Heading(f"{ROMAN[2]}. NỘI DUNG")]
    number = 0
    for section in minutes.sections:
        if content.is_closing(section):
            continue
        if content.is_opening(section):
            blocks += _opening(section, facts)
            continue
        number += 1
        blocks += _item_section(number, section, items.get(section.agenda_item_id))
    closing = next((s for s in minutes.sections if content.is_closing(s)), None)
    if closing is not None and closing.text.strip():
        blocks += [Heading(closing.title), *_paragraphs(closing.text)]
    blocks.append(Paragraph(_closing_line(meeting, facts)))
    return blocks


def _opening(section: MinutesSection, facts: content.Facts) -> list:
    body = _paragraphs(section.text) + _live_blocks(facts.general)
    return [Heading(section.title), *body] if body else []


def _item_section(number: int, section: MinutesSection, entry: content.ItemFacts | None) -> list:
    blocks: list = [Heading(f"{number}. {section.title}")]
    if entry is not None and entry.presenting_unit:
        blocks.append(Paragraph(f"Cơ quan trình: {entry.presenting_unit}."))
    blocks += _paragraphs(section.text)
    if entry is not None:
        blocks += _live_blocks(entry)
    return blocks


def _secretary(minutes: Minutes):
    return minutes.secretary_signed_by or minutes.meeting.secretary


def minutes_document(minutes: Minutes) -> AdminDocument:
    """The minutes as a document: time and place, participants, then each section with the speakers and the
    vote results of its item; signed by the chair (right) and the secretary (left)."""
    meeting = minutes.meeting
    facts = content.facts(meeting)
    province = current_app.config["PROVINCE_NAME"]
    secretary = _secretary(minutes)
    chair = minutes.chair_signed_by or meeting.chair
    body = _time_and_place(meeting, facts) + _participants(meeting, minutes, facts) + _content(meeting, minutes, facts)
    return AdminDocument(
        issuing_parent=f"UBND TỈNH {province.upper()}",
        issuing_body="VĂN PHÒNG",
        number_symbol=format_number_symbol(None, "BB-VP"),
        place=province,
        issued_on=local_date(facts.started_at or meeting.starts_at),
        doc_type="BIÊN BẢN",
        summary=f"Cuộc họp {meeting.title}",
        body=tuple(body),
        recipients=(),
        signature=Signature(authority=("CHỦ TRÌ",), signer=chair.full_name,
                            signed_placeholder=minutes.status == MinutesStatus.SIGNED),
        secondary_signature=Signature(authority=("THƯ KÝ",), signer=secretary.full_name if secretary else "",
                                      signed_placeholder=minutes.status != MinutesStatus.DRAFT),
        confidentiality="MẬT" if meeting.confidentiality.value == "confidential" else None,
        draft=minutes.status != MinutesStatus.SIGNED,
    )


def render_minutes_pdf(minutes: Minutes) -> bytes:
    return print_pdf(minutes_document(minutes))


def minutes_pdf(minutes: Minutes) -> bytes:
    """The frozen PDF of signed minutes; a fresh rendering before the chair signs."""
    if minutes.status == MinutesStatus.SIGNED and minutes.pdf_sha256:
        return storage.read_bytes(minutes.pdf_sha256)
    return render_minutes_pdf(minutes)


def filename(minutes: Minutes) -> str:
    return f"bien-ban-{minutes.meeting_id}-{local_date(minutes.meeting.held_at):%Y%m%d}.pdf"
