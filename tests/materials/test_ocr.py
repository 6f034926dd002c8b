"""OCR of scanned materials: a scan made from corpus text is uploaded, its pages without text are recognised by
the background job (Tesseract in the sandboxed worker), the text joins the version's and the reader gets a copy
with an invisible text layer; the progress is on the agenda and in the API; a file that cannot be read fails
with its reason and loses nothing. OCR is slow: one page of each file is a scan, at 200 dpi."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import timedelta

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core import storage
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.materials import ocr
from ecabinet.materials import operations as ops
from ecabinet.materials.models import Material, MaterialVersion, OcrStatus, TextStatus
from tests.fixtures import pdfs
from tests.fixtures.materials import upload
from tests.fixtures.web import signed_in

DPI = 200


def folded(text: str) -> str:
    """Without diacritics (đ as d), lower case, single-spaced: OCR noise in the marks does not count."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().split())


def recognised_share(expected: str, recognised: str) -> float:
    """The share of the expected words of five letters or more found in the recognised text, both folded."""
    found = set(folded(recognised).split())
    words = [word for word in folded(expected).split() if len(word) >= 5 and word.isalpha()]
    return sum(word in found for word in words) / len(words)


@pytest.fixture
def scan_dpi(app, monkeypatch):
    monkeypatch.setitem(app.config, "OCR_DPI", DPI)


def _version(material_id: int) -> MaterialVersion:
    return db.session.scalar(sa.select(MaterialVersion).where(MaterialVersion.material_id == material_id))


def _upload_extracted(app, client, secretary, meeting, data: bytes, title: str) -> int:
    created = upload(client, secretary, meeting["id"], data, title=title)
    assert created.status_code == 201, created.get_json()
    with app.app_context():
        ops.extract_pending()
        db.session.commit()
    return created.get_json()["id"]


def test_a_scanned_page_is_recognised_and_the_reader_gets_its_text(app, client, pages, meeting, secretary,
                                                                      scan_dpi):
    data = pdfs.joined_pdf(pdfs.text_pdf(1, seed=4), pdfs.scanned_pdf(1, seed=5, dpi=DPI))
    material_id = _upload_extracted(app, client, secretary, meeting, data, "Báo cáo kết quả năm 2021 (bản quét)")
    queued = client.get(f"/api/v1/materials/{material_id}", headers=secretary).get_json()["versions"][0]
    assert (queued["ocr_status"], queued["ocr_pages_done"], queued["ocr_pages_total"]) == ("pending", 0, 1)
    agenda = signed_in(pages, "chuyenvien").get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)
    assert "Đang nhận dạng chữ (OCR) 0/1 trang" in agenda
    with app.app_context():
        text_page = _version(material_id).text.split("\f")[0]
        assert ocr.recognise_pending() == 1
        assert ocr.recognise_pending() == 0  # the job runs again: nothing more to do
        version = _version(material_id)
        assert (version.ocr_status, version.ocr_pages_done, version.ocr_error) == (OcrStatus.DONE, 1, None)
        texts = version.text.split("\f")
        assert len(texts) == 2 and texts[0] == text_page  # a page with its own text keeps it
        assert recognised_share(pdfs.page_texts(1, seed=5)[0], texts[1]) >= 0.8
        original, layered = version.sha256, version.ocr_sha256
        assert hashlib.sha256(storage.read_bytes(original)).hexdigest() == original  # the upload stays the record
    served = client.get(f"/api/v1/materials/{material_id}/file", headers=secretary)
    assert served.status_code == 200 and hashlib.sha256(served.data).hexdigest() == layered != original
    document = pdfium.PdfDocument(served.data)
    assert recognised_share(pdfs.page_texts(1, seed=5)[0], document[1].get_textpage().get_text_range()) >= 0.8
    assert len(document) == 2
    done = client.get(f"/api/v1/materials/{material_id}", headers=secretary).get_json()["versions"][0]
    assert (done["ocr_status"], done["ocr_pages_done"], done["sha256"]) == ("done", 1, original)
    agenda = signed_in(pages, "chuyenvien").get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)
    assert f'id="ocr-{material_id}-status"' in agenda and 'data-ocr-status="done"' in agenda


def test_the_agenda_shows_the_progress_of_a_running_recognition(app, client, pages, meeting, secretary):
    material_id = _upload_extracted(app, client, secretary, meeting, pdfs.text_pdf(2, seed=9), "Tờ trình")
    with app.app_context():
        version = _version(material_id)
        assert version.ocr_status == OcrStatus.NONE  # every page has its text: nothing to recognise
        version.ocr_status, version.ocr_pages, version.ocr_pages_done = OcrStatus.RUNNING, list(range(12)), 3
        version.ocr_heartbeat_at = utcnow()
        db.session.commit()
        assert ocr.recognise_pending() == 0  # a running recognition is not taken twice
    agenda = signed_in(pages, "chuyenvien").get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)
    assert "Đang nhận dạng chữ (OCR) 3/12 trang" in agenda
    state = client.get(f"/api/v1/materials/{material_id}", headers=secretary).get_json()["versions"][0]
    assert (state["ocr_status"], state["ocr_pages_done"], state["ocr_pages_total"]) == ("running", 3, 12)


def test_a_file_that_cannot_be_recognised_fails_with_its_reason_and_loses_nothing(
        app, client, pages, meeting, secretary, tmp_path, monkeypatch, caplog):
    scan = pdfs.scanned_pdf(1, seed=5, dpi=DPI)
    ids = [_upload_extracted(app, client, secretary, meeting, pdfs.joined_pdf(pdfs.text_pdf(1, seed=n), scan),
                             f"Bản quét {n}") for n in (1, 2, 3)]
    with app.app_context():
        broken, orphaned, no_data = (_version(material_id) for material_id in ids)
        storage.path_for(broken.sha256).write_bytes(b"%PDF-1.7\n not a pdf any more")  # the disk lost it since
        orphaned.ocr_status, orphaned.ocr_attempts = OcrStatus.RUNNING, ocr.MAX_ATTEMPTS  # its runs died each time
        orphaned.ocr_heartbeat_at = utcnow() - ocr.STALE_AFTER - timedelta(seconds=1)
        db.session.commit()
        texts = {version.id: version.text for version in (broken, orphaned, no_data)}
        assert [ocr.recognise_pending(), ocr.recognise_pending()] == [1, 1]
        monkeypatch.setitem(app.config, "TESSDATA_PATH", str(tmp_path))
        assert ocr.recognise_pending() == 1
        assert ocr.recognise_pending() == 0  # failed is final: not retried forever
        for version in (broken, orphaned, no_data):
            db.session.refresh(version)
            assert version.ocr_status == OcrStatus.FAILED and version.ocr_sha256 is None
            assert version.text == texts[version.id] and version.text_status == TextStatus.DONE
        assert "PdfiumError" in broken.ocr_error
        assert "given up after 3 runs" in orphaned.ocr_error
        assert f"vie.traineddata is not in {tmp_path}" in no_data.ocr_error
        assert any(record.levelname == "ERROR" and "tesseract-ocr-vie" in record.getMessage()
                   for record in caplog.records)
        assert all(db.session.get(Material, material_id) is not None for material_id in ids)
    agenda = signed_in(pages, "chuyenvien").get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)
    assert agenda.count('data-ocr-status="failed"') == 3


def test_scans_stored_before_ocr_and_failed_ones_are_queued_again_by_a_command(app, client, meeting, secretary):
    scan = pdfs.scanned_pdf(1, seed=5, dpi=DPI)
    ids = [_upload_extracted(app, client, secretary, meeting, data, title)
           for data, title in ((scan, "Bản quét cũ"), (scan, "Bản quét lỗi"), (pdfs.text_pdf(1), "Văn bản"))]
    with app.app_context():
        older, failed, text = (_version(material_id) for material_id in ids)
        older.ocr_status, older.ocr_pages = OcrStatus.NONE, None  # extracted before the migration
        failed.ocr_status, failed.ocr_attempts, failed.ocr_error = OcrStatus.FAILED, 4, "no vie.traineddata"
        db.session.commit()
    listed = app.test_cli_runner().invoke(args=["ocr-scans"])
    assert listed.exit_code == 0 and listed.output.startswith("2 material version(s) queued"), listed.output
    with app.app_context():
        states = [(v.ocr_status, v.ocr_pages, v.ocr_attempts, v.ocr_error) for v in map(_version, ids)]
    assert states == [(OcrStatus.PENDING, [0], 0, None), (OcrStatus.PENDING, [0], 0, None),
                      (OcrStatus.NONE, None, 0, None)]


def test_the_reader_gets_a_signed_upload_as_it_was_signed():
    layered = {"sha256": "a" * 64, "ocr_sha256": "b" * 64}
    assert MaterialVersion(**layered, signatures=[]).reading_sha256 == "b" * 64
    assert MaterialVersion(**layered, signatures=[{"signer": "UBND tỉnh"}]).reading_sha256 == "a" * 64
    assert MaterialVersion(sha256="a" * 64, signatures=[]).reading_sha256 == "a" * 64


def test_a_recognised_scan_is_found_by_a_query(app, client, meeting, secretary, scan_dpi):
    search = pytest.importorskip("ecabinet.search.operations")  # the search engine of the same issue
    data = pdfs.joined_pdf(pdfs.text_pdf(1, seed=4), pdfs.scanned_pdf(1, seed=5, dpi=DPI))
    material_id = _upload_extracted(app, client, secretary, meeting, data, "Báo cáo năm 2021 (bản quét)")
    scanned_words, text_page = folded(pdfs.page_texts(1, seed=5)[0]).split(), folded(pdfs.page_texts(1, seed=4)[0])
    phrase = next(" ".join(scanned_words[i:i + 3]) for i in range(len(scanned_words))
                  if all(len(word) >= 4 and word.isalpha() for word in scanned_words[i:i + 3])
                  and " ".join(scanned_words[i:i + 3]) not in text_page)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "chuyenvien"))

        def found() -> list[tuple[str, int, int | None]]:
            results = search.search(user, search.SearchQuery(q=f'"{phrase}"'))  # typed without diacritics
            return [(hit.kind, hit.id, hit.page) for hit in results.hits if hit.id == material_id]

        assert found() == []  # the scan has no text until it is recognised
        assert ocr.recognise_pending() == 1
        assert found() == [("material", material_id, 2)]
