"""What the live room recorded, in the API and in the minutes' PDF (text extracted back, diacritics intact)."""

from __future__ import annotations

from tests.fixtures.pdf_text import full_text
from tests.fixtures.minutes import SECTION_TEXT, get_minutes, save, sign


def test_the_facts_come_from_the_live_session(client, ended_room, people):
    facts = get_minutes(client, ended_room)["facts"]
    assert facts["started_at"] and facts["ended_at"]
    present = [(p["member"]["username"], p["attendee"]["username"], p["delegated"]) for p in facts["present"]]
    assert present == [("pct", "pct", False), ("uyvien1", "uyvien1", False), ("uyvien3", "phogiamdoc", True)]
    absent = {a["name"]: a["reason"] for a in facts["absent"]}
    assert absent == {"Nguyễn Văn Uyvien4": "Đi công tác Hà Nội", "Nguyễn Văn Uyvien2": None}
    assert [a["unit"] for a in facts["agencies"]] == ["Sở Tài chính"]
    first = facts["items"][0]
    assert (first["item_id"], first["presenting_unit"]) == (ended_room.items[0], "Sở Tài chính")
    assert [s["name"] for s in first["speeches"]] == ["Nguyễn Văn Uyvien1"]
    [vote] = first["votes"]
    assert (vote["secret"], vote["closed"], vote["entitled"], vote["agree"], vote["disagree"], vote["abstain"]) == (
        False, True, 4, 2, 1, 0)
    assert vote["names"] == {"agree": ["Nguyễn Văn Uyvien1", "Nguyễn Văn Pct"], "disagree": ["Nguyễn Văn Uyvien3"],
                             "abstain": []}
    assert facts["items"][1]["speeches"] == [] and facts["items"][1]["votes"] == []


def test_the_pdf_reports_attendance_items_votes_and_the_secretarys_text(client, ended_room):
    sections = get_minutes(client, ended_room)["sections"]
    save(client, ended_room, "chuyenvien", sections[0], "Đồng chí Chủ trì phát biểu khai mạc cuộc họp.", 0)
    save(client, ended_room, "chuyenvien", sections[1], SECTION_TEXT, 0)
    response = client.get(f"/api/v1/meetings/{ended_room.id}/minutes.pdf", headers=ended_room.headers["pct"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = full_text(response.data)
    for expected in ("UBND TỈNH QUẢNG NGÃI", "VĂN PHÒNG", "BIÊN BẢN", "Cuộc họp Họp về kế hoạch đầu tư công năm 2027",
                     "I. THỜI GIAN, ĐỊA ĐIỂM", "II. THÀNH PHẦN", "III. NỘI DUNG",
                     "Chủ trì: Phó Chủ tịch UBND tỉnh Nguyễn Văn Pct", "Thư ký: Nguyễn Văn Chuyenvien",
                     "- Nguyễn Văn Uyvien1", "- Nguyễn Văn Uyvien3 (ủy quyền cho Trần Thị Phó)",
                     "- Nguyễn Văn Uyvien4 (lý do: Đi công tác Hà Nội)",
                     "Phần mở đầu", "Đồng chí Chủ trì phát biểu khai mạc cuộc họp.",
                     "1. Kế hoạch đầu tư công năm 2027", "Cơ quan trình: Sở Tài chính.",
                     SECTION_TEXT, "Ý kiến phát biểu: Nguyễn Văn Uyvien1.",
                     "Kết quả biểu quyết: Tán thành 2/4, Không tán thành 1/4, Không biểu quyết 0/4.",
                     "- Tán thành: Nguyễn Văn Uyvien1, Nguyễn Văn Pct.",
                     "2. Đề án chuyển đổi số", "CHỦ TRÌ", "THƯ KÝ"):
        assert expected in text, expected
    assert "Cuộc họp kết thúc vào lúc" in text and "cùng ngày./." in text
    assert "(Đã ký)" not in text

    sign(client, ended_room, "chuyenvien", "secretary")
    sign(client, ended_room, "pct", "chair")
    signed = full_text(client.get(f"/api/v1/meetings/{ended_room.id}/minutes.pdf",
                                  headers=ended_room.headers["pct"]).data)
    assert signed.count("(Đã ký)") == 2 and SECTION_TEXT in signed
