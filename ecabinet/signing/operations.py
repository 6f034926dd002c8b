"""Digital signatures with pyHanko: the Office signs the PDFs it issues; signatures in uploaded PDFs are checked.
Both run in worker processes (``pdfsign``), which alone import pyHanko.

The signing certificate is a PKCS#12 file an admin configures (``SIGNING_PKCS12_PATH`` and ``_PASSWORD``). A
signature found in a PDF is *trusted* when its certificate chains to one of ``SIGNING_TRUST_ROOTS``.
Revocation is not checked: the servers run on an intranet without access to the CAs' CRL and OCSP servers,
and nothing is ever fetched from the network.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from flask import current_app
from flask_babel import lazy_gettext as _l

from ecabinet.core import offload, sandbox
from ecabinet.core.clock import utcnow
from ecabinet.core.exceptions import DomainError

log = logging.getLogger(__name__)

DEFAULT_REASON = "Ban hành văn bản"
EXPIRY_WARNING_DAYS = 30
SIGN = "ecabinet.signing.pdfsign:sign"
READ_SIGNATURES = "ecabinet.signing.pdfsign:read_signatures"

VALID_TRUSTED, VALID_UNTRUSTED, INVALID, ERROR = "valid_trusted", "valid_untrusted", "invalid", "error"
LABELS = {
    VALID_TRUSTED: _l("Valid"),
    VALID_UNTRUSTED: _l("Intact signature, certificate not verified"),
    INVALID: _l("Not valid"),
    ERROR: _l("The signature could not be checked"),
}
UNREADABLE_MESSAGE = _l("The digital certificate cannot be read: wrong password or damaged file.")
EXPIRED_MESSAGE = _l("The Office's digital certificate has expired: renew it before signing documents.")


# --- the Office's certificate ------------------------------------------------------------------

def signing_configured() -> bool:
    """Whether an admin has configured a PKCS#12 file to sign the issued documents with."""
    return bool(current_app.config.get("SIGNING_PKCS12_PATH"))


def load_certificate() -> asn1_x509.Certificate:
    """The configured signer's certificate; read once per version of the file (its path and modification time).

    Raises ``DomainError("signing_certificate_unreadable")`` when the file is missing, damaged or the
    password is wrong; the cause is logged for the admin.
    """
    path = Path(current_app.config["SIGNING_PKCS12_PATH"])
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        log.error("signing certificate %s cannot be read: %s", path, exc)
        raise _unreadable() from None
    return _load_pkcs12(str(path), mtime, current_app.config.get("SIGNING_PKCS12_PASSWORD") or "")


def _unreadable() -> DomainError:
    return DomainError("signing_certificate_unreadable", str(UNREADABLE_MESSAGE), None, 503)


@lru_cache(maxsize=4)
def _load_pkcs12(path: str, mtime: int, password: str) -> asn1_x509.Certificate:
    """``mtime`` is only part of the cache key: a replaced file is read again. Failures are not cached."""
    try:
        _key, cert, _others = pkcs12.load_key_and_certificates(Path(path).read_bytes(), password.encode() or None)
        if cert is None:
            raise ValueError("the file holds no certificate")
        return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))
    except (OSError, ValueError, TypeError) as exc:
        log.error("signing certificate %s cannot be loaded (wrong password or damaged file): %s", path, exc)
        raise _unreadable() from None


def certificate_status() -> dict | None:
    """What the admin page shows of the configured certificate; None when signing is not configured."""
    if not signing_configured():
        return None
    cert = load_certificate()
    not_before, not_after, now = cert.not_valid_before, cert.not_valid_after, utcnow()
    days_left = (not_after - now).days
    return {"subject": distinguished_name(cert.subject), "common_name": name_part(cert.subject, "common_name"),
            "issuer": distinguished_name(cert.issuer), "serial": format(cert.serial_number, "X"),
            "not_before": not_before, "not_after": not_after, "days_left": days_left,
            "expired": not_after <= now, "expiring_soon": days_left < EXPIRY_WARNING_DAYS}


NAME_KEYS = {"common_name": "CN", "organizational_unit_name": "OU", "organization_name": "O", "locality_name": "L",
             "state_or_province_name": "ST", "country_name": "C", "email_address": "E", "serial_number": "SERIALNUMBER"}


def distinguished_name(name: asn1_x509.Name) -> str:
    """``CN=…, O=…, C=VN``: the most specific part first, as RFC 4514 writes it."""
    parts = []
    for key, value in reversed(list(name.native.items())):
        for one in value if isinstance(value, list) else [value]:
            parts.append(f"{NAME_KEYS.get(key, key)}={one}")
    return ", ".join(parts)


def name_part(name: asn1_x509.Name, part: str) -> str | None:
    value = name.native.get(part)
    if isinstance(value, list):  # a name may repeat an attribute; the most specific one comes last
        value = value[-1]
    return value


# --- signing ---------------------------------------------------------------------------------

def sign_pdf(data: bytes, *, reason: str = DEFAULT_REASON, location: str | None = None) -> bytes | None:
    """``data`` with an invisible PAdES signature of the Office appended as an incremental update (the
    original bytes, hence the text, stay as they are); None when signing is not configured.

    Raises ``DomainError`` when the certificate cannot be read or has expired.
    """
    if not signing_configured():
        return None
    if load_certificate().not_valid_after <= utcnow():
        raise DomainError("signing_certificate_expired", str(EXPIRED_MESSAGE), None, 503)
    config = current_app.config
    return offload.in_worker(SIGN, data, config["SIGNING_PKCS12_PATH"], config.get("SIGNING_PKCS12_PASSWORD") or "",
                             reason=reason, location=location or config["PROVINCE_NAME"])


# --- checking signatures ---------------------------------------------------------------------------

def inspect_signatures(data: bytes) -> list[dict]:
    """Every signature embedded in the PDF ``data``, checked; [] for an unsigned file or one that is not a PDF.

    Each is a dict: ``field``, ``signer`` and ``organisation`` (from the certificate), ``issuer``,
    ``signing_time`` (UTC ISO, as the signer states it), ``intact`` (the signed bytes are unchanged),
    ``valid`` (cryptographically valid), ``trusted`` (chains to ``SIGNING_TRUST_ROOTS``; revocation is not
    checked), ``covers_whole_document``, ``code`` (valid_trusted, valid_untrusted, invalid or error) and
    ``label`` (Vietnamese). Never raises: a signature that cannot be checked is reported with code "error".
    The file is read in an isolated worker process (``ecabinet.core.sandbox``): one too complex gives [].
    """
    try:
        found = sandbox.run_isolated(READ_SIGNATURES, data, current_app.config.get("SIGNING_TRUST_ROOTS"))
    except sandbox.SandboxError as exc:
        log.info("signatures not inspected: %s", exc)
        return []
    return [{**result, "label": str(LABELS[result["code"]])} for result in found]


def trust_root_names() -> list[str]:
    """The subjects of the configured trust roots, for the admin page."""
    return [distinguished_name(root.subject) for root in _trust_roots()]


def _trust_roots() -> list[asn1_x509.Certificate]:
    """The certificates of ``SIGNING_TRUST_ROOTS``; [] when none is configured or the file is unreadable."""
    return roots_from(current_app.config.get("SIGNING_TRUST_ROOTS"))


def roots_from(setting: str | None) -> list[asn1_x509.Certificate]:
    if not setting:
        return []
    path = Path(setting)
    try:
        return list(_load_roots(str(path), path.stat().st_mtime_ns))
    except (OSError, ValueError) as exc:
        log.error("trust roots %s cannot be read: %s", path, exc)
        return []


@lru_cache(maxsize=4)
def _load_roots(path: str, mtime: int) -> tuple[asn1_x509.Certificate, ...]:
    certs = x509.load_pem_x509_certificates(Path(path).read_bytes())
    return tuple(asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER)) for cert in certs)
