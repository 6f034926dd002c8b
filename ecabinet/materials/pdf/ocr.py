"""OCR of pages without a text layer (a scan): Tesseract through tesserocr, its C API in this process.

Each page is rendered with pypdfium2 at the configured resolution (fewer dots for a page so large that it would
exceed ``MAX_PAGE_PIXELS``), read by Tesseract, which also writes it as a text-only PDF page: the recognised words
in invisible type at their places, which ``add_text_layer`` lays over the original pages.

tesserocr's ``ProcessPage`` (a PIL image) leaves its PDF unfinished (sirfz/tesserocr#271); ``ProcessPages`` on an
image file finishes it, so each page goes through a file in a private scratch folder.
"""

from __future__ import annotations

import io
import tempfile
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import tesserocr
from pypdf import PdfReader, PdfWriter, Transformation

from ecabinet.materials.pdf.model import RecognisedPage

MAX_PAGE_PIXELS = 36_000_000
"""An A2 sheet at 300 dpi; a larger page is rendered at fewer dots, so the worker's memory stays bounded."""


class OcrFailed(Exception):
    """Tesseract could not read a page, or its language data is missing."""


def _render(page, dpi: int):
    width, height = page.get_size()
    scale = dpi / 72
    scale = min(scale, (MAX_PAGE_PIXELS / (width * height)) ** 0.5)
    return page.render(scale=scale, grayscale=True).to_pil(), round(scale * 72)


def recognise_pages(path: str, indexes: list[int], *, tessdata: str, language: str, dpi: int) -> list[RecognisedPage]:
    """The text (NFC) of the pages ``indexes`` (from 0) of the PDF at ``path``, with each page's text-only PDF."""
    if not (Path(tessdata) / f"{language}.traineddata").is_file():
        raise OcrFailed(f"no Tesseract data {language}.traineddata in {tessdata}")
    document = pdfium.PdfDocument(path)
    try:
        with tempfile.TemporaryDirectory(prefix="ecabinet-ocr-") as scratch, \
                tesserocr.PyTessBaseAPI(path=tessdata, lang=language) as api:
            api.SetVariable("tessedit_create_txt", "1")
            api.SetVariable("tessedit_create_pdf", "1")
            api.SetVariable("textonly_pdf", "1")
            return [_recognise(api, document[index], index, Path(scratch), dpi) for index in indexes]
    finally:
        document.close()


def _recognise(api, page, index: int, scratch: Path, dpi: int) -> RecognisedPage:
    image, page_dpi = _render(page, dpi)
    page.close()
    source, output = scratch / f"{index}.png", scratch / str(index)
    image.save(source, dpi=(page_dpi, page_dpi))
    if not api.ProcessPages(str(output), str(source)):
        raise OcrFailed(f"Tesseract could not read page {index + 1}")
    text = output.with_suffix(".txt").read_text(encoding="utf-8")
    return RecognisedPage(index, unicodedata.normalize("NFC", text.strip()), output.with_suffix(".pdf").read_bytes())


def _display_to_user(rotation: int, width: float, height: float) -> Transformation:
    """From the page as shown (what was rendered and read) to its user space, for a page turned by ``/Rotate``;
    ``width`` and ``height`` are those of its crop box, unturned."""
    matrices = {0: (1, 0, 0, 1, 0, 0), 90: (0, 1, -1, 0, width, 0), 180: (-1, 0, 0, -1, width, height),
                270: (0, -1, 1, 0, 0, height)}
    return Transformation(matrices[rotation % 360])


def add_text_layer(path: str, layers: dict[int, bytes]) -> bytes:
    """A copy of the PDF at ``path`` with each text-only page of ``layers`` (by page index) laid over its page,
    stretched over the page as it is shown."""
    writer = PdfWriter(clone_from=path)
    for index, layer in layers.items():
        page = writer.pages[index]
        text = PdfReader(io.BytesIO(layer)).pages[0]
        box = page.cropbox
        rotation = page.rotation % 360
        shown_width, shown_height = (box.height, box.width) if rotation in (90, 270) else (box.width, box.height)
        placed = (Transformation().scale(shown_width / float(text.mediabox.width),
                                         shown_height / float(text.mediabox.height))
                  .transform(_display_to_user(rotation, float(box.width), float(box.height)))
                  .translate(float(box.left), float(box.bottom)))
        page.merge_transformed_page(text, placed)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
