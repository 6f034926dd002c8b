"""Realistic documents of a provincial People's Committee, for the tests and the PNG checks.

Names of people are made up; the wording follows real Quảng Ngãi and Vĩnh Phúc Office papers
(see shared/corpus).
"""

from __future__ import annotations

from datetime import date, timedelta

from ecabinet.documents import (
    AdminDocument,
    Column,
    Heading,
    Note,
    Paragraph,
    Signature,
    Table,
    format_number_symbol,
)

UBND = "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI"
PLACE = "Quảng Ngãi"

# Every Vietnamese letter with a diacritic, lower and upper case (the 134 of TCVN 6909 + đ/Đ).
VIETNAMESE_LETTERS = (
    "àáảãạ ăằắẳẵặ âầấẩẫậ đ èéẻẽẹ êềếểễệ ìíỉĩị òóỏõọ ôồốổỗộ ơờớởỡợ ùúủũụ ưừứửữự ỳýỷỹỵ "
    "ÀÁẢÃẠ ĂẰẮẲẴẶ ÂẦẤẨẪẬ Đ ÈÉẺẼẸ ÊỀẾỂỄỆ ÌÍỈĨỊ ÒÓỎÕỌ ÔỒỐỔỖỘ ƠỜỚỞỠỢ ÙÚỦŨỤ ƯỪỨỬỮỰ ỲÝỶỸỴ"
)


def invitation(number: int | None = 125) -> AdminDocument:
    """Giấy mời họp UBND tỉnh thường kỳ, signed by the Chief of Office on the Chairman's behalf."""
    return AdminDocument(
        issuing_parent="",
        issuing_body=UBND,
        number_symbol=format_number_symbol(number, "GM-UBND"),
        place=PLACE,
        issued_on=date(2026, 11, 22),
        doc_type="GIẤY MỜI",
        summary="Họp Ủy ban nhân dân tỉnh thường kỳ tháng 11 năm 2026",
        body=(
            Paragraph("Thực hiện Chương trình công tác năm 2026 của Ủy ban nhân dân tỉnh, Chủ tịch Ủy ban "
                      "nhân dân tỉnh triệu tập phiên họp Ủy ban nhân dân tỉnh thường kỳ tháng 11 năm 2026 "
                      "để cho ý kiến về các báo cáo, đề án trình Hội đồng nhân dân tỉnh tại kỳ họp cuối năm."),
            Paragraph("Văn phòng Ủy ban nhân dân tỉnh trân trọng kính mời:", bold=True),
            Paragraph("- Đồng chí Chủ tịch Ủy ban nhân dân tỉnh (chủ trì); các đồng chí Phó Chủ tịch và "
                      "Ủy viên Ủy ban nhân dân tỉnh;"),
            Paragraph("- Mời dự: Thường trực Hội đồng nhân dân tỉnh; Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh; "
                      "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh; Giám đốc Sở Tài chính, "
                      "Sở Kế hoạch và Đầu tư, Sở Xây dựng, Sở Tài nguyên và Môi trường; Chủ tịch Ủy ban "
                      "nhân dân các huyện, thị xã, thành phố."),
            Heading("1. Thời gian và địa điểm"),
            Paragraph("Thời gian: 01 ngày, bắt đầu lúc 07 giờ 30 phút, thứ Năm, ngày 26 tháng 11 năm 2026."),
            Paragraph("Địa điểm: Phòng họp số 1, trụ sở Ủy ban nhân dân tỉnh, số 52 Hùng Vương, thành phố "
                      "Quảng Ngãi; kết nối trực tuyến đến điểm cầu các huyện, thị xã, thành phố."),
            Heading("2. Nội dung"),
            Paragraph("a) Báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội, quốc phòng - an "
                      "ninh tháng 11 và 11 tháng năm 2026; nhiệm vụ, giải pháp trọng tâm tháng 12 năm 2026."),
            Paragraph("b) Dự toán ngân sách nhà nước năm 2027 và phương án phân bổ ngân sách cấp tỉnh; kế "
                      "hoạch đầu tư công trung hạn giai đoạn 2026 - 2030 (điều chỉnh, bổ sung)."),
            Paragraph("c) Tờ trình ban hành Nghị quyết quy định chính sách hỗ trợ phát triển hợp tác xã, "
                      "khuyến khích ứng dụng khoa học, công nghệ và chuyển đổi số trên địa bàn tỉnh."),
            Heading("3. Tổ chức thực hiện"),
            Paragraph("Các cơ quan chủ trì nội dung chuẩn bị đầy đủ tài liệu, gửi Văn phòng Ủy ban nhân dân "
                      "tỉnh trước 16 giờ 00 phút ngày 24/11/2026 để đăng tải trên Phần mềm Phòng họp không "
                      "giấy (E-cabinet). Đại biểu dự họp nghiên cứu trước tài liệu trên máy tính bảng và chủ "
                      "động chuẩn bị ý kiến phát biểu; trường hợp vắng mặt phải báo cáo Chủ tịch Ủy ban nhân "
                      "dân tỉnh và cử người dự thay có đủ thẩm quyền."),
            Paragraph("Rất mong các đồng chí sắp xếp thời gian đến dự họp đúng giờ./."),
        ),
        recipients=(
            "- Như thành phần mời;",
            "- CT, các PCT UBND tỉnh;",
            "- VPUB: CVP, PCVP, các phòng N/cứu, CB-TH;",
            "- Lưu: VT, KTTH (ntlan).",
        ),
        signature=Signature(("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"), "Trần Minh Khôi", signed_placeholder=True),
    )


_SLOTS = (
    ("Sáng\n07h30", "Chủ tịch", "Họp Ban Thường vụ Tỉnh ủy cho ý kiến về dự thảo Báo cáo chính trị "
     "trình Đại hội đại biểu Đảng bộ tỉnh và công tác chuẩn bị nhân sự", "Mời: Chánh Văn phòng UBND tỉnh; "
     "Giám đốc Sở Nội vụ. Chuẩn bị: Văn phòng Tỉnh ủy", "Phòng họp Tỉnh ủy"),
    ("Sáng\n08h00", "PCT Nguyễn Thị Hồng Nhung", "Kiểm tra tiến độ giải phóng mặt bằng Dự án đường "
     "ven biển Dung Quất - Sa Huỳnh đoạn qua huyện Đức Phổ", "Sở Giao thông vận tải, Sở Tài nguyên và Môi "
     "trường, UBND thị xã Đức Phổ; Ban QLDA ĐTXD các công trình giao thông chuẩn bị báo cáo", "Thị xã Đức Phổ"),
    ("Chiều\n14h00", "PCT Lê Quang Vĩnh", "Họp nghe báo cáo phương án phòng, chống thiên tai và tìm kiếm "
     "cứu nạn mùa mưa lũ; tình hình hồ chứa thủy lợi xung yếu", "Sở Nông nghiệp và Phát triển nông thôn, Bộ "
     "Chỉ huy Quân sự tỉnh, Công ty TNHH MTV Khai thác công trình thủy lợi", "Phòng họp số 2, UBND tỉnh"),
    ("Chiều\n15h30", "Chủ tịch", "Tiếp công dân định kỳ theo Luật Tiếp công dân; xử lý đơn thư khiếu "
     "nại về bồi thường, hỗ trợ tái định cư", "Ban Tiếp công dân tỉnh, Thanh tra tỉnh, Sở Tư pháp; các cơ "
     "quan liên quan theo giấy mời", "Trụ sở Tiếp công dân tỉnh"),
)
_DAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def schedule_rows(first_day: date, days: int = 6) -> tuple[tuple[str, ...], ...]:
    """A realistic, long week: four engagements a day, the day in the first (merged) column."""
    rows = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        label = f"{_DAYS[day.weekday()]}\n{day:%d/%m}"
        for n, (when, chair, what, who, where) in enumerate(_SLOTS):
            rows.append((label, when, f"{what} (số {offset + 1}.{n + 1})", chair, who, where))
    return tuple(rows)


SCHEDULE_COLUMNS = (
    Column("Thứ/ngày", 1.0, "center"),
    Column("Buổi/giờ", 1.0, "center"),
    Column("Nội dung", 3.1),
    Column("Chủ trì", 1.4),
    Column("Thành phần/Chuẩn bị", 2.7),
    Column("Địa điểm", 1.3),
)


def weekly_schedule(days: int = 6) -> AdminDocument:
    first = date(2026, 11, 23)
    return AdminDocument(
        issuing_parent="UBND TỈNH QUẢNG NGÃI",
        issuing_body="VĂN PHÒNG",
        number_symbol=format_number_symbol(48, "LCT-VP"),
        place=PLACE,
        issued_on=date(2026, 11, 20),
        doc_type="LỊCH CÔNG TÁC",
        summary="Của Chủ tịch, các Phó Chủ tịch Ủy ban nhân dân tỉnh\n(Từ ngày 23/11/2026 đến ngày 29/11/2026)",
        body=(
            Table(SCHEDULE_COLUMNS, schedule_rows(first, days), group_rows=(0,)),
            Note("Ghi chú: Lịch công tác có thể thay đổi; Văn phòng Ủy ban nhân dân tỉnh sẽ thông báo kịp "
                 "thời trên Phần mềm Phòng họp không giấy và Cổng thông tin điện tử tỉnh."),
        ),
        recipients=(
            "- CT, các PCT UBND tỉnh;",
            "- Các sở, ban, ngành tỉnh;",
            "- UBND các huyện, thị xã, thành phố;",
            "- Lưu: VT, HCTC.",
        ),
        signature=Signature(("KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"), "Phạm Thị Thu Trang"),
    )


def conclusion_notice() -> AdminDocument:
    return AdminDocument(
        issuing_parent="",
        issuing_body=UBND,
        number_symbol=format_number_symbol(512, "TB-UBND"),
        place=PLACE,
        issued_on=date(2026, 11, 27),
        doc_type="THÔNG BÁO",
        summary="Kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại phiên họp\nỦy ban nhân dân tỉnh thường kỳ "
                "tháng 11 năm 2026",
        body=(
            Paragraph("Ngày 26 tháng 11 năm 2026, Chủ tịch Ủy ban nhân dân tỉnh chủ trì phiên họp Ủy ban nhân "
                      "dân tỉnh thường kỳ tháng 11 năm 2026. Sau khi nghe các cơ quan báo cáo và ý kiến phát "
                      "biểu của các đại biểu dự họp, Chủ tịch Ủy ban nhân dân tỉnh kết luận như sau:"),
            Heading("1. Về tình hình kinh tế - xã hội"),
            Paragraph("Giao Sở Kế hoạch và Đầu tư tiếp thu ý kiến các thành viên, hoàn chỉnh báo cáo, trình Ủy "
                      "ban nhân dân tỉnh trước ngày 02/12/2026; đôn đốc giải ngân vốn đầu tư công, bảo đảm "
                      "hoàn thành kế hoạch năm."),
            Heading("2. Về dự toán ngân sách năm 2027"),
            Paragraph("Giao Sở Tài chính chủ trì, phối hợp với các cơ quan liên quan rà soát các khoản chi "
                      "thường xuyên, ưu tiên bố trí kinh phí cho chuyển đổi số và cải cách hành chính."),
            Paragraph("Văn phòng Ủy ban nhân dân tỉnh thông báo để các cơ quan, đơn vị, địa phương biết, thực "
                      "hiện./."),
        ),
        recipients=("- Các sở, ban, ngành tỉnh;", "- UBND các huyện, thị xã, thành phố;",
                    "- VPUB: CVP, PCVP, các phòng N/cứu;", "- Lưu: VT, TH."),
        signature=Signature(("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"), "Võ Văn Đức"),
        urgency="KHẨN",
    )


def minutes() -> AdminDocument:
    return AdminDocument(
        issuing_parent="",
        issuing_body=UBND,
        number_symbol=format_number_symbol(7, "BB-UBND"),
        place=PLACE,
        issued_on=date(2027, 1, 5),
        doc_type="BIÊN BẢN",
        summary="Phiên họp Ủy ban nhân dân tỉnh thường kỳ tháng 12 năm 2026",
        body=(
            Paragraph("Thời gian bắt đầu: 07 giờ 30 phút, ngày 05 tháng 01 năm 2027."),
            Paragraph("Địa điểm: Phòng họp số 1, trụ sở Ủy ban nhân dân tỉnh."),
            Paragraph("Thành phần tham dự: Chủ tịch, các Phó Chủ tịch, Ủy viên Ủy ban nhân dân tỉnh; vắng "
                      "mặt: 01 đồng chí (có lý do)."),
            Paragraph("Chủ trì: Chủ tịch Ủy ban nhân dân tỉnh. Thư ký: Phó Chánh Văn phòng Ủy ban nhân dân tỉnh."),
            Heading("NỘI DUNG", center=True),
            Paragraph("Giám đốc Sở Kế hoạch và Đầu tư trình bày dự thảo Báo cáo tình hình kinh tế - xã hội năm "
                      "2026; các đại biểu thảo luận, thống nhất các chỉ tiêu chủ yếu năm 2027."),
            Paragraph("Cuộc họp kết thúc vào 11 giờ 30 phút cùng ngày./."),
        ),
        recipients=("- CT, các PCT UBND tỉnh;", "- Lưu: VT, TH."),
        signature=Signature(("CHỦ TỌA",), "Nguyễn Hoàng Nam"),
        secondary_signature=Signature(("THƯ KÝ",), "Phạm Thị Thu Trang"),
    )
