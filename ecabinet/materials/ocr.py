"""OCR of scanned materials: pages the text extraction found (almost) without text are recognised in the
background by Tesseract (``pdf.ocr``, in the isolated worker), and their text joins the version's text, page by
page, so search finds it.

The ``recognise-scanned-pages`` job takes one version at a time. Like the pack builder it commits as it goes —
the claim, the progress every few pages (the agenda shows it), the result — and the result (the text, the copy
with an invisible text layer, the status) in one transaction. A run that dies is taken up again after
``STALE_AFTER``, at most ``MAX_ATTEMPTS`` times; a file the worker cannot read fails at once, with its reason,
and the material stays as it was.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from ecabinet.core import sandbox, storage
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db, skipping_locked
from ecabinet.materials import pdf
from ecabinet.materials.models import MaterialVersion, OcrStatus, TextStatus

log = logging.getLogger(__name__)

MIN_TEXT_CHARACTERS = 30
"""A page with fewer letters and digits in its text layer is a scan (a stamp's or a signature's few words at
most): it is recognised, and those words are kept after the recognised text."""
PAGES_PER_STEP = 3
"""Pages recognised per worker call; the progress is committed after each."""
STALE_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 3


def _is_scan(text: str) -> bool:
    return sum(ch.isalnum() for ch in text) < MIN_TEXT_CHARACTERS


def queue_scanned_pages(version: MaterialVersion, pages: list[str], unreadable: list[int]) -> None:
    """After the extraction: queue the version's pages without text for OCR (not those that could not be read)."""
    scanned = [index for index, text in enumerate(pages) if _is_scan(text) and index not in unreadable]
    if scanned:
        version.ocr_status, version.ocr_pages, version.ocr_pages_done = OcrStatus.PENDING, scanned, 0


def tessdata_problem() -> str | None:
    """Why OCR cannot run here, or ``None``: the language data must be where ``TESSDATA_PATH`` says."""
    config = current_app.config
    if Path(config["TESSDATA_PATH"], f"{config['OCR_LANGUAGE']}.traineddata").is_file():
        return None
    return (f"Tesseract's language data {config['OCR_LANGUAGE']}.traineddata is not in {config['TESSDATA_PATH']}: "
            f"install the tesseract-ocr-vie package or set ECABINET_TESSDATA_PATH")


def queue_again() -> int:
    """Queue the scanned pages of versions extracted before OCR existed, and of those whose OCR failed (once the
    Vietnamese data is installed, say); how many versions are queued. The caller commits."""
    query = (sa.select(MaterialVersion)
             .where(MaterialVersion.text_status == TextStatus.DONE,
                    MaterialVersion.ocr_status.in_([OcrStatus.NONE, OcrStatus.FAILED]))
             .order_by(MaterialVersion.id).execution_options(yield_per=100))
    queued = 0
    for version in db.session.scalars(query):
        version.ocr_status, version.ocr_attempts, version.ocr_error = OcrStatus.NONE, 0, None
        queue_scanned_pages(version, (version.text or "").split("\f"), [])
        queued += version.ocr_status == OcrStatus.PENDING
    return queued


# --- the job ---------------------------------------------------------------------------------

def recognise_pending() -> int:
    """Job: recognise the pages of the oldest version waiting for OCR, or of one whose run died; how many
    versions it took (0 or 1)."""
    version = _claim()
    if version is None:
        return 0
    problem = tessdata_problem()
    if problem is None and version.ocr_attempts > MAX_ATTEMPTS:
        problem = f"given up after {MAX_ATTEMPTS} runs that did not finish"
    if problem is not None:
        log.error("OCR of material version %d: %s", version.id, problem)
        _finish(version, OcrStatus.FAILED, problem)
        return 1
    try:
        _recognise(version)
    except Exception as exc:  # a bad file must not stop the job: the failure is recorded instead
        db.session.rollback()
        log.warning("OCR of material version %d failed: %s", version.id, exc)
        _finish(version, OcrStatus.FAILED, f"{type(exc).__name__}: {exc}")
    return 1


def _claim() -> MaterialVersion | None:
    stale = utcnow() - STALE_AFTER
    query = (sa.select(MaterialVersion)
             .where(sa.or_(MaterialVersion.ocr_status == OcrStatus.PENDING,
                           sa.and_(MaterialVersion.ocr_status == OcrStatus.RUNNING,
                                   MaterialVersion.ocr_heartbeat_at < stale)))
             .order_by(MaterialVersion.id).limit(1))
    version = db.session.scalar(skipping_locked(query))
    if version is None:
        return None
    version.ocr_status, version.ocr_pages_done, version.ocr_heartbeat_at = OcrStatus.RUNNING, 0, utcnow()
    version.ocr_attempts += 1
    db.session.commit()
    return version


def _recognise(version: MaterialVersion) -> None:
    config = current_app.config
    path = storage.path_for(version.sha256)
    if not path.is_file():
        raise storage.StorageError(f"no stored file {version.sha256}")
    recognised: list[pdf.RecognisedPage] = []
    pages = version.ocr_pages or []
    for start in range(0, len(pages), PAGES_PER_STEP):
        recognised += sandbox.run_isolated(pdf.RECOGNISE_PAGES, str(path), pages[start:start + PAGES_PER_STEP],
                                           tessdata=config["TESSDATA_PATH"], language=config["OCR_LANGUAGE"],
                                           dpi=config["OCR_DPI"])
        version.ocr_pages_done, version.ocr_heartbeat_at = len(recognised), utcnow()
        db.session.commit()
    layered = sandbox.run_isolated(pdf.ADD_TEXT_LAYER, str(path), {page.index: page.layer for page in recognised})
    version.ocr_sha256 = storage.store_bytes(layered)
    version.text = _with_recognised(version.text or "", recognised, version.page_count)
    _finish(version, OcrStatus.DONE, None)


def _with_recognised(text: str, recognised: list[pdf.RecognisedPage], page_count: int) -> str:
    """The version's text, pages joined by form feeds, with each recognised page's text put first on its page."""
    pages = text.split("\f")
    pages += [""] * (page_count - len(pages))
    for page in recognised:
        pages[page.index] = "\n".join(part for part in (page.text, pages[page.index].strip()) if part)
    return "\f".join(pages)


def _finish(version: MaterialVersion, status: OcrStatus, error: str | None) -> None:
    version.ocr_status, version.ocr_error, version.ocr_at = status, error and error[:500], utcnow()
    db.session.commit()
