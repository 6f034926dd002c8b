"""The PDF layer of meeting materials: validation, text extraction, watermark, meeting pack.

Pure functions on bytes (or paths): no database, no request. Refusals raise ``PdfRejected``
with a reason code and a Vietnamese message that can be shown to the uploader as is.

One module per responsibility: ``validate`` (upload checks), ``extract`` (page text),
``watermark`` (the per-reader mark), ``pack`` (the meeting pack) and ``rawpdf`` (the byte-level
object copying and incremental-update helpers that the watermark and the pack share).
"""

from ecabinet.materials.pdf.extract import PageTexts, extract_text
from ecabinet.materials.pdf.pack import Pack, PackItem, PackMaterial, build_pack
from ecabinet.materials.pdf.validate import (
    MAX_BYTES,
    MAX_IMAGE_PIXELS,
    MAX_PAGES,
    MAX_STREAM_INFLATED,
    MAX_TOTAL_INFLATED,
    MB,
    MESSAGES,
    PdfInfo,
    PdfRejected,
    validate_pdf,
)
from ecabinet.materials.pdf.watermark import watermark_page, watermark_pdf

__all__ = [
    "MAX_BYTES", "MAX_IMAGE_PIXELS", "MAX_PAGES", "MAX_STREAM_INFLATED", "MAX_TOTAL_INFLATED", "MB", "MESSAGES",
    "Pack", "PackItem", "PackMaterial", "PageTexts", "PdfInfo", "PdfRejected",
    "build_pack", "extract_text", "validate_pdf", "watermark_page", "watermark_pdf",
]
