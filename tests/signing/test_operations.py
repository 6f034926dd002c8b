"""Signing a PDF with the Office's PKCS#12 certificate and checking the signatures of any PDF."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest

from ecabinet.core.exceptions import DomainError
from ecabinet.materials.pdf.extract import extract_text
from ecabinet.signing import operations as ops
from tests.fixtures.signing import CA_NAME, SIGNER_NAME, SIGNER_ORG, make_pki


def _tamper(signed: bytes) -> bytes:
    """Change one digit of the document's creation date, which lies inside the signed byte range."""
    at = signed.index(b"/CreationDate (D:2026") + len(b"/CreationDate (D:2026")
    return signed[:at] + (b"9" if signed[at:at + 1] != b"9" else b"8") + signed[at + 1:]


def test_a_signed_pdf_is_intact_valid_and_trusted_by_the_configured_ca(plain_app, notice_pdf):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    signed = ops.sign_pdf(notice_pdf)
    assert signed.startswith(notice_pdf) and len(signed) > len(notice_pdf)  # an incremental update
    [signature] = ops.inspect_signatures(signed)
    assert signature["signer"] == SIGNER_NAME and signature["organisation"] == SIGNER_ORG
    assert signature["issuer"] == CA_NAME
    assert signature["intact"] and signature["valid"] and signature["trusted"]
    assert signature["covers_whole_document"]
    assert (signature["code"], signature["label"]) == ("valid_trusted", "Hợp lệ")
    assert datetime.fromisoformat(signature["signing_time"]) >= before
    assert signature["signing_time"].endswith("+00:00")


def test_without_trust_roots_the_signature_is_valid_but_untrusted(plain_app, notice_pdf):
    signed = ops.sign_pdf(notice_pdf)
    plain_app.config["SIGNING_TRUST_ROOTS"] = None
    [signature] = ops.inspect_signatures(signed)
    assert signature["intact"] and signature["valid"] and not signature["trusted"]
    assert signature["code"] == "valid_untrusted"
    assert "chưa xác minh được chứng thư" in signature["label"]


def test_a_signature_from_another_ca_is_untrusted(plain_app, notice_pdf, tmp_path):
    stranger = make_pki(tmp_path / "stranger")
    plain_app.config.update(SIGNING_PKCS12_PATH=str(stranger.p12))
    signed = ops.sign_pdf(notice_pdf)
    [signature] = ops.inspect_signatures(signed)  # the trust roots are still the first CA's
    assert signature["valid"] and not signature["trusted"] and signature["code"] == "valid_untrusted"


def test_the_signed_text_still_extracts_with_its_diacritics(plain_app, notice_pdf):
    signed = ops.sign_pdf(notice_pdf, reason="Ban hành thông báo kết luận", location="Quảng Ngãi")
    text = " ".join(" ".join(extract_text(signed)).split())
    assert "Họp Ủy ban nhân dân tỉnh thường kỳ tháng 11 năm 2026" in text
    assert "Trần Minh Khôi" in text
    assert extract_text(signed) == extract_text(notice_pdf)


def test_the_reason_and_location_are_recorded(plain_app, notice_pdf):
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    signed = ops.sign_pdf(notice_pdf)
    [embedded] = PdfFileReader(BytesIO(signed)).embedded_signatures
    assert embedded.sig_object["/Reason"] == "Ban hành văn bản"
    assert embedded.sig_object["/Location"] == plain_app.config["PROVINCE_NAME"]
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES


def test_a_changed_byte_in_the_signed_range_makes_it_invalid(plain_app, notice_pdf):
    tampered = _tamper(ops.sign_pdf(notice_pdf))
    [signature] = ops.inspect_signatures(tampered)
    assert not signature["intact"]
    assert signature["code"] == "invalid" and signature["label"] == "Không hợp lệ"


def test_signing_twice_keeps_both_and_only_the_last_covers_the_whole_file(plain_app, notice_pdf):
    twice = ops.sign_pdf(ops.sign_pdf(notice_pdf))
    first, second = ops.inspect_signatures(twice)
    assert (first["field"], second["field"]) == ("ChuKySo1", "ChuKySo2")
    assert first["intact"] and not first["covers_whole_document"] and second["covers_whole_document"]


def test_unsigned_and_garbage_files_have_no_signatures(plain_app, notice_pdf):
    assert ops.inspect_signatures(notice_pdf) == []
    for garbage in (b"", b"not a pdf at all", b"%PDF-1.7\n" + os.urandom(2000), notice_pdf[: len(notice_pdf) // 2]):
        assert ops.inspect_signatures(garbage) == []


def test_a_broken_signature_is_reported_as_error_without_raising(plain_app, notice_pdf):
    signed = ops.sign_pdf(notice_pdf)
    start = signed.index(b"/Contents <") + len(b"/Contents <")
    broken = signed[:start] + b"0" * 64 + signed[start + 64:]  # the CMS blob no longer parses
    [signature] = ops.inspect_signatures(broken)
    assert signature["code"] == "error" and signature["label"] == "Không kiểm tra được chữ ký"
    assert not (signature["intact"] or signature["valid"] or signature["trusted"])


def test_a_wrong_password_is_a_clear_error(plain_app, notice_pdf):
    plain_app.config["SIGNING_PKCS12_PASSWORD"] = "sai-mat-khau"
    with pytest.raises(DomainError) as refused:
        ops.sign_pdf(notice_pdf)
    assert refused.value.code == "signing_certificate_unreadable"
    assert "sai mật khẩu hoặc tệp hỏng" in refused.value.message


def test_a_damaged_or_missing_file_is_a_clear_error(plain_app, notice_pdf, tmp_path):
    damaged = tmp_path / "hong.p12"
    damaged.write_bytes(b"\x30\x82 not pkcs12")
    for path in (damaged, tmp_path / "khong-co.p12"):
        plain_app.config["SIGNING_PKCS12_PATH"] = str(path)
        with pytest.raises(DomainError, match="Không đọc được chứng thư số"):
            ops.sign_pdf(notice_pdf)


def test_not_configured_means_not_signed(plain_app, notice_pdf):
    plain_app.config["SIGNING_PKCS12_PATH"] = None
    assert not ops.signing_configured()
    assert ops.sign_pdf(notice_pdf) is None
    assert ops.certificate_status() is None


def test_a_replaced_certificate_file_is_read_again(plain_app, notice_pdf, tmp_path, pki):
    path = tmp_path / "office.p12"
    path.write_bytes(pki.p12.read_bytes())
    plain_app.config["SIGNING_PKCS12_PATH"] = str(path)
    assert ops.load_certificate() is ops.load_certificate()  # cached
    renewed = make_pki(tmp_path / "renewed", valid_days=700)
    path.write_bytes(renewed.p12.read_bytes())
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert ops.certificate_status()["days_left"] >= 698


def test_certificate_status_for_the_admin(plain_app, pki):
    status = ops.certificate_status()
    assert status["subject"] == f"CN={SIGNER_NAME}, O={SIGNER_ORG}, C=VN"
    assert status["issuer"] == f"CN={CA_NAME}, O=ecabinet, C=VN"
    assert status["common_name"] == SIGNER_NAME
    assert status["not_after"] == pki.not_after.replace(microsecond=0)
    assert 363 <= status["days_left"] <= 365
    assert not status["expired"] and not status["expiring_soon"]
    assert int(status["serial"], 16) > 0


def test_a_certificate_about_to_expire_is_flagged(plain_app, tmp_path):
    soon = make_pki(tmp_path / "soon", valid_days=10)
    plain_app.config.update(SIGNING_PKCS12_PATH=str(soon.p12), SIGNING_PKCS12_PASSWORD=soon.password)
    status = ops.certificate_status()
    assert status["expiring_soon"] and not status["expired"] and status["days_left"] <= 10


def test_the_trust_roots_are_named(plain_app):
    assert ops.trust_root_names() == [f"CN={CA_NAME}, O=ecabinet, C=VN"]
    plain_app.config["SIGNING_TRUST_ROOTS"] = "/khong/co/tep.pem"
    assert ops.trust_root_names() == []


def test_an_expired_certificate_is_shown_and_does_not_sign(plain_app, notice_pdf, tmp_path):
    expired = make_pki(tmp_path / "expired", valid_days=-2)
    plain_app.config.update(SIGNING_PKCS12_PATH=str(expired.p12), SIGNING_PKCS12_PASSWORD=expired.password)
    status = ops.certificate_status()
    assert status["expired"] and status["days_left"] < 0
    with pytest.raises(DomainError) as refused:
        ops.sign_pdf(notice_pdf)
    assert refused.value.code == "signing_certificate_expired" and "hết hạn" in refused.value.message
