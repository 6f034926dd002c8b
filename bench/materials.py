"""Materials figures: the meeting pack, the watermark, validation and text extraction.

A 30-file, 1,200-page corpus of Vietnamese text PDFs is generated in a temporary folder
(``ecabinet.demo.pdfs``); each figure is compared with a reference on the same files: the pack and the
watermark are made as the app makes them, in a sandboxed worker process, against a qpdf process (Debian
``qpdf``) merging and overlaying; validation runs in this process against a bare pypdf open, extraction against
the other library. Ours and the reference are timed in turns
(``bench.method``), each figure the median of the runs.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

from bench.__main__ import publish
from bench.method import compare, figure
from ecabinet.core import sandbox
from ecabinet.core.pdfscan import validate_pdf
from ecabinet.demo import pdfs
from ecabinet.materials.pdf import BUILD_PACK, WATERMARK_PDF, PackItem, PackMaterial, PageTexts
from ecabinet.materials.pdf.extract import extract_text
from ecabinet.materials.pdf.pack import build_pack
from ecabinet.materials.pdf.watermark import watermark_page, watermark_pdf

FILES, PAGES = 30, 1200
WHO = ("Nguyễn Văn Ánh", "Sở Kế hoạch và Đầu tư", "22/11/2026 14:05")


def extract_text_pypdf(data: bytes) -> PageTexts:
    """``extract_text`` done with pypdf instead of pypdfium2: the extraction reference."""
    import io

    result = PageTexts()
    result.failed = []
    for index, page in enumerate(PdfReader(io.BytesIO(data)).pages):
        try:
            result.append(page.extract_text())
        except Exception:  # noqa: BLE001 - as extract_text: a bad page is empty and counted
            result.append("")
            result.failed.append(index)
    return result


def timed_s(action: Callable[[], object], repeat: int = 1) -> Callable[[], float]:
    """A run for ``compare``: the median of ``repeat`` timings of ``action``, in seconds (after one warm-up, the
    first time)."""
    warm = [False]

    def run() -> float:
        if not warm[0]:
            action()
            warm[0] = True
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            action()
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)

    return run


def no_reference() -> None:
    return None


def qpdf(*args: str) -> None:
    subprocess.run(["qpdf", *args], check=True, capture_output=True)


def measure(tmp: Path) -> dict[str, dict]:
    has_qpdf = shutil.which("qpdf") is not None
    files = []
    for i in range(FILES):
        path = tmp / f"material-{i:02d}.pdf"
        path.write_bytes(pdfs.text_pdf(PAGES // FILES, seed=i, title=f"Tài liệu {i + 1}"))
        files.append(path)
    datas = [path.read_bytes() for path in files]
    items = [PackItem(f"Nội dung {k + 1}: báo cáo, tờ trình và dự thảo",
                      [PackMaterial(f"Tài liệu {k * 3 + j + 1}", datas[k * 3 + j]) for j in range(3)])
             for k in range(FILES // 3)]
    results: dict[str, dict] = {}

    sandbox.start()
    title = "Phiên họp UBND tỉnh thường kỳ tháng 11 năm 2026"
    pack = compare(timed_s(lambda: sandbox.run_isolated(BUILD_PACK, title, items)),
                   timed_s(lambda: qpdf("--empty", "--pages", *map(str, files), "--", str(tmp / "merged.pdf")))
                   if has_qpdf else no_reference)
    results["pack_build_s"] = pack.figure("s", (
        f"meeting pack of {FILES} files / {PAGES} pages as the app builds it, in a sandboxed worker process "
        f"(cover and contents by fpdf2, outline, objects copied as bytes with renumbered references) vs "
        "the `qpdf --empty --pages … -- out.pdf` process on the same files"))

    single = tmp / "single.pdf"
    merged = build_pack("Tài liệu", items).data  # one 1,200-page file (+ 2 front pages)
    single.write_bytes(merged)
    wm_path = tmp / "wm.pdf"
    wm_path.write_bytes(watermark_page(*WHO))
    marked = watermark_pdf(merged, *WHO)
    watermark = compare(timed_s(lambda: sandbox.run_isolated(WATERMARK_PDF, merged, *WHO)),
                        timed_s(lambda: qpdf("--overlay", str(wm_path), "--repeat=1", "--", str(single),
                                             str(tmp / "overlaid.pdf"))) if has_qpdf else no_reference)
    results["watermark_s"] = watermark.figure("s", (
        f"per-reader watermark as the app makes it, in a sandboxed worker process (fpdf2 page → one shared form "
        "XObject, hand-written incremental update) "
        f"on a {len(PdfReader(single).pages)}-page "
        "file vs the `qpdf --overlay wm.pdf --repeat=1 -- in.pdf out.pdf` process"))
    overlaid = (tmp / "overlaid.pdf").stat().st_size / len(merged) if has_qpdf else None
    results["watermark_size_ratio"] = figure(len(marked) / len(merged), "×", overlaid, (
        "watermarked size / input size (target ≤ 1.15); reference: the same ratio for qpdf --overlay; sizes, "
        "not times: the same in every run"))

    hundred = pdfs.text_pdf(100, seed=100)
    validate = compare(timed_s(lambda: validate_pdf(hundred), 5),
                       timed_s(lambda: len(PdfReader(__import__("io").BytesIO(hundred)).pages), 5))
    results["validate_100p_s"] = validate.figure("s", (
        "validate_pdf on a 100-page upload (page tree walk, bounded inflation of every content stream, sha256; "
        "target ≤ 0.5 s) vs a bare pypdf.PdfReader open and page count"))

    extract = compare(timed_s(lambda: extract_text(merged)), timed_s(lambda: extract_text_pypdf(merged)))
    results["extract_1200p_s"] = extract.figure("s", (
        f"text of {PAGES} pages (+2) with pypdfium2 (the choice) vs pypdf on the same file"))
    return results


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        publish(measure(Path(tmp)))


if __name__ == "__main__":
    main()
