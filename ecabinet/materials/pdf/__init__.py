"""The PDF layer of meeting materials: text extraction, watermark, meeting pack. Uploads are checked
before with ``ecabinet.core.pdfcheck``.

Pure functions on bytes (or paths): no database, no request.

One module per responsibility: ``extract`` (page text),
``watermark`` (the per-reader mark), ``pack`` (the meeting pack) and ``rawpdf`` (the byte-level
object copying and incremental-update helpers that the watermark and the pack share).
"""

from ecabinet.materials.pdf.extract import PageTexts, checked_text, extract_text
from ecabinet.materials.pdf.pack import Pack, PackItem, PackMaterial, build_pack
from ecabinet.materials.pdf.watermark import watermark_page, watermark_pdf

__all__ = [
    "Pack", "PackItem", "PackMaterial", "PageTexts", "build_pack", "checked_text", "extract_text", "watermark_page",
    "watermark_pdf",
]
