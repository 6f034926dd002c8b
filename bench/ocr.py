"""OCR figure: pages recognised per second on the app's path against the ``tesseract`` command.

A scan of corpus text (``tests.fixtures.pdfs.scanned_pdf``: image-only pages at 300 dpi) is recognised as the
``recognise-scanned-pages`` job does it — in sandboxed worker processes, ``PAGES_PER_STEP`` pages a call, each
page rendered by pypdfium2 at 300 dpi and read by tesserocr (Tesseract's C API in the worker), giving its text and
its text-only PDF page — against Debian's ``tesseract`` command, one process per page, on the same pages already
rendered to PNG at 300 dpi (its rendering is not timed), with the same language and outputs
(``-l vie -c textonly_pdf=1 … txt pdf``). Both on one thread: the tesserocr wheel's Tesseract is built
without OpenMP, Debian's with it, and its OpenMP threads spin for a core that others hold: on this shared
two-core machine ``OMP_THREAD_LIMIT`` unset made the command about 3× slower (8.0 s a page against 2.4 s, once),
so the reference runs with ``OMP_THREAD_LIMIT=1``, as Tesseract advises for several processes at once. Timed in
turns (``bench.method``), the figure the median of the runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

from bench.__main__ import publish
from bench.method import compare
from config import Config
from ecabinet.core import sandbox
from ecabinet.materials import ocr
from ecabinet.materials.pdf import RECOGNISE_PAGES
from tests.fixtures.pdfs import scanned_pdf

PAGES, DPI, LANGUAGE = 2, 300, "vie"


def ours(scan: Path) -> float:
    """Pages per second of the job's worker calls on the scan."""
    start = time.perf_counter()
    for first in range(0, PAGES, ocr.PAGES_PER_STEP):
        sandbox.run_isolated(RECOGNISE_PAGES, str(scan), list(range(first, min(first + ocr.PAGES_PER_STEP, PAGES))),
                             tessdata=Config.TESSDATA_PATH, language=LANGUAGE, dpi=DPI)
    return PAGES / (time.perf_counter() - start)


def tesseract_command(images: list[Path], out: Path) -> float:
    """Pages per second of one ``tesseract`` process per page image."""
    start = time.perf_counter()
    for image in images:
        subprocess.run(["tesseract", str(image), str(out / image.stem), "-l", LANGUAGE, "--tessdata-dir",
                        Config.TESSDATA_PATH, "-c", "textonly_pdf=1", "txt", "pdf"], check=True, capture_output=True,
                       env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return PAGES / (time.perf_counter() - start)


def measure(tmp: Path) -> dict[str, dict]:
    scan = tmp / "scan.pdf"
    scan.write_bytes(scanned_pdf(PAGES, seed=21, dpi=DPI))
    document = pdfium.PdfDocument(str(scan))
    images = []
    for index in range(PAGES):
        image = tmp / f"page-{index}.png"
        document[index].render(scale=DPI / 72, grayscale=True).to_pil().save(image, dpi=(DPI, DPI))
        images.append(image)
    document.close()
    sandbox.start()
    has_tesseract = shutil.which("tesseract") is not None
    speed = compare(lambda: ours(scan), (lambda: tesseract_command(images, tmp)) if has_tesseract else lambda: None)
    return {"ocr_pages_per_s": speed.figure("pages/s", (
        f"OCR of a {PAGES}-page scan of corpus text at {DPI} dpi, 'vie', as the job does it (sandboxed worker "
        f"calls of up to {ocr.PAGES_PER_STEP} pages at nice 10: pypdfium2 render + tesserocr, text and text-only "
        "PDF) vs the "
        "`OMP_THREAD_LIMIT=1 tesseract page.png out -l vie -c textonly_pdf=1 txt pdf` command, one process per "
        "page on the same pages pre-rendered to PNG; higher is better"))}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        publish(measure(Path(tmp)))


if __name__ == "__main__":
    main()
