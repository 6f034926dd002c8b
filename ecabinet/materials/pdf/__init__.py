"""The PDF layer of meeting materials: text extraction, watermark, meeting pack. Uploads are checked
before with ``ecabinet.core.pdfcheck``.

Pure functions on bytes (or paths): no database, no request. They run in the isolated worker processes
(``ecabinet.core.sandbox``), which alone import their modules and the PDF libraries: the server names them.

One module per responsibility: ``extract`` (page text), ``ocr`` (the text of scanned pages),
``watermark`` (the per-reader mark), ``pack`` (the meeting pack) and ``rawpdf`` (the byte-level
object copying and incremental-update helpers that the watermark and the pack share); ``model`` has their
arguments and results.
"""

from ecabinet.materials.pdf.model import Pack, PackItem, PackMaterial, PageTexts, RecognisedPage

CHECKED_TEXT = "ecabinet.materials.pdf.extract:checked_text"
BUILD_PACK = "ecabinet.materials.pdf.pack:build_pack"
WATERMARK_PDF = "ecabinet.materials.pdf.watermark:watermark_pdf"
RECOGNISE_PAGES = "ecabinet.materials.pdf.ocr:recognise_pages"
ADD_TEXT_LAYER = "ecabinet.materials.pdf.ocr:add_text_layer"

__all__ = ["ADD_TEXT_LAYER", "BUILD_PACK", "CHECKED_TEXT", "RECOGNISE_PAGES", "WATERMARK_PDF", "Pack", "PackItem",
           "PackMaterial", "PageTexts", "RecognisedPage"]
