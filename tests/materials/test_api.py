"""The agenda and its materials through the API: uploads, refusals, versions, confidentiality, watermark."""

from io import BytesIO

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from ecabinet.audit.models import AuditEvent
from ecabinet.core.db import db
from tests.fixtures import pdfs
from ecabinet.materials.models import Material, MaterialVersion
from tests.fixtures.statements import statements_run
from tests.fixtures.web import api_token
from tests.fixtures.materials import build_packs, publish
from tests.fixtures.materials import upload as _upload


def _storage_files(app):
    from pathlib import Path

    return sorted(p.name for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file())


def test_agenda_items_are_added_and_reordered(client, meeting, secretary, people):
    url = f"/api/v1/meetings/{meeting['id']}/agenda"
    first = client.post(url, headers=secretary, json={"title": "Kế hoạch đầu tư công", "purpose": "decision",
                                                      "presenting_unit_id": people.department}).get_json()
    second = client.post(url, headers=secretary, json={"title": "Báo cáo thu ngân sách"}).get_json()
    assert (first["position"], second["position"]) == (1, 2)
    order = client.put(url + "/order", headers=secretary, json={"item_ids": [second["id"], first["id"]]})
    assert [i["title"] for i in order.get_json()] == ["Báo cáo thu ngân sách", "Kế hoạch đầu tư công"]
    incomplete = client.put(url + "/order", headers=secretary, json={"item_ids": [second["id"]]})
    assert incomplete.status_code == 422
    liaison = api_token(client, "sotc")
    assert client.post(url, headers=liaison, json={"title": "X"}).status_code in (403, 404)


def test_an_upload_is_validated_stored_and_versioned(app, client, meeting, secretary):
    created = _upload(client, secretary, meeting["id"], pdfs.text_pdf(3, seed=1))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["versions"][0]["page_count"] == 3 and body["updated"] is False
    replaced = client.post(f"/api/v1/materials/{body['id']}/versions", headers=secretary,
                           data={"file": (BytesIO(pdfs.text_pdf(4, seed=2)), "to-trinh-v2.pdf")},
                           content_type="multipart/form-data").get_json()
    assert [v["number"] for v in replaced["versions"]] == [1, 2] and replaced["updated"] is True
    assert len(_storage_files(app)) == 2


@pytest.mark.parametrize("maker, code", [
    (pdfs.not_a_pdf, "pdf_not_pdf"), (lambda: pdfs.truncated_pdf(pdfs.text_pdf(2)), "pdf_truncated"),
    (lambda: pdfs.encrypted_pdf(pdfs.text_pdf(2)), "pdf_encrypted"), (pdfs.bomb_pdf, "pdf_bomb"),
    (pdfs.claimed_pages_pdf, "pdf_too_many_pages"), (pdfs.no_pages_pdf, "pdf_no_pages"),
])
def test_bad_files_are_refused_and_nothing_is_kept(app, client, meeting, secretary, maker, code):
    response = _upload(client, secretary, meeting["id"], maker())
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == code and error["details"][0]["field"] == "file" and error["message"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Material)) == 0
    assert _storage_files(app) == []


def _fail_upload(app, meeting_id: int, data: bytes) -> str:
    """A version whose row cannot be written (here: a page count the database refuses), rolled back and its
    file discarded as the pages and the API do; its SHA-256."""
    from ecabinet.accounts.models import User
    from ecabinet.materials import operations as ops
    from ecabinet.meetings.models import Meeting

    with app.test_request_context(), app.app_context():
        m = db.session.get(Meeting, meeting_id)
        actor = db.session.get(User, m.created_by_id)
        material = ops.create_material(m, actor, title="Báo cáo", upload=ops.Upload(data, "bao-cao.pdf"))
        sha256 = material.current.sha256
        material.current.page_count = 0  # violates the CHECK constraint at commit
        with pytest.raises(sa.exc.IntegrityError):
            try:
                db.session.commit()
            except sa.exc.IntegrityError:
                ops.discard_unreferenced(sha256)
                raise
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MaterialVersion)) == 0
    return sha256


def test_a_failure_after_storing_leaves_neither_row_nor_file(app, client, meeting, secretary):
    _fail_upload(app, meeting["id"], pdfs.text_pdf(2, seed=5))
    assert _storage_files(app) == []


def test_a_failed_upload_keeps_the_same_content_another_table_refers_to(app, meeting, people):
    """The bytes of a file already sent as an e-mail's attachment, uploaded as a material that fails: the
    attachment's file stays."""
    from ecabinet.accounts.models import User
    from ecabinet.notify import operations as notify

    data = pdfs.text_pdf(2, seed=6)
    with app.app_context():
        db.session.get(User, people.secretary).email = "thuky@ubnd.example.vn"
        notify.notify("test:letter", [people.secretary], notify.Message(
            kind="meeting.invited", subject="Giấy mời", body="Kính mời",
            attachment=notify.Attachment("giay-moi.pdf", "application/pdf", data)))
        db.session.commit()
    sha256 = _fail_upload(app, meeting["id"], data)
    assert _storage_files(app) == [sha256]


def _listing_statements(app, client, headers, meeting_id) -> int:
    with app.app_context(), statements_run(db.engine) as seen:
        listed = client.get(f"/api/v1/meetings/{meeting_id}/materials", headers=headers)
    assert listed.status_code == 200 and listed.get_json()
    return len(seen)


def test_confidential_materials_reach_only_their_readers(app, client, meeting, secretary, people):
    created = _upload(client, secretary, meeting["id"], pdfs.text_pdf(3, seed=3), title="Phương án nhân sự",
                      confidentiality="confidential").get_json()
    chair = api_token(client, "pct")  # the chair reads it by default
    listing_one = _listing_statements(app, client, secretary, meeting["id"])
    _upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=4), title="Báo cáo công khai")
    assert _listing_statements(app, client, secretary, meeting["id"]) == listing_one  # however many materials
    publish(client, secretary, meeting["id"])
    office_leader = api_token(client, "chanhvp")  # invited, but not a leader: not a reader
    liaison = api_token(client, "sotc")  # another agency's liaison
    for headers in (office_leader, liaison):
        titles = [m["title"] for m in client.get(f"/api/v1/meetings/{meeting['id']}/materials",
                                                 headers=headers).get_json()]
        assert titles == ["Báo cáo công khai"]
        assert client.get(f"/api/v1/materials/{created['id']}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/materials/{created['id']}/file", headers=headers).status_code == 404
    download = client.get(f"/api/v1/materials/{created['id']}/file", headers=chair)
    assert download.status_code == 200 and download.headers["Cache-Control"] == "private, no-store"
    pages = PdfReader(BytesIO(download.data)).pages
    assert len(pages) == 3
    for page in pages:
        text = page.extract_text()
        assert "MẬT" in text and "Nguyễn Văn Pct" in text
    with app.app_context():
        reads = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "read")).all()
        assert [(e.actor_name, e.entity_id) for e in reads] == [("pct", str(created["id"]))]


def test_a_liaison_uploads_only_for_its_agencys_items(client, meeting, secretary, people):
    url = f"/api/v1/meetings/{meeting['id']}/agenda"
    own = client.post(url, headers=secretary, json={"title": "Dự toán ngân sách",
                                                    "presenting_unit_id": people.department}).get_json()
    other = client.post(url, headers=secretary, json={"title": "Kế hoạch y tế",
                                                      "presenting_unit_id": people.other_department}).get_json()
    liaison = api_token(client, "sotc")
    assert _upload(client, liaison, meeting["id"], pdfs.text_pdf(1), agenda_item_id=str(own["id"])).status_code == 201
    assert _upload(client, liaison, meeting["id"], pdfs.text_pdf(1),
                   agenda_item_id=str(other["id"])).status_code == 403


def test_an_upload_must_be_multipart_with_a_file(client, meeting, secretary):
    url = f"/api/v1/meetings/{meeting['id']}/materials"
    assert client.post(url, headers=secretary, json={"title": "X"}).status_code == 415
    missing = client.post(url, headers=secretary, data={"title": "X"}, content_type="multipart/form-data")
    assert missing.status_code == 422 and missing.get_json()["error"]["details"][0]["field"] == "file"


def test_text_is_extracted_in_the_background_and_a_bad_file_loses_nothing(app, client, meeting, secretary):
    from ecabinet.core import storage
    from ecabinet.materials import operations as ops
    from ecabinet.materials.models import TextStatus

    good = _upload(client, secretary, meeting["id"], pdfs.text_pdf(2, seed=7)).get_json()
    assert good["versions"][0]["text_status"] == "pending"  # never read inside the upload request
    bad = _upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=8), title="Phụ lục").get_json()
    with app.app_context():
        broken = db.session.scalar(sa.select(MaterialVersion).where(MaterialVersion.material_id == bad["id"]))
        storage.path_for(broken.sha256).write_bytes(b"not a pdf any more")  # the disk lost it since
        assert ops.extract_pending() == 2
        db.session.commit()
        assert ops.extract_pending() == 0  # the job runs again: nothing more to do
        versions = {v.material_id: v for v in db.session.scalars(sa.select(MaterialVersion))}
        done, failed = versions[good["id"]], versions[bad["id"]]
        assert done.text_status == TextStatus.DONE
        expected = pdfs.page_texts(2, seed=7)[0].split()[:5]
        assert " ".join(expected) in " ".join(done.text.split())
        assert failed.text_status == TextStatus.FAILED and failed.text_error
        assert db.session.get(Material, bad["id"]) is not None
    status = client.get(f"/api/v1/materials/{bad['id']}", headers=secretary).get_json()
    assert status["versions"][0]["text_status"] == "failed"


def test_the_meeting_pack_holds_what_the_reader_may_read(app, client, meeting, secretary, people):
    url = f"/api/v1/meetings/{meeting['id']}"
    item = client.post(url + "/agenda", headers=secretary, json={"title": "Kế hoạch đầu tư công"}).get_json()
    _upload(client, secretary, meeting["id"], pdfs.text_pdf(2, seed=11), agenda_item_id=str(item["id"]))
    _upload(client, secretary, meeting["id"], pdfs.text_pdf(3, seed=12), title="Phương án nhân sự",
            agenda_item_id=str(item["id"]), confidentiality="confidential")
    publish(client, secretary, meeting["id"])
    build_packs(app)  # publishing queued the participants' packs
    office_leader = api_token(client, "chanhvp")
    first = client.get(url + "/pack.pdf", headers=office_leader)
    assert first.status_code == 200
    reader = PdfReader(BytesIO(first.data))
    titles = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert titles == ["1. Kế hoạch đầu tư công"]
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Phương án nhân sự" not in text and "Tờ trình về kế hoạch đầu tư công năm 2027" in text
    assert client.get(url + "/pack.pdf", headers=office_leader).data == first.data  # cached, same bytes
    chair = client.get(url + "/pack.pdf", headers=api_token(client, "pct"))
    chair_text = " ".join(page.extract_text() for page in PdfReader(BytesIO(chair.data)).pages)
    assert "Phương án nhân sự" in chair_text and "MẬT" in chair_text
    assert len(PdfReader(BytesIO(chair.data)).pages) == len(reader.pages) + 3


def test_an_empty_pack_is_a_404(client, meeting, secretary):
    response = client.get(f"/api/v1/meetings/{meeting['id']}/pack.pdf", headers=secretary)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "empty_pack"
