"""The PDF layer of meeting materials: refusals with real malformed files, extraction, the
per-reader watermark and the meeting pack. Pure: no database, no app."""

from __future__ import annotations

import hashlib
import io
import unicodedata

import pytest
from pypdf import PdfReader

from ecabinet.core.pdfcheck import PdfInfo, PdfRejected
from ecabinet.core.pdfscan import validate_pdf
from tests.fixtures import pdfs
from ecabinet.materials.pdf import PackItem, PackMaterial
from ecabinet.materials.pdf.extract import extract_text
from ecabinet.materials.pdf.pack import build_pack
from ecabinet.materials.pdf.watermark import watermark_pdf
from ecabinet.core import sandbox
from ecabinet.materials.pdf import fonts
from ecabinet.materials.pdf import pack as pack_module
from ecabinet.materials.pdf import watermark as watermark_module
from ecabinet.materials.pdf.rawpdf import _Unsupported


def words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def vietnamese(tmp_path_factory):
    """An application context without a request: messages in the default language, Vietnamese."""
    from ecabinet import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", STORAGE_DIR=str(tmp_path_factory.mktemp("s")))
    with app.app_context():
        yield


@pytest.fixture(scope="module")
def five_pages() -> bytes:
    return pdfs.text_pdf(5, seed=3)


def test_generator_is_deterministic(five_pages):
    assert pdfs.text_pdf(5, seed=3) == five_pages
    assert pdfs.text_pdf(5, seed=4) != five_pages
    assert pdfs.encrypted_pdf() == pdfs.encrypted_pdf()
    assert pdfs.bomb_pdf(8 << 20) == pdfs.bomb_pdf(8 << 20)


def test_validation_records_pages_size_and_hash(five_pages, tmp_path):
    info = validate_pdf(five_pages)
    assert info == PdfInfo(pages=5, size=len(five_pages), sha256=hashlib.sha256(five_pages).hexdigest())
    path = tmp_path / "tai-lieu.pdf"
    path.write_bytes(five_pages)
    assert validate_pdf(path) == info


@pytest.mark.parametrize(
    ("maker", "code"),
    [
        (lambda: pdfs.not_a_pdf(), "not_pdf"),
        (lambda: pdfs.truncated_pdf(pdfs.text_pdf(3)), "truncated"),
        (lambda: pdfs.encrypted_pdf(), "encrypted"),
        (lambda: pdfs.corrupt_pdf(), "corrupt"),
        (lambda: pdfs.no_pages_pdf(), "no_pages"),
        (lambda: pdfs.claimed_pages_pdf(10**9), "too_many_pages"),
        (lambda: pdfs.many_pages_pdf(5001), "too_many_pages"),
        (lambda: pdfs.many_pages_pdf(5001, lie_count=2), "too_many_pages"),
        (lambda: pdfs.bomb_pdf(128 << 20), "bomb"),
        (lambda: pdfs.image_bomb_pdf(), "image_too_large"),
    ],
    ids=["not_pdf", "truncated", "encrypted", "corrupt", "no_pages", "claimed_count", "many_pages",
         "lying_count", "bomb", "image_bomb"],
)
def test_every_refusal_has_a_code_and_vietnamese_message(maker, code, vietnamese):
    with pytest.raises(PdfRejected) as caught:
        validate_pdf(maker())
    assert caught.value.code == code
    assert caught.value.message.startswith("Tệp")
    assert any(ch in caught.value.message for ch in "ệảạ")


def test_a_bomb_inside_a_form_xobject_is_refused():
    with pytest.raises(PdfRejected) as caught:
        validate_pdf(pdfs.form_bomb_pdf(128 << 20))
    assert caught.value.code == "bomb"


def test_the_default_bomb_is_small_on_disk_and_refused():
    bomb = pdfs.bomb_pdf()  # 1 GiB of zeros once inflated
    assert len(bomb) < 2 << 20
    with pytest.raises(PdfRejected) as caught:
        validate_pdf(bomb)
    assert caught.value.code == "bomb"


def test_size_limit_is_configurable(five_pages, tmp_path, vietnamese):
    with pytest.raises(PdfRejected) as caught:
        validate_pdf(five_pages, max_bytes=len(five_pages) - 1)
    assert caught.value.code == "too_large" and "MB" in caught.value.message
    path = tmp_path / "lon.pdf"
    path.write_bytes(five_pages)
    with pytest.raises(PdfRejected):
        validate_pdf(path, max_bytes=1000)
    assert validate_pdf(pdfs.many_pages_pdf(50), max_pages=50).pages == 50
    with pytest.raises(PdfRejected):
        validate_pdf(pdfs.many_pages_pdf(51), max_pages=50)


def test_extraction_returns_the_corpus_text(five_pages):
    texts = extract_text(five_pages)
    expected = pdfs.page_texts(5, seed=3)
    assert len(texts) == 5 and texts.failed == []
    for got, want in zip(texts, expected):
        assert words(got) == words(want)
    assert any(ch in "".join(texts) for ch in "ữựđ")


def test_extraction_never_raises_on_a_bad_page():
    # the second page's content stream is garbage for its filter: that page is empty and counted
    data = pdfs.many_pages_pdf(2).replace(b"/Length 0 >>", b"/Length 0 /Filter /FlateDecode >>")
    texts = extract_text(data)
    assert len(texts) == 2 and all(t == "" for t in texts)
    assert extract_text(b"not a pdf at all") == [] and extract_text(b"junk").failed == [-1]


@pytest.fixture(params=["raw", "pypdf"])
def watermark_path(request, monkeypatch):
    """The watermark as a hand-written incremental update, and through pypdf (the fallback)."""
    if request.param == "pypdf":
        def refuse(*args):
            raise _Unsupported("forced by the test")
        monkeypatch.setattr(watermark_module, "_raw_watermark", refuse)
    return request.param


def test_watermark_is_one_shared_xobject_on_every_page_and_small(watermark_path):
    source = pdfs.text_pdf(20, seed=5)
    marked = watermark_pdf(source, "Nguyễn Thị Hồng Nhung", "Sở Tài chính", "22/11/2026 14:05")
    assert len(marked) <= 1.15 * len(source) + 40_000  # + the font subset, fixed per file
    reader = PdfReader(io.BytesIO(marked))
    refs = {xobject.idnum for page in reader.pages
            for key, xobject in page["/Resources"]["/XObject"].items() if key.startswith("/EcWm")}
    assert len(refs) == 1 and len(reader.pages) == 20
    texts = extract_text(marked)
    for page_text, original in zip(texts, pdfs.page_texts(20, seed=5)):
        assert "MẬT" in page_text
        assert "Nguyễn Thị Hồng Nhung – Sở Tài chính – 22/11/2026 14:05" in words(page_text)
        assert words(original) in words(page_text)  # the original text is untouched
    assert validate_pdf(marked).pages == 20


def test_watermark_keeps_resources_inherited_from_the_page_tree(watermark_path):
    source = pdfs.assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 300 400]"
        b" /Resources << /Font << /F1 6 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 5 0 R /MediaBox [0 0 800 600] >>",
        pdfs.stream(b"BT /F1 12 Tf 20 200 Td (Inherited font) Tj ET"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])
    marked = watermark_pdf(source, "Lê Văn Tám", "Sở Y tế", "02/12/2026 09:00")
    reader = PdfReader(io.BytesIO(marked))
    for page in reader.pages:
        assert "/F1" in page["/Resources"]["/Font"]
        assert any(k.startswith("/EcWm") for k in page["/Resources"]["/XObject"])
    texts = extract_text(marked)
    assert all("Inherited font" in t and "MẬT" in t for t in texts)


def test_a_file_with_a_cross_reference_stream_is_watermarked_too(monkeypatch):
    original = watermark_module._raw_watermark
    monkeypatch.setattr(watermark_module, "_raw_watermark", lambda *a: (_ for _ in ()).throw(_Unsupported()))
    once = watermark_pdf(pdfs.text_pdf(3, seed=6), "Một", "Hai", "Ba")  # pypdf: an xref stream
    monkeypatch.setattr(watermark_module, "_raw_watermark", original)
    twice = watermark_pdf(once, "Bốn", "Năm", "Sáu")  # the raw update refuses it and pypdf does it
    texts = extract_text(twice)
    assert len(texts) == 3 and all("Một – Hai – Ba" in words(t) and "Bốn – Năm – Sáu" in words(t) for t in texts)


@pytest.fixture(scope="module")
def larger_file() -> bytes:
    return pdfs.text_pdf(120, seed=9)


def test_watermark_size_ratio_on_a_larger_file(watermark_path, larger_file):
    source = larger_file
    marked = watermark_pdf(source, "Trần Văn Đức", "UBND huyện Bình Sơn", "01/12/2026 08:00")
    assert len(marked) <= 1.15 * len(source)


@pytest.fixture(params=["raw", "pypdf"])
def merge_path(request, monkeypatch):
    """The pack through the raw byte-copying merge, and through pypdf's append (the fallback)."""
    if request.param == "pypdf":
        def refuse(*args):
            raise _Unsupported("forced by the test")
        monkeypatch.setattr(pack_module, "_raw_merge", refuse)
    else:
        monkeypatch.setattr(pack_module, "_pypdf_merge", lambda *args: pytest.fail("raw merge fell back"))
    return request.param


def test_pack_outline_and_contents_page_match_where_materials_start(merge_path):
    items = [
        PackItem("Báo cáo tình hình kinh tế - xã hội tháng 11", [
            PackMaterial("Tờ trình số 12/TTr-SKHĐT", pdfs.text_pdf(3, seed=1)),
            PackMaterial("Dự thảo Nghị quyết", pdfs.text_pdf(2, seed=2)),
        ]),
        PackItem("Đề án chuyển đổi số của tỉnh", [PackMaterial("Đề án", pdfs.text_pdf(4, seed=3))]),
        PackItem("Công tác cải cách hành chính", [
            PackMaterial("Báo cáo của Sở Nội vụ", pdfs.text_pdf(1, seed=4)),
            # a watermarked file: an incremental update with a cross-reference stream
            PackMaterial("Phụ lục số liệu", watermark_pdf(pdfs.text_pdf(2, seed=5), "A", "B", "C")),
        ]),
    ]
    pack = build_pack("Phiên họp UBND tỉnh thường kỳ tháng 11 năm 2026", items, "Ngày 25 tháng 11 năm 2026")
    reader = PdfReader(io.BytesIO(pack.data), strict=True)
    assert len(reader.pages) == pack.pages == 2 + 3 + 2 + 4 + 1 + 2
    assert validate_pdf(pack.data).pages == pack.pages
    assert pack.item_pages == [3, 8, 12] and pack.material_pages == [[3, 6], [8], [12, 13]]

    # every material really starts there: its first page's text is the material's first page
    seeds = iter([1, 2, 3, 4, 5])
    texts = extract_text(pack.data)
    for starts in pack.material_pages:
        for start in starts:
            assert words(pdfs.page_texts(1, seed=next(seeds))[0]) in words(texts[start - 1])
    assert "MẬT" in texts[-1] and "MẬT" not in texts[-3]

    # outline: items with their materials nested, titles and target pages
    outline = reader.outline
    got = []
    for entry in outline:
        if isinstance(entry, list):
            got[-1][2].extend((child.title, reader.get_destination_page_number(child) + 1) for child in entry)
        else:
            got.append((entry.title, reader.get_destination_page_number(entry) + 1, []))
    assert got == [
        ("1. Báo cáo tình hình kinh tế - xã hội tháng 11", 3,
         [("Tờ trình số 12/TTr-SKHĐT", 3), ("Dự thảo Nghị quyết", 6)]),
        ("2. Đề án chuyển đổi số của tỉnh", 8, [("Đề án", 8)]),
        ("3. Công tác cải cách hành chính", 12, [("Báo cáo của Sở Nội vụ", 12), ("Phụ lục số liệu", 13)]),
    ]

    # the cover and the printed table of contents
    assert "TÀI LIỆU PHIÊN HỌP" in texts[0] and "tháng 11 năm 2026" in words(texts[0])
    toc = [words(line) for line in texts[1].split("\n") if line.strip()]
    assert toc[0] == "MỤC LỤC"
    for title, page, children in got:
        assert f"{title} {page}" in toc
        for letter, (child, child_page) in zip("abc", children):
            assert f"{letter}) {child} {child_page}" in toc


def test_a_long_agenda_gets_a_longer_table_of_contents(merge_path):
    one_page = pdfs.text_pdf(1, seed=8)
    items = [PackItem(f"Nội dung thứ {i}", [PackMaterial(f"Tài liệu {i}", one_page)]) for i in range(1, 41)]
    pack = build_pack("Phiên họp chuyên đề", items)
    front = pack.item_pages[0] - 1
    assert front >= 3  # cover + at least two pages of contents
    assert pack.pages == front + 40 and pack.item_pages == list(range(front + 1, front + 41))
    texts = extract_text(pack.data)
    toc = " ".join(words(t) for t in texts[1:front])
    assert f"40. Nội dung thứ 40 {front + 40}" in toc



def shifted_offsets(data: bytes) -> bytes:
    """``data`` with every object four bytes later than its cross-reference table says: pypdf's strict reader
    refuses it, its lenient reader rebuilds the table."""
    header_end = data.index(b"\n", data.index(b"%PDF")) + 1
    return data[:header_end] + b"%ok\n" + data[header_end:]


def test_a_material_whose_offsets_are_wrong_still_goes_into_the_pack():
    good, shifted = pdfs.text_pdf(2, seed=21), shifted_offsets(pdfs.text_pdf(3, seed=22))
    assert validate_pdf(shifted).pages == 3  # a file a reader accepts, so a pack must take it
    pack = build_pack("Phiên họp", [PackItem("Nội dung", [PackMaterial("Tốt", good), PackMaterial("Lệch", shifted)])])
    front = pack.item_pages[0] - 1
    assert pack.pages == front + 5 == len(PdfReader(io.BytesIO(pack.data)).pages)
    texts = extract_text(pack.data)
    assert words(texts[front + 2]) == words(extract_text(shifted)[0])


def prepared_faces() -> list[tuple[str, ...]]:
    return sorted(fonts._prepared)


def test_the_forkserver_prepares_the_faces_of_the_front_pages_and_the_watermark():
    assert sandbox.run_isolated(prepared_faces) == sorted([fonts.FRONT_PAGES, fonts.WATERMARK])


def test_front_pages_and_watermark_are_the_same_with_the_faces_prepared():
    items = [PackItem("Báo cáo tình hình kinh tế – xã hội", [PackMaterial("Dự thảo", b"")])]

    def render() -> list[bytes]:
        front = pack_module._front_pages("Phiên họp thường kỳ", "tháng 12", items, [3], [[3]])
        mark = watermark_module.watermark_page("Nguyễn Văn Ánh", "Sở Tài chính", "07/12/2026 08:00", (300, 500))
        return [page.get_contents().get_data() for data in (front, mark) for page in PdfReader(io.BytesIO(data)).pages]

    fresh = render()
    fonts.prepare()
    assert prepared_faces() == sorted([fonts.FRONT_PAGES, fonts.WATERMARK])
    assert render() == fresh
    assert prepared_faces() == []  # each prepared face serves one document

# --- image bombs: a huge declared image in a few KB ---------------------------------------------------------

@pytest.mark.parametrize("where", ["page", "form", "inline", "smask"])
def test_an_image_declaring_too_many_pixels_is_refused_wherever_it_is(where, vietnamese):
    bomb = pdfs.image_bomb_pdf(100_000, 100_000, where=where)
    assert len(bomb) < 8_000  # ten thousand million pixels declared in a few KB
    with pytest.raises(PdfRejected) as caught:
        validate_pdf(bomb)
    assert caught.value.code == "image_too_large"
    assert caught.value.message.startswith("Tệp PDF") and "100 triệu điểm ảnh" in caught.value.message
    assert validate_pdf(pdfs.image_bomb_pdf(2_000, 1_500, where=where)).pages == 1  # the same, honest


def test_the_image_limit_is_a_parameter_and_inclusive(vietnamese):
    at_limit = pdfs.image_bomb_pdf(10_000, 10_000)  # exactly 100 megapixels
    assert validate_pdf(at_limit).pages == 1
    with pytest.raises(PdfRejected) as caught:
        validate_pdf(pdfs.image_bomb_pdf(10_000, 10_001))
    assert caught.value.code == "image_too_large"
    with pytest.raises(PdfRejected) as caught:
        validate_pdf(at_limit, max_image_pixels=2_500_000)
    assert "2,5 triệu điểm ảnh" in caught.value.message
    assert validate_pdf(pdfs.image_bomb_pdf(200_000, 200_000), max_image_pixels=10**11).pages == 1


@pytest.mark.parametrize("shift", [-200, -30, -8, -1, 0, 5])
def test_an_inline_image_across_an_inflation_chunk_is_seen(shift):
    """The validator inflates content a MiB at a time: an inline image dictionary cut in two by a
    chunk's end is still read whole."""
    padding = (1 << 20) + shift - len(b"q 500 0 0 700 40 60 cm ")
    with pytest.raises(PdfRejected) as caught:
        validate_pdf(pdfs.image_bomb_pdf(where="inline", padding=padding))
    assert caught.value.code == "image_too_large"
    assert validate_pdf(pdfs.image_bomb_pdf(640, 480, where="inline", padding=padding)).pages == 1


def test_normal_files_with_images_fonts_and_rotation_still_pass():
    assert validate_pdf(pdfs.rotated_pdf()).pages == len(pdfs.ROTATED_PAGES)
    assert validate_pdf(pdfs.text_pdf(30, seed=11)).pages == 30
    # "BI" in page text is not an inline image
    text = pdfs.assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        pdfs.stream(b"BT /F1 12 Tf 20 200 Td (BI /W 900000 /H 900000 ID) Tj ET"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])
    assert validate_pdf(text.replace(b"(BI", b"(xBI")).pages == 1


# --- the watermark on rotated pages and boxes away from the origin ---------------------------------------

def _stamps(source: bytes, marked: bytes, scale: float = 0.5) -> list:
    """Per page, the pixels the watermark changed (mode "1" images of the page as a reader sees it):
    both files rendered by pdfium, which applies /Rotate and the CropBox as a viewer does."""
    import pypdfium2 as pdfium
    from PIL import ImageChops

    before, after = pdfium.PdfDocument(source), pdfium.PdfDocument(marked)
    out = []
    for index in range(len(before)):
        plain = before[index].render(scale=scale).to_pil().convert("L")
        stamped = after[index].render(scale=scale).to_pil().convert("L")
        out.append(ImageChops.difference(plain, stamped).point(lambda v: 255 if v > 24 else 0).convert("1"))
    return out


def _overlap(one, other) -> float:
    """Intersection over union of two stamps' pixels."""
    from PIL import ImageChops

    both = ImageChops.logical_and(one, other).histogram()[255]
    either = ImageChops.logical_or(one, other).histogram()[255]
    return both / either if either else 0.0


WHO = ("Nguyễn Thị Hồng Nhung", "Sở Tài chính", "22/11/2026 14:05")


def test_the_rotated_pages_look_the_same_to_a_reader():
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdfs.rotated_pdf())
    rotations = [document[i].get_rotation() for i in range(len(document))]
    assert rotations == [r % 360 for r, *_ in pdfs.ROTATED_PAGES] and {90, 180, 270} <= set(rotations)
    assert all(document[i].get_size() == (595, 842) for i in range(len(document)))
    assert [t.strip() for t in extract_text(pdfs.rotated_pdf())] == [
        f"Trang {n}" for n in range(1, len(pdfs.ROTATED_PAGES) + 1)]


@pytest.mark.parametrize("first", ["upright", "turned"])
def test_watermark_is_upright_and_centred_on_rotated_and_offset_pages(watermark_path, first):
    """Every page shows a reader the same 595 × 842 page, whatever its /Rotate (also inherited, -90
    and 450), MediaBox origin or CropBox: the watermark must look the same on all of them, as on
    the plain page (then the last one, when the first page is a turned one)."""
    pages = pdfs.ROTATED_PAGES if first == "upright" else pdfs.ROTATED_PAGES[1:] + pdfs.ROTATED_PAGES[:1]
    source = pdfs.rotated_pdf(pages)
    marked = watermark_pdf(source, *WHO)
    stamps = _stamps(source, marked)
    plain = stamps[0] if first == "upright" else stamps[-1]
    width, height = plain.size
    left, top, right, bottom = plain.getbbox()
    assert bottom > 0.95 * height and top > 0.2 * height  # the footer line at the bottom, upright
    assert abs((left + right) / 2 - width / 2) < 0.1 * width
    for number, stamp in enumerate(stamps, start=1):
        assert stamp.size == plain.size
        assert _overlap(stamp, plain) > 0.9, f"page {number} {pages[number - 1]}"

    texts = extract_text(marked)
    for page_text, (rotate, *_) in zip(texts, pages):
        assert "MẬT" in page_text and " – ".join(WHO) in words(page_text), rotate
    assert all(f"Trang {number}" in text for number, text in enumerate(texts, start=1))  # the page's own text

    reader = PdfReader(io.BytesIO(marked))
    refs = {xobject.idnum for page in reader.pages
            for key, xobject in page["/Resources"]["/XObject"].items() if key.startswith("/EcWm")}
    assert len(refs) == 1
    assert validate_pdf(marked).pages == len(pages)


def test_watermark_fits_a_landscape_page_upright(watermark_path):
    """A portrait document with landscape pages (one drawn landscape, one portrait page turned): the
    portrait stamp is scaled to the page's height and centred, the same on both."""
    portrait, landscape, turned = (0, (0, 0, 595, 842), None, False), (0, (0, 0, 842, 595), None, False), \
        (270, (50, -40, 645, 802), None, False)
    source = pdfs.rotated_pdf((portrait, landscape, turned))
    plain, wide, wide_turned = _stamps(source, watermark_pdf(source, *WHO))
    assert wide.size == wide_turned.size == (plain.size[1], plain.size[0])
    assert _overlap(wide, wide_turned) > 0.9
    scale = wide.size[1] / plain.size[1]
    left, top, right, bottom = plain.getbbox()
    expected = (wide.size[0] / 2 + (left - plain.size[0] / 2) * scale, top * scale,
                wide.size[0] / 2 + (right - plain.size[0] / 2) * scale, bottom * scale)
    assert all(abs(got - want) <= 3 for got, want in zip(wide.getbbox(), expected)), (wide.getbbox(), expected)


def test_watermark_placement_normalises_odd_rotate_values():
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    def rotation(value) -> int:
        return watermark_module._rotation(DictionaryObject({NameObject("/Rotate"): value}))

    values = (0, 90, -90, -180, 450, 720, -630, 45)
    assert [rotation(NumberObject(v)) for v in values] == [0, 90, 270, 180, 90, 0, 90, 0]
    assert watermark_module._rotation(DictionaryObject()) == 0


# --- the upload API turns the refusal into pdf_image_too_large --------------------------------------------

def test_an_image_bomb_upload_is_refused_by_the_api(client, schedule_meeting, secretary):
    [meeting] = schedule_meeting()
    response = client.post(f"/api/v1/meetings/{meeting['id']}/materials", headers=secretary,
                           data={"title": "Bản đồ quy hoạch", "doc_type": "submission",
                                 "file": (io.BytesIO(pdfs.image_bomb_pdf()), "ban-do.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "pdf_image_too_large" and error["details"][0]["field"] == "file"
    assert "điểm ảnh" in error["message"]
