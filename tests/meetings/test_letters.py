"""The invitation letter (giấy mời): a PDF whose extracted text is the expected Vietnamese."""

import re
import unicodedata
from io import BytesIO

from pypdf import PdfReader

from tests.fixtures.web import api_token


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def test_invitation_letter_text_extracts_back(app, client, schedule_meeting, secretary, people):
    [meeting] = schedule_meeting(description="Sở Tài chính chuẩn bị báo cáo tình hình giải ngân vốn đầu tư công.")
    client.post(f"/api/v1/meetings/{meeting['id']}/status", headers=secretary,
                json={"version": 1, "action": "publish"})
    response = client.get(f"/api/v1/meetings/{meeting['id']}/letter.pdf", headers=api_token(client, "chanhvp"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(BytesIO(response.data))
    text = _normal(" ".join(page.extract_text() for page in reader.pages))
    expected = [
        "UBND TỈNH QUẢNG NGÃI", "VĂN PHÒNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "GIẤY MỜI", "Văn phòng Ủy ban nhân dân tỉnh trân trọng kính mời:",
        "- Nguyễn Văn Chanhvp;", "- Lãnh đạo Sở Tài chính.",
        "Dự cuộc họp: Họp về kế hoạch đầu tư công năm 2027, do đồng chí Phó Chủ tịch UBND tỉnh Nguyễn Văn Pct chủ trì.",
        "Thời gian: 08 giờ 00, Thứ Hai, ngày 30/11/2026.",
        "Địa điểm: Phòng họp số 1, Tầng 3.",
        "Sở Tài chính chuẩn bị báo cáo tình hình giải ngân vốn đầu tư công.",
        "Nơi nhận:", "- Lưu: VT.", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Nguyễn Văn Chanhvp",
    ]
    missing = [line for line in expected if _normal(line) not in text]
    assert not missing, f"not in the PDF's text: {missing}\n{text}"
    fonts = [page["/Resources"]["/Font"] for page in reader.pages]
    assert any("DejaVu" in str(font.get_object()[name]["/BaseFont"]) for font in fonts for name in font)


def test_a_confidential_letter_is_marked(client, schedule_meeting, secretary):
    [meeting] = schedule_meeting(confidentiality="confidential")
    response = client.get(f"/api/v1/meetings/{meeting['id']}/letter.pdf", headers=secretary)
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
    assert "MẬT" in text
