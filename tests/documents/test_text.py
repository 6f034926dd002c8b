"""The plain-text rendering, and the checks the model makes."""

from __future__ import annotations

import dataclasses

import pytest

from ecabinet.documents import AdminDocument, Paragraph, render_text
from tests.fixtures import samples


def test_invitation_plain_text_reads_in_order() -> None:
    lines = render_text(samples.invitation()).splitlines()
    assert lines[:5] == [
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
        "Số: 125/GM-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Ngãi, ngày 22 tháng 11 năm 2026",
    ]
    assert "GIẤY MỜI" in lines and "Họp Ủy ban nhân dân tỉnh thường kỳ tháng 11 năm 2026" in lines
    assert lines.index("Nơi nhận:") < lines.index("TL. CHỦ TỊCH") < lines.index("(Đã ký)")
    assert lines[-1] == "Trần Minh Khôi"


def test_parent_body_marks_and_paragraph_breaks() -> None:
    doc = dataclasses.replace(samples.weekly_schedule(days=1), urgency="thượng khẩn",
                              body=(Paragraph("Đoạn một.\n\nĐoạn  hai,\nvẫn đoạn hai."),))
    lines = render_text(doc).splitlines()
    assert lines[:2] == ["UBND TỈNH QUẢNG NGÃI", "VĂN PHÒNG"]
    assert "THƯỢNG KHẨN" in lines
    assert "Đoạn một." in lines and "Đoạn hai, vẫn đoạn hai." in lines
    assert "Của Chủ tịch, các Phó Chủ tịch Ủy ban nhân dân tỉnh" in lines
    assert "(Từ ngày 23/11/2026 đến ngày 29/11/2026)" in lines


def test_minutes_plain_text_has_both_signatures() -> None:
    text = render_text(samples.minutes())
    assert text.index("THƯ KÝ") < text.index("CHỦ TỌA") < text.index("Nơi nhận:")


@pytest.mark.parametrize("field, value", [("urgency", "GẤP"), ("confidentiality", "RIÊNG")])
def test_unknown_marks_are_refused(field: str, value: str) -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(samples.invitation(), **{field: value})


def test_body_blocks_are_checked() -> None:
    with pytest.raises(TypeError):
        dataclasses.replace(samples.invitation(), body=("not a block",))
    with pytest.raises(ValueError):
        Paragraph("x", align="middle")  # type: ignore[arg-type]
    assert isinstance(samples.invitation(), AdminDocument)
