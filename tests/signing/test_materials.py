"""Signed materials: the background job records their signatures; the API and the agenda page show them."""

from __future__ import annotations

from io import BytesIO

import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.materials import operations as materials
from ecabinet.materials.models import MaterialVersion
from ecabinet.signing import operations as signing
from tests.fixtures.web import web_login
from tests.fixtures.signing import SIGNER_NAME, ui_text


def _signed(app, data: bytes) -> bytes:
    with app.app_context():
        return signing.sign_pdf(data)


def _run_extraction(app) -> dict[str, list | None]:
    with app.app_context():
        materials.extract_pending()
        db.session.commit()
        return {v.filename: v.signatures for v in db.session.scalars(sa.select(MaterialVersion))}


def _upload(client, headers, meeting_id, data, title, filename):
    form = {"title": title, "doc_type": "submission", "file": (BytesIO(data), filename)}
    response = client.post(f"/api/v1/meetings/{meeting_id}/materials", headers=headers, data=form,
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_extraction_job_records_signatures(signing_app, client, meeting, secretary, notice_pdf):
    signed = _upload(client, secretary, meeting["id"], _signed(signing_app, notice_pdf), "Thông báo kết luận",
                     "thong-bao-da-ky.pdf")
    assert signed["versions"][0]["signatures"] is None  # never checked inside the upload request
    _upload(client, secretary, meeting["id"], notice_pdf, "Giấy mời", "giay-moi.pdf")
    recorded = _run_extraction(signing_app)
    assert recorded["giay-moi.pdf"] == []
    [signature] = recorded["thong-bao-da-ky.pdf"]
    assert signature["signer"] == SIGNER_NAME and signature["code"] == "valid_trusted"

    shown = client.get(f"/api/v1/materials/{signed['id']}", headers=secretary).get_json()
    [version] = shown["versions"]
    [signature] = version["signatures"]
    assert signature["signer"] == SIGNER_NAME
    assert signature["intact"] and signature["valid"] and signature["trusted"]
    assert signature["label"] == "Hợp lệ" and signature["signing_time"]


def test_the_agenda_page_shows_the_signer_and_the_result(signing_app, client, meeting, secretary,
                                                         notice_pdf):
    _upload(client, secretary, meeting["id"], _signed(signing_app, notice_pdf), "Thông báo kết luận", "tb.pdf")
    signing_app.config["SIGNING_TRUST_ROOTS"] = None  # uploaded signatures from an unknown authority
    _run_extraction(signing_app)
    page = signing_app.test_client()
    assert web_login(page, "chuyenvien").status_code == 302
    html = page.get(f"/meetings/{meeting['id']}/agenda").get_data(as_text=True)
    badge = ui_text("Digitally signed: %(signer)s — certificate not verified", signing_app, signer=SIGNER_NAME)
    assert badge in html  # in Vietnamese: "Đã ký số: <người ký> — chưa xác minh được chứng thư"
    assert 'data-signature-code="valid_untrusted"' in html
    signed_at = ui_text("Signed at %(time)s", signing_app, time="")
    assert f'title="{signed_at}' in html  # the signing time as the badge's tooltip

