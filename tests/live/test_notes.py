"""Private notes on the pages of a material: the author's alone (404 for anyone else), within the page range,
kept across a new version, hidden — and kept — while the author cannot read the material."""

from __future__ import annotations

from io import BytesIO

import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import Role
from ecabinet.core.db import db
from ecabinet.live.models import PrivateNote
from ecabinet.org.models import Unit
from tests.fixtures import pdfs
from tests.fixtures.factories import make_user
from tests.fixtures.web import api_token, signed_in
from tests.fixtures.materials import publish, upload


@pytest.fixture
def material(client, meeting, secretary):
    """A published three-page material of the meeting chaired by pct."""
    response = upload(client, secretary, meeting["id"], pdfs.text_pdf(3, seed=4), title="Tờ trình quy hoạch")
    assert response.status_code == 201, response.get_json()
    publish(client, secretary, meeting["id"])
    return response.get_json()


def _write(client, headers, material_id, expect=201, **body):
    response = client.post(f"/api/v1/materials/{material_id}/notes", headers=headers, json=body)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def _notes(client, headers, material_id, expect=200):
    response = client.get(f"/api/v1/materials/{material_id}/notes", headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def test_a_note_is_its_authors_alone(client, material):
    chair, office_leader = api_token(client, "pct"), api_token(client, "chanhvp")
    second = _write(client, chair, material["id"], page=2, text="Hỏi Sở Tài chính về nguồn vốn")
    first = _write(client, chair, material["id"], page=1, text="Số liệu năm 2025 chưa khớp")
    assert (second["written_on_version"], second["current_version"]) == (1, 1)
    assert [n["id"] for n in _notes(client, chair, material["id"])] == [first["id"], second["id"]]  # by page
    _write(client, office_leader, material["id"], page=2, text="Ghi chú của Chánh Văn phòng")
    assert [n["text"] for n in _notes(client, office_leader, material["id"])] == ["Ghi chú của Chánh Văn phòng"]
    for method, body in (("get", None), ("patch", {"text": "Sửa trộm"}), ("delete", None)):
        response = getattr(client, method)(f"/api/v1/notes/{first['id']}", headers=office_leader, json=body)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    changed = client.patch(f"/api/v1/notes/{first['id']}", headers=chair, json={"text": "Số liệu đã khớp"})
    assert changed.status_code == 200 and changed.get_json()["text"] == "Số liệu đã khớp"
    assert client.delete(f"/api/v1/notes/{second['id']}", headers=chair).status_code == 204
    assert [n["text"] for n in _notes(client, chair, material["id"])] == ["Số liệu đã khớp"]
    assert client.get(f"/api/v1/notes/{second['id']}", headers=chair).status_code == 404


def test_only_those_taking_part_in_the_meeting_write_notes(app, client, material, people):
    """A văn thư and a viewer read the materials of a normal meeting they are not named in: they take no notes
    (403), and the reader offers them no notes panel; the chair, named in it, does."""
    with app.app_context():
        make_user("vanthu", db.session.get(Unit, people.office), Role.CLERK)
        db.session.commit()
    for username in ("vanthu", "quansat"):
        headers = api_token(client, username)
        assert client.get(f"/api/v1/materials/{material['id']}", headers=headers).status_code == 200
        refused = _write(client, headers, material["id"], 403, page=1, text="Ghi chú")
        assert refused["error"]["details"]["action"] == "take_notes"
        assert _notes(client, headers, material["id"]) == []
        assert 'id="reader-notes"' not in signed_in(app.test_client(), username).get(
            f"/materials/{material['id']}/read").get_data(as_text=True)
    _write(client, api_token(client, "pct"), material["id"], page=1, text="Ghi chú của chủ trì")
    assert 'id="reader-notes"' in signed_in(app.test_client(), "pct").get(
        f"/materials/{material['id']}/read").get_data(as_text=True)


def test_the_page_must_exist_in_the_current_version(app, client, material, secretary):
    chair = api_token(client, "pct")
    out_of_range = _write(client, chair, material["id"], 422, page=4, text="Trang không tồn tại")
    assert out_of_range["error"]["code"] == "page_out_of_range"
    assert _write(client, chair, material["id"], 422, page=0, text="Trang 0")["error"]["code"] == "validation_error"
    assert _write(client, chair, material["id"], 422, page=1, text="")["error"]["code"] == "validation_error"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PrivateNote.id))) == 0


def test_notes_stay_when_the_material_gets_a_new_version(client, material, secretary):
    chair = api_token(client, "pct")
    note = _write(client, chair, material["id"], page=3, text="Xem lại phụ lục")
    response = client.post(f"/api/v1/materials/{material['id']}/versions", headers=secretary,
                           data={"file": (BytesIO(pdfs.text_pdf(5, seed=5)), "ban-moi.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    [kept] = _notes(client, chair, material["id"])
    assert (kept["id"], kept["page"], kept["written_on_version"], kept["current_version"]) == (note["id"], 3, 1, 2)
    assert _write(client, chair, material["id"], page=5, text="Trang mới")["written_on_version"] == 2


def test_notes_are_hidden_and_kept_while_read_access_is_lost(app, client, meeting, secretary, people):
    response = upload(client, secretary, meeting["id"], pdfs.text_pdf(2, seed=6), title="Phương án nhân sự",
                      confidentiality="confidential")
    assert response.status_code == 201, response.get_json()
    material_id = response.get_json()["id"]
    readers = f"/api/v1/materials/{material_id}/readers"
    assert client.put(readers, headers=secretary, json={"reader_ids": [people.leader]}).status_code == 200
    publish(client, secretary, meeting["id"])
    chair = api_token(client, "pct")
    note = _write(client, chair, material_id, page=1, text="Trao đổi riêng với đồng chí Chủ tịch")

    assert client.put(readers, headers=secretary, json={"reader_ids": [people.office_leader]}).status_code == 200
    _notes(client, chair, material_id, 404)
    assert client.get(f"/api/v1/notes/{note['id']}", headers=chair).status_code == 404
    assert client.patch(f"/api/v1/notes/{note['id']}", headers=chair, json={"text": "x"}).status_code == 404
    assert client.delete(f"/api/v1/notes/{note['id']}", headers=chair).status_code == 404
    _write(client, chair, material_id, 404, page=1, text="Không được")
    with app.app_context():
        assert db.session.get(PrivateNote, note["id"]).text == "Trao đổi riêng với đồng chí Chủ tịch"

    assert client.put(readers, headers=secretary, json={"reader_ids": [people.leader]}).status_code == 200
    assert [n["id"] for n in _notes(client, chair, material_id)] == [note["id"]]
