"""Checking an uploaded PDF: ``validate_upload`` checks it before it is stored or read (materials, the signature
check) and refuses it with ``PdfRejected`` (a reason code and a message in the uploader's language that can be
shown as is). The check itself, ``pdfscan.validate_pdf``, runs in an isolated worker process
(``ecabinet.core.sandbox``), which alone imports pypdf."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from ecabinet.core import sandbox

MB = 1024 * 1024
MAX_BYTES = 100 * MB
MAX_PAGES = 5000
MAX_STREAM_INFLATED = 64 * MB  # a page content stream larger than this is a bomb
MAX_TOTAL_INFLATED = 512 * MB  # all content streams of the document together
MAX_IMAGE_PIXELS = 100_000_000  # width × height of one image; an A3 page scanned at 600 dpi is 70 million

MESSAGES = {
    "not_pdf": _l("The file is not a PDF document."),
    "too_large": _l("The PDF file is larger than allowed (%(limit)s MB)."),
    "encrypted": _l("The PDF file is protected by a password or encrypted; remove the password and upload it again."),
    "truncated": _l("The PDF file is cut short (the upload did not finish); upload it again."),
    "corrupt": _l("The PDF file is damaged and cannot be read."),
    "no_pages": _l("The PDF file has no pages."),
    "too_many_pages": _l("The PDF file has too many pages (at most %(limit)s pages)."),
    "bomb": _l("The PDF file holds abnormally compressed data (far too large once inflated) and is refused."),
    "image_too_large": _l("The PDF file holds an image too large (over %(limit)s million pixels) to be shown "
                          "safely, and is refused."),
    "too_complex": _l("The file is too complex to process safely and is refused."),
}


class PdfRejected(ValueError):
    """An upload refused: ``code`` (stable, for programs) and ``message`` (for people, in their language)."""

    def __init__(self, code: str, limit: int | float | None = None) -> None:
        self.code = code
        self.limit = limit
        super().__init__(code if limit is None else f"{code} ({limit})")

    def __reduce__(self):  # raised in the isolated worker, raised again in the server
        return PdfRejected, (self.code, self.limit)

    @property
    def message(self) -> str:
        """A fractional limit is written with the language's decimal mark (Vietnamese: a comma)."""
        limit = format_decimal(self.limit) if isinstance(self.limit, float) else self.limit
        return str(MESSAGES.get(self.code, MESSAGES["corrupt"])) % {"limit": limit}


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    size: int
    sha256: str


def validate_upload(data: bytes, *, max_bytes: int = MAX_BYTES, max_pages: int = MAX_PAGES) -> PdfInfo:
    """``pdfscan.validate_pdf`` in an isolated worker process (``ecabinet.core.sandbox``); a file that makes the
    worker exceed its memory, CPU time or wall-clock limit, or crash it, is refused as ``too_complex``."""
    try:
        return sandbox.run_isolated("ecabinet.core.pdfscan:validate_pdf", data, max_bytes=max_bytes,
                                    max_pages=max_pages)
    except sandbox.SandboxError as exc:
        raise PdfRejected("too_complex") from exc
