"""Rendering documents as PDF: the text extracts back with every diacritic, the font is
embedded, the layout keeps to Decree 30 and the bytes are the same on every render."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from ecabinet.documents import (
    FontMissing,
    Heading,
    Note,
    Paragraph,
    default_font_dir,
    font_dir_from_config,
    format_number_symbol,
    render_text,
    stamp_number,
)
from ecabinet.documents.pdf import prepare_fonts, render_pdf, render_stampable
from ecabinet.documents.fonts import find_font_set
from tests.fixtures import samples
from tests.fixtures.pdf_text import full_text, fonts, missing_lines, norm, page_texts, reader

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
MM = 72 / 25.4


@pytest.fixture(scope="module")
def invitation_pdf() -> bytes:
    return render_pdf(samples.invitation())


def test_invitation_text_extracts_with_every_diacritic(invitation_pdf: bytes) -> None:
    doc = samples.invitation()
    expected = [line for line in render_text(doc).splitlines() if line.strip()]
    assert missing_lines(expected, invitation_pdf) == []
    text = full_text(invitation_pdf)
    # The parts Decree 30 requires, spelled out.
    for line in [
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 125/GM-UBND",
        "Quảng Ngãi, ngày 22 tháng 11 năm 2026",
        "GIẤY MỜI",
        "Họp Ủy ban nhân dân tỉnh thường kỳ tháng 11 năm 2026",
        "Văn phòng Ủy ban nhân dân tỉnh trân trọng kính mời:",
        "Địa điểm: Phòng họp số 1, trụ sở Ủy ban nhân dân tỉnh, số 52 Hùng Vương, thành phố Quảng Ngãi;",
        "Rất mong các đồng chí sắp xếp thời gian đến dự họp đúng giờ./.",
        "Nơi nhận:",
        "- Như thành phần mời;",
        "- Lưu: VT, KTTH (ntlan).",
        "TL. CHỦ TỊCH",
        "CHÁNH VĂN PHÒNG",
        "(Đã ký)",
        "Trần Minh Khôi",
    ]:
        assert norm(line) in text, line


def test_every_vietnamese_letter_renders_and_extracts() -> None:
    doc = dataclasses.replace(samples.invitation(), body=(Paragraph(samples.VIETNAMESE_LETTERS),
                                                          Heading(samples.VIETNAMESE_LETTERS),
                                                          Note(samples.VIETNAMESE_LETTERS)))
    pdf = render_pdf(doc)
    text = full_text(pdf)
    assert text.count(norm(samples.VIETNAMESE_LETTERS)) == 3
    letters = set(samples.VIETNAMESE_LETTERS.replace(" ", ""))
    assert len(letters) == 134
    assert letters <= set(text)


def test_decomposed_input_prints_as_precomposed_letters() -> None:
    doc = samples.invitation()
    nfd = dataclasses.replace(
        doc,
        issuing_body=unicodedata.normalize("NFD", doc.issuing_body),
        summary=unicodedata.normalize("NFD", doc.summary),
        body=tuple(Paragraph(unicodedata.normalize("NFD", b.text)) if isinstance(b, Paragraph) else b
                   for b in doc.body),
    )
    nfc = dataclasses.replace(doc, body=tuple(Paragraph(b.text) if isinstance(b, Paragraph) else b
                                              for b in doc.body))
    assert render_pdf(nfd) == render_pdf(nfc)


def test_font_is_embedded_dejavu_with_unicode_map(invitation_pdf: bytes) -> None:
    found = fonts(invitation_pdf)
    assert len(found) >= 3  # regular, bold, italic (bold italic for "Nơi nhận:")
    for font in found:
        assert "DejaVuSerif" in font["base_font"], font["base_font"]
        assert font["subtype"] == "/Type0"
        assert font["descriptor"] is not None and "/FontFile2" in font["descriptor"]
        assert font["has_to_unicode"]
    assert b"/FontFile2" in invitation_pdf


def test_metadata_language_and_page_size(invitation_pdf: bytes) -> None:
    pdf = reader(invitation_pdf)
    meta = pdf.metadata
    assert meta.title == "GIẤY MỜI - Họp Ủy ban nhân dân tỉnh thường kỳ tháng 11 năm 2026"
    assert meta.author == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    assert meta.creation_date.date() == date(2026, 11, 22)
    assert meta.creator == "ecabinet"
    assert pdf.trailer["/Root"]["/Lang"] == "vi"
    for page in pdf.pages:  # A4 portrait
        assert round(float(page.mediabox.width) / MM) == 210
        assert round(float(page.mediabox.height) / MM) == 297


def test_page_numbers_from_the_second_page(invitation_pdf: bytes) -> None:
    texts = page_texts(invitation_pdf)  # checks each page from 2 starts with its number
    assert len(texts) >= 2
    first = reader(invitation_pdf).pages[0].extract_text()
    assert first.startswith("ỦY BAN NHÂN DÂN")


def test_landscape_option() -> None:
    pdf = reader(render_pdf(samples.weekly_schedule(days=1), landscape=True))
    page = pdf.pages[0]
    assert round(float(page.mediabox.width) / MM) == 297
    assert round(float(page.mediabox.height) / MM) == 210


def test_rendering_is_deterministic(invitation_pdf: bytes) -> None:
    again = render_pdf(samples.invitation())
    assert again == invitation_pdf
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(invitation_pdf).hexdigest()
    later = dataclasses.replace(samples.invitation(), issued_on=date(2026, 11, 23))
    assert render_pdf(later) != invitation_pdf


def test_draft_number_left_blank() -> None:
    pdf = render_pdf(samples.invitation(number=None))
    assert "Số: /GM-UBND" in full_text(pdf)


def test_a_draft_is_marked_above_the_header_and_an_issued_document_is_not() -> None:
    import pypdfium2 as pdfium

    draft = dataclasses.replace(samples.conclusion_notice(), draft=True)
    pdf = render_pdf(draft)
    assert render_text(draft).splitlines()[0] == "DỰ THẢO"
    assert missing_lines(render_text(draft).splitlines(), pdf) == []
    page = pdfium.PdfDocument(pdf)[0]
    text = page.get_textpage()
    found = text.search("DỰ THẢO").get_next()
    assert found is not None
    left, bottom, right, top = text.get_charbox(found[0])
    height = page.get_height()
    assert height - top < 20 * 72 / 25.4, "the mark sits in the top margin, above the issuing body"
    assert left < page.get_width() / 3, "at the left"
    assert "DỰ THẢO" not in full_text(render_pdf(samples.conclusion_notice()))


def test_conclusion_notice_with_urgency_mark() -> None:
    doc = samples.conclusion_notice()
    pdf = render_pdf(doc)
    assert missing_lines(render_text(doc).splitlines(), pdf) == []
    assert "KHẨN" in page_texts(pdf)[0]
    assert "KT. CHÁNH VĂN PHÒNG PHÓ CHÁNH VĂN PHÒNG" in full_text(pdf)


def test_minutes_with_two_signatures() -> None:
    doc = samples.minutes()
    pdf = render_pdf(doc)
    assert missing_lines(render_text(doc).splitlines(), pdf) == []
    text = full_text(pdf)
    assert text.index("THƯ KÝ") < text.index("CHỦ TỌA") < text.index("Nơi nhận:")
    assert "ngày 05 tháng 01 năm 2027" in text


def test_confidentiality_mark_and_alignments() -> None:
    doc = dataclasses.replace(
        samples.minutes(), confidentiality="MẬT", urgency="HỎA TỐC",
        body=(Paragraph("Căn cứ Luật Tổ chức chính quyền địa phương", align="center", italic=True),
              Paragraph("Đoạn căn phải.", align="right", indent_first_line=False),
              Paragraph("Đoạn căn trái, in đậm nghiêng.", align="left", bold=True, italic=True)),
    )
    text = full_text(render_pdf(doc))
    assert "MẬT" in text and "HỎA TỐC" in text
    assert "Đoạn căn trái, in đậm nghiêng." in text


def test_font_folder_without_fonts_raises_font_missing(tmp_path: Path) -> None:
    with pytest.raises(FontMissing, match="make assets"):
        render_pdf(samples.invitation(), font_dir=tmp_path)
    with pytest.raises(FontMissing, match="does not exist"):
        render_pdf(samples.invitation(), font_dir=tmp_path / "nowhere")
    (tmp_path / "DejaVuSerif.ttf").write_bytes((default_font_dir() / "DejaVuSerif.ttf").read_bytes())
    with pytest.raises(FontMissing, match="DejaVuSerif-Bold.ttf"):  # a set is used only when complete
        render_pdf(samples.invitation(), font_dir=tmp_path)


def test_times_new_roman_file_names_are_preferred(tmp_path: Path) -> None:
    # Stand-ins named as Windows names Times New Roman: the renderer takes the Decree's font when
    # a deployment provides it through PDF_FONT_DIR.
    for src, dst in [("DejaVuSerif.ttf", "times.ttf"), ("DejaVuSerif-Bold.ttf", "timesbd.ttf"),
                     ("DejaVuSerif-Italic.ttf", "timesi.ttf"), ("DejaVuSerif-BoldItalic.ttf", "timesbi.ttf")]:
        shutil.copy(default_font_dir() / src, tmp_path / dst)
        shutil.copy(default_font_dir() / src, tmp_path / src)
    font_set, folder = find_font_set(tmp_path)
    assert (font_set.name, folder) == ("Times New Roman", tmp_path)
    assert "Số: 125/GM-UBND" in full_text(render_pdf(samples.invitation(), font_dir=str(tmp_path)))


def test_fonts_prepared_before_a_fork_no_longer_read_their_files(tmp_path: Path, invitation_pdf: bytes) -> None:
    # Forked workers share an open file's offset: a prepared font that still read its file would read a sibling's
    # bytes. Here the files are overwritten after preparing, which an open file sees as a sibling's seek would.
    for font in default_font_dir().glob("*.ttf"):
        shutil.copy(font, tmp_path / font.name)
    prepare_fonts(tmp_path)
    for font in tmp_path.glob("*.ttf"):
        with font.open("r+b") as file:
            file.write(bytes(font.stat().st_size))
    assert render_pdf(samples.invitation(), font_dir=tmp_path) == invitation_pdf


def test_font_dir_from_config() -> None:
    assert font_dir_from_config({"PDF_FONT_DIR": "/srv/fonts"}) == Path("/srv/fonts")
    assert font_dir_from_config({"ECABINET_PDF_FONT_DIR": "/opt/f"}) == Path("/opt/f")
    assert font_dir_from_config({"PDF_FONT_DIR": ""}) is None
    assert font_dir_from_config({}) is None
    assert default_font_dir().parts[-3:] == ("static", "vendor", "fonts")


def test_sample_documents_for_people_to_look_at() -> None:
    """Writes the four samples to test-artifacts/documents/ (render them with pdftoppm to look)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, doc, landscape in [("giay-moi", samples.invitation(), False),
                                 ("lich-cong-tac", samples.weekly_schedule(), True),
                                 ("thong-bao-ket-luan", samples.conclusion_notice(), False),
                                 ("bien-ban", samples.minutes(), False)]:
        pdf = render_pdf(doc, landscape=landscape)
        (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
        (ARTIFACTS / f"{name}.txt").write_text(render_text(doc), encoding="utf-8")
        assert pdf.startswith(b"%PDF-") and len(reader(pdf).pages) >= 1


def test_edge_cases_render() -> None:
    bare = dataclasses.replace(samples.minutes(), body=(), recipients=(), secondary_signature=None,
                               issuing_parent="", place="Thành phố Hồ Chí Minh")
    text = full_text(render_pdf(bare))
    assert "Thành phố Hồ Chí Minh, ngày 05 tháng 01 năm 2027" in text
    assert "Nơi nhận:" not in text and "Nguyễn Hoàng Nam" in text
    long = dataclasses.replace(samples.invitation(), body=samples.invitation().body * 6)
    pages = page_texts(render_pdf(long))
    assert len(pages) >= 5
    # The closing block is kept whole on one page.
    assert all(part in norm(pages[-1]) for part in ("Nơi nhận:", "TL. CHỦ TỊCH", "(Đã ký)", "Trần Minh Khôi"))


def test_a_font_without_vietnamese_letters_is_refused(tmp_path: Path) -> None:
    from fontTools import subset

    # A "Times New Roman" that only has ASCII, as some old or non-Unicode copies are.
    for src, dst in [("DejaVuSerif.ttf", "times.ttf"), ("DejaVuSerif-Bold.ttf", "timesbd.ttf"),
                     ("DejaVuSerif-Italic.ttf", "timesi.ttf"), ("DejaVuSerif-BoldItalic.ttf", "timesbi.ttf")]:
        options = subset.Options()
        font = subset.load_font(str(default_font_dir() / src), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=range(0x20, 0x7F))
        subsetter.subset(font)
        subset.save_font(font, str(tmp_path / dst), options)
    with pytest.raises(FontMissing, match="cannot write Vietnamese: times.ttf has no glyph for"):
        find_font_set(tmp_path)
    for name in ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf"):
        shutil.copy(default_font_dir() / name, tmp_path / name)
    assert find_font_set(tmp_path)[0].name == "DejaVu Serif"  # the complete set is taken instead


def test_a_number_stamped_in_after_rendering_prints_as_if_rendered_with_it() -> None:
    """Issuing renders before it takes the number, then changes only the number's digits in place."""
    rendered_with = dataclasses.replace(samples.conclusion_notice(), number_symbol=format_number_symbol(17, "TB-UBND"))
    stampable = render_stampable(rendered_with)
    stamped = stamp_number(stampable, format_number_symbol(42, "TB-UBND"))
    assert stamped is not None and len(stamped) == len(stampable.pdf)
    text = full_text(stamped)
    assert "Số: 42/TB-UBND" in text and "17/TB-UBND" not in text
    assert page_texts(stamped) == page_texts(render_pdf(dataclasses.replace(
        rendered_with, number_symbol=format_number_symbol(42, "TB-UBND"))))
    # another count of digits would move the centred line: the caller renders again
    assert stamp_number(stampable, format_number_symbol(142, "TB-UBND")) is None
