"""The admin page of the signing certificate and its PDF check."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest

from ecabinet.signing import operations as signing
from tests.fixtures.web import csrf_from, web_login
from tests.fixtures.signing import CA_NAME, SIGNER_NAME, make_pki, ui_text


@pytest.fixture
def admin_page(signing_app, client, people):
    assert web_login(client, "admin").status_code == 302
    return client


def _check(page, data: bytes, filename: str = "van-ban.pdf"):
    token = csrf_from(page.get("/admin/signing").get_data(as_text=True))
    return page.post("/admin/signing/check", data={"csrf_token": token, "file": (BytesIO(data), filename)},
                     content_type="multipart/form-data")


def test_the_admin_sees_the_certificate(admin_page):
    html = admin_page.get("/admin/signing").get_data(as_text=True)
    assert SIGNER_NAME in html and CA_NAME in html
    assert 'id="configured"' in html and 'id="certificate-expiring"' not in html
    revocation = "Revocation is not checked: the intranet has no access to the revocation servers of the " \
                 "certificate authorities."
    assert ui_text(revocation, admin_page.application) in html  # "Không kiểm tra thu hồi chứng thư: …"
    assert 'id="nav-signing"' in html


def test_an_expiring_certificate_is_warned_about(signing_app, admin_page, tmp_path):
    soon = make_pki(tmp_path / "soon", valid_days=12)
    signing_app.config.update(SIGNING_PKCS12_PATH=str(soon.p12), SIGNING_PKCS12_PASSWORD=soon.password)
    html = admin_page.get("/admin/signing").get_data(as_text=True)
    assert 'id="certificate-expiring"' in html


def test_an_expired_certificate_is_shown_as_expired(signing_app, admin_page, tmp_path):
    expired = make_pki(tmp_path / "expired", valid_days=-3)
    signing_app.config.update(SIGNING_PKCS12_PATH=str(expired.p12), SIGNING_PKCS12_PASSWORD=expired.password)
    html = admin_page.get("/admin/signing").get_data(as_text=True)
    assert 'id="certificate-expired"' in html and 'id="certificate-expiring"' not in html


def test_a_wrong_password_is_shown_not_a_crash(signing_app, admin_page):
    signing_app.config["SIGNING_PKCS12_PASSWORD"] = "sai"
    response = admin_page.get("/admin/signing")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="certificate-error"' in html
    assert "Không đọc được chứng thư số: sai mật khẩu hoặc tệp hỏng" in html


def test_not_configured(signing_app, admin_page):
    signing_app.config["SIGNING_PKCS12_PATH"] = None
    html = admin_page.get("/admin/signing").get_data(as_text=True)
    assert 'id="not-configured"' in html and SIGNER_NAME not in html


def test_checking_a_signed_pdf_shows_its_signatures_and_stores_nothing(signing_app, admin_page, notice_pdf):
    with signing_app.app_context():
        signed = signing.sign_pdf(notice_pdf)
    response = _check(admin_page, signed, "thong-bao.pdf")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="signatures"' in html and SIGNER_NAME in html and 'data-signature-code="valid_trusted"' in html
    assert "thong-bao.pdf" in html
    storage = Path(signing_app.config["STORAGE_DIR"])
    assert not storage.exists() or not any(path.is_file() for path in storage.rglob("*"))


def test_checking_an_unsigned_pdf_and_a_non_pdf(admin_page, notice_pdf):
    unsigned = _check(admin_page, notice_pdf)
    assert unsigned.status_code == 200 and 'id="unsigned"' in unsigned.get_data(as_text=True)
    refused = _check(admin_page, b"day khong phai PDF", "gia.pdf")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="file-error"' in html
    assert 'id="signatures"' not in html


def test_only_the_admin_may_open_it(signing_app, client, people):
    assert web_login(client, "chanhvp").status_code == 302
    assert client.get("/admin/signing").status_code == 403
    html = client.get("/").get_data(as_text=True)
    assert 'id="nav-signing"' not in html
    check = client.post("/admin/signing/check", data={"csrf_token": csrf_from(html),
                                                      "file": (BytesIO(b"%PDF-1.4"), "a.pdf")},
                        content_type="multipart/form-data")
    assert check.status_code == 403
