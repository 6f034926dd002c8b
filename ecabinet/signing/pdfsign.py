"""Signing a PDF and reading the signatures in one with pyHanko, in the worker processes only: the server calls
them through ``operations.sign_pdf`` and ``operations.inspect_signatures``. Nothing here reads application
state: the certificate's file, its password and the trust roots come as arguments."""

from __future__ import annotations

import logging
import math
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from ecabinet.signing.operations import ERROR, INVALID, VALID_TRUSTED, VALID_UNTRUSTED, name_part, roots_from

log = logging.getLogger(__name__)

FIELD_PREFIX = "ChuKySo"


def sign(data: bytes, pkcs12_path: str, password: str, *, reason: str, location: str) -> bytes:
    """``data`` with an invisible PAdES signature by the key of the PKCS#12 file appended as an incremental
    update (``operations.sign_pdf``, which has checked the file)."""
    signer = signers.SimpleSigner.load_pkcs12_data(Path(pkcs12_path).read_bytes(), other_certs=(),
                                                    passphrase=password.encode() or None)
    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    metadata = signers.PdfSignatureMetadata(field_name=_free_field_name(writer), reason=reason, location=location,
                                            md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES)
    return signers.sign_pdf(writer, metadata, signer=signer).getvalue()


def _free_field_name(writer: IncrementalPdfFileWriter) -> str:
    taken = {name for name, _value, _ref in fields.enumerate_sig_fields(writer)}
    number = len(taken) + 1
    while f"{FIELD_PREFIX}{number}" in taken:
        number += 1
    return f"{FIELD_PREFIX}{number}"


def read_signatures(data: bytes, trust_roots: str | None) -> list[dict]:
    """``inspect_signatures`` without the labels, on the trust roots of the PEM file ``trust_roots``; it reads
    no application state, so it runs in the isolated worker."""
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        filled = list(fields.enumerate_sig_fields(reader, filled_status=True))
    except Exception as exc:  # garbage, truncated or encrypted: nothing can be said about signatures
        log.info("signatures not inspected: %s: %s", type(exc).__name__, exc)
        return []
    roots = roots_from(trust_roots)
    found: list[tuple[float, dict]] = []
    for name, _value, field in filled:
        try:  # one by one, so that a damaged signature does not hide the others
            signature = EmbeddedPdfSignature(reader, field, name)
            if signature.sig_object_type != "/Sig":
                continue  # a document timestamp, not a signature
            found.append((signature.signed_revision, _inspect(signature, roots)))
        except Exception as exc:
            log.info("signature %s cannot be read: %s: %s", name, type(exc).__name__, exc)
            found.append((math.inf, _failed({**_EMPTY, "field": name})))
    return [result for _order, result in sorted(found, key=lambda pair: pair[0])]


_EMPTY = {"field": None, "signer": None, "organisation": None, "issuer": None, "signing_time": None,
          "intact": False, "valid": False, "trusted": False, "covers_whole_document": False}


def _failed(result: dict) -> dict:
    return {**result, "code": ERROR}


def _inspect(signature: EmbeddedPdfSignature, roots: list[asn1_x509.Certificate]) -> dict:
    result = {**_EMPTY, "field": signature.field_name}
    try:
        cert = signature.signer_cert
        result.update(signer=name_part(cert.subject, "common_name"),
                      organisation=name_part(cert.subject, "organization_name"),
                      issuer=name_part(cert.issuer, "common_name"))
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        status = validate_pdf_signature(signature, context)
    except Exception as exc:  # a damaged signature must not stop the check of the others
        log.info("signature %s cannot be checked: %s: %s", result["field"], type(exc).__name__, exc)
        return _failed(result)
    signed_at = status.signer_reported_dt or _safe(lambda: signature.self_reported_timestamp)
    result.update(signing_time=_iso_utc(signed_at), intact=bool(status.intact), valid=bool(status.valid),
                  trusted=bool(roots) and bool(status.trusted),
                  covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE)
    return {**result, "code": _summary(result)}


def _summary(result: dict) -> str:
    if not (result["intact"] and result["valid"]):
        return INVALID
    return VALID_TRUSTED if result["trusted"] else VALID_UNTRUSTED


def _safe(read):
    try:
        return read()
    except Exception:
        return None


def _iso_utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()
