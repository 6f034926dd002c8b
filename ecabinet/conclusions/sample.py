"""The sample conclusion notice kept under docs/samples/ for reviewers: its PDF, its text and a PNG of page 1.

``python -m ecabinet.conclusions.sample docs/samples`` builds an in-memory application (``sqlite://``), a
realistic meeting of the UBND of Quảng Ngãi with its conclusions and directives (written through
``conclusions.operations``), and prints the notice as issued: number 15, issued on 02/12/2026. The same
command gives the same bytes every time.
"""

from __future__ import annotations

import io
import logging
import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role, User
from ecabinet.conclusions import operations as ops
from ecabinet.conclusions.document import RenderedNotice, render_notice
from ecabinet.conclusions.models import Notice, NoticeRecipient
from ecabinet.core.db import db
from ecabinet.materials.models import AgendaItem
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import Meeting, MeetingStatus
from ecabinet.org import operations as org
from ecabinet.org.models import Unit, UnitKind

SAMPLE_NAME = "thong-bao-ket-luan-mau"
SAMPLE_NUMBER = 15
SAMPLE_ISSUED_ON = date(2026, 12, 2)
SAMPLE_MEETING_DAY = date(2026, 11, 30)
PNG_DPI = 100
HANOI = timezone(timedelta(hours=7))

CHAIR = "Nguyễn Hoàng Nam"
TITLE = "Cuộc họp nghe báo cáo tình hình thực hiện kế hoạch đầu tư công năm 2026"
UNITS = {
    "sotc": "Sở Tài chính",
    "soxd": "Sở Xây dựng",
    "sonnmt": "Sở Nông nghiệp và Môi trường",
    "bqlgt": "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh",
    "hbinhson": "Ủy ban nhân dân huyện Bình Sơn",
    "tpquangngai": "Ủy ban nhân dân thành phố Quảng Ngãi",
}
OPENING = (
    "Ngày 30 tháng 11 năm 2026, tại trụ sở Ủy ban nhân dân tỉnh, Phó Chủ tịch Ủy ban nhân dân tỉnh "
    f"{CHAIR} chủ trì cuộc họp nghe báo cáo tình hình thực hiện kế hoạch đầu tư công năm 2026. Tham dự cuộc "
    "họp có lãnh đạo các sở: Tài chính, Xây dựng, Nông nghiệp và Môi trường; Ban Quản lý dự án đầu tư xây dựng "
    "các công trình giao thông tỉnh; Ủy ban nhân dân huyện Bình Sơn, Ủy ban nhân dân thành phố Quảng Ngãi và "
    "lãnh đạo Văn phòng Ủy ban nhân dân tỉnh.\n\n"
    "Sau khi nghe Sở Tài chính báo cáo và ý kiến phát biểu của các đại biểu dự họp, Phó Chủ tịch Ủy ban nhân "
    f"dân tỉnh {CHAIR} kết luận như sau:"
)
ITEMS = (
    ("Tình hình giải ngân vốn đầu tư công năm 2026", "sotc",
     "Đến ngày 25/11/2026, toàn tỉnh giải ngân được 4.115 tỷ đồng, đạt 63,2% kế hoạch vốn được giao, thấp hơn "
     "bình quân chung của cả nước. Nguyên nhân chủ yếu là vướng mắc trong bồi thường, giải phóng mặt bằng, "
     "thiếu nguồn vật liệu san lấp và năng lực của một số chủ đầu tư còn hạn chế.\n\n"
     "Các sở, ban, ngành, Ủy ban nhân dân các huyện, thị xã, thành phố và các chủ đầu tư phải xác định giải "
     "ngân vốn đầu tư công là nhiệm vụ chính trị trọng tâm trong những tháng cuối năm; người đứng đầu chịu "
     "trách nhiệm trước Chủ tịch Ủy ban nhân dân tỉnh nếu để chậm giải ngân.",
     (("sotc", ("soxd",), "rà soát, tham mưu Ủy ban nhân dân tỉnh điều chuyển kế hoạch vốn từ các dự án chậm "
                          "giải ngân sang các dự án có khả năng giải ngân tốt hơn", "working_days", 10, True),
      ("sonnmt", ("hbinhson", "tpquangngai"), "hướng dẫn, tháo gỡ vướng mắc về xác định giá đất cụ thể để tính "
                                              "bồi thường cho các dự án trọng điểm", "date", 15, False))),
    ("Tiến độ các dự án giao thông trọng điểm", "bqlgt",
     "Thống nhất với đề xuất của Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh về tiến độ "
     "hoàn thành tuyến đường ven biển Dung Quất - Sa Huỳnh giai đoạn II.",
     (("bqlgt", ("soxd",), "tập trung nhân lực, thiết bị thi công, bảo đảm hoàn thành hạng mục nền đường đoạn "
                           "qua huyện Bình Sơn", "date", 31, True),
      ("tpquangngai", (), "khẩn trương hoàn thành bồi thường, giải phóng mặt bằng, bàn giao mặt bằng sạch cho "
                          "đơn vị thi công", "none", None, False))),
)
RECIPIENTS = ("Chủ tịch, các PCT UBND tỉnh", "Các sở: Tài chính, Xây dựng, Nông nghiệp và Môi trường",
              "Ban QLDA ĐTXD các công trình giao thông tỉnh", "UBND huyện Bình Sơn", "UBND thành phố Quảng Ngãi",
              "VPUBND: CVP, PCVP, CBTH")


def _user(username: str, full_name: str, unit: Unit, role: Role, position_title: str) -> User:
    return accounts.create_user(accounts.UserData(username=username, full_name=full_name, unit_id=unit.id,
                                                  roles=[role], position_title=position_title,
                                                  password="Mau-thong-bao-2026!"))


def _ended_meeting(chair: User, secretary: User, day: date) -> Meeting:
    kind = meetings.save_kind(None, {"code": "hopchuyende", "name": "Họp chuyên đề", "default_minutes": 120,
                                     "active": True})
    starts_at = datetime.combine(day, time(8), HANOI).astimezone(timezone.utc)
    meeting = Meeting(title=TITLE, kind=kind, chair_id=chair.id, secretary_id=secretary.id, starts_at=starts_at,
                      ends_at=starts_at + timedelta(hours=3), location="Phòng họp số 1, trụ sở UBND tỉnh",
                      status=MeetingStatus.ENDED, created_by_id=secretary.id)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def _conclude(meeting: Meeting, secretary: User, units: dict[str, Unit], day: date) -> None:
    for position, (title, presenter, text, directives) in enumerate(ITEMS, start=1):
        item = AgendaItem(meeting_id=meeting.id, position=position, title=title,
                          presenting_unit_id=units[presenter].id)
        db.session.add(item)
        db.session.flush()
        conclusion = ops.add_conclusion(meeting, secretary, item.id, text)
        for lead, coordinating, content, kind, amount, report in directives:
            ops.add_directive(conclusion, ops.DirectiveData(
                content=content, lead_unit_id=units[lead].id,
                coordinating_unit_ids=[units[code].id for code in coordinating], deadline_kind=kind,
                deadline_on=day + timedelta(days=amount) if kind == "date" else None,
                deadline_count=amount if kind == "working_days" else None, report_required=report))


def build_notice(meeting_day: date = SAMPLE_MEETING_DAY) -> Notice:
    """The sample meeting, ended, with its conclusions and its notice, in the current (empty) database.

    Date deadlines fall 15 and 31 days after ``meeting_day``; one directive has 10 working days from issue."""
    province = org.create_unit(code="ubndtinh", name="Ủy ban nhân dân tỉnh Quảng Ngãi", kind=UnitKind.PROVINCE)
    office = org.create_unit(code="vpubnd", name="Văn phòng Ủy ban nhân dân tỉnh", kind=UnitKind.OFFICE,
                             parent_id=province.id)
    units = {code: org.create_unit(code=code, name=name, parent_id=province.id,
                                   kind=UnitKind.DISTRICT if code.startswith(("h", "tp")) else UnitKind.DEPARTMENT)
             for code, name in UNITS.items()}
    chair = _user("pct", CHAIR, province, Role.LEADER, "Phó Chủ tịch UBND tỉnh")
    secretary = _user("chuyenvien", "Võ Thị Thanh Tâm", office, Role.SECRETARIAT, "Chuyên viên")
    signer = _user("phochanhvp", "Phạm Minh Đức", office, Role.OFFICE_LEADER, "Phó Chánh Văn phòng")
    meeting = _ended_meeting(chair, secretary, meeting_day)
    _conclude(meeting, secretary, units, meeting_day)
    notice = Notice(meeting_id=meeting.id, symbol="TB-VP", opening=OPENING, signer_id=signer.id,
                    summary=f"Kết luận của Phó Chủ tịch UBND tỉnh {CHAIR} tại cuộc họp nghe báo cáo tình hình "
                            "thực hiện kế hoạch đầu tư công năm 2026",
                    signature_authority=["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"], archive_mark="KTTH",
                    recipients=[NoticeRecipient(position=i, label=label) for i, label in enumerate(RECIPIENTS)])
    db.session.add(notice)
    db.session.flush()
    return notice


def render_sample(issued_on: date = SAMPLE_ISSUED_ON, number: int = SAMPLE_NUMBER,
                  meeting_day: date = SAMPLE_MEETING_DAY) -> RenderedNotice:
    """The sample notice as issued, built in a throwaway in-memory application."""
    from ecabinet import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        db.create_all()
        try:
            return render_notice(build_notice(meeting_day), number=number, issued_on=issued_on)
        finally:
            db.session.remove()
            db.engine.dispose()


def first_page_png(pdf: bytes, dpi: int = PNG_DPI) -> bytes:
    """Page 1 rendered by pdfium at ``dpi``, as PNG bytes."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        image = document[0].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def sample_files() -> dict[str, bytes]:
    """File name -> bytes of the sample: the PDF, its text source and the PNG of page 1."""
    rendered = render_sample()
    return {f"{SAMPLE_NAME}.pdf": rendered.pdf, f"{SAMPLE_NAME}.txt": rendered.text.encode("utf-8"),
            f"{SAMPLE_NAME}.png": first_page_png(rendered.pdf)}


def write_samples(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in sample_files().items():
        path = directory / name
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m ecabinet.conclusions.sample <directory>", file=sys.stderr)
        return 2
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # its subsetting report is not the command's output
    for path in write_samples(Path(args[0])):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
