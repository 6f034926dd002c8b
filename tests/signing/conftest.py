"""A throwaway certificate authority and the Office's signing certificate, made with ``cryptography``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ecabinet.core.clock import utcnow

P12_PASSWORD = "mat-khau-chung-thu"
SIGNER_NAME = "Văn phòng Ủy ban nhân dân tỉnh Quảng Ngãi"
SIGNER_ORG = "Ủy ban nhân dân tỉnh Quảng Ngãi"
CA_NAME = "CA thử nghiệm của ecabinet"


@dataclass(frozen=True)
class Pki:
    ca_pem: Path
    p12: Path
    password: str
    not_after: datetime


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _certificate(subject, issuer, public_key, signing_key, *, ca: bool, not_after: datetime) -> x509.Certificate:
    now = min(datetime.now(timezone.utc), utcnow())  # valid by the real clock (pyHanko) and the app's
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(min(now, not_after) - timedelta(days=1))
               .not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False))
    usage = dict(digital_signature=not ca, content_commitment=not ca, key_encipherment=False, data_encipherment=False,
                 key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False)
    builder = builder.add_extension(x509.KeyUsage(**usage), critical=True)
    if not ca:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def make_pki(directory: Path, *, valid_days: int = 365, password: str = P12_PASSWORD) -> Pki:
    """A CA (PEM bundle) and a signer certificate with its key in a password-protected PKCS#12 file."""
    ca_key, signer_key = _key(), _key()
    ca_name = _name(CA_NAME, "ecabinet")
    ca_cert = _certificate(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True,
                           not_after=utcnow() + timedelta(days=3650))
    not_after = utcnow() + timedelta(days=valid_days)
    signer_cert = _certificate(_name(SIGNER_NAME, SIGNER_ORG), ca_name, signer_key.public_key(), ca_key, ca=False,
                               not_after=not_after)
    directory.mkdir(parents=True, exist_ok=True)
    ca_pem = directory / "ca.pem"
    ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    p12 = directory / "van-phong.p12"
    p12.write_bytes(serialization.pkcs12.serialize_key_and_certificates(
        b"van-phong", signer_key, signer_cert, [ca_cert],
        serialization.BestAvailableEncryption(password.encode())))
    return Pki(ca_pem=ca_pem, p12=p12, password=password, not_after=not_after)


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def signing_app(app, pki):
    """The app with the Office's certificate configured and the test CA as the only trust root."""
    app.config.update(SIGNING_PKCS12_PATH=str(pki.p12), SIGNING_PKCS12_PASSWORD=pki.password,
                      SIGNING_TRUST_ROOTS=str(pki.ca_pem))
    return app


@pytest.fixture
def plain_app(tmp_path, pki):
    """An app for tests that need no database: the certificate configured, the test CA trusted."""
    from ecabinet import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", STORAGE_DIR=str(tmp_path / "storage"),
                     SIGNING_PKCS12_PATH=str(pki.p12), SIGNING_PKCS12_PASSWORD=pki.password,
                     SIGNING_TRUST_ROOTS=str(pki.ca_pem))
    with app.app_context():
        yield app


@pytest.fixture(scope="session")
def notice_pdf() -> bytes:
    """A small administrative document with Vietnamese text, as ecabinet renders it."""
    from ecabinet.documents import render_pdf
    from tests.documents import samples

    return render_pdf(samples.invitation())


def ui_text(msgid: str, app, **values) -> str:
    """An interface text as a page shows it in the default language (Vietnamese once translated), escaped."""
    from flask_babel import gettext
    from markupsafe import escape

    with app.test_request_context():
        return str(escape(gettext(msgid, **values)))
