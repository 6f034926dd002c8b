"""Materials figures: the meeting pack, the watermark, validation and text extraction.

A 30-file, 1,200-page corpus of Vietnamese text PDFs is generated in a temporary folder
(``ecabinet.demo.pdfs``); each figure is compared with a reference run in the same
process on the same files: qpdf (Debian ``qpdf``) for merging and overlaying, a bare pypdf
open for validation, the other library for extraction.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

from ecabinet.core.pdfcheck import validate_pdf
from ecabinet.demo import pdfs
from ecabinet.materials.pdf import (
    PackItem,
    PackMaterial,
    PageTexts,
    build_pack,
    extract_text,
    watermark_page,
    watermark_pdf,
)

RESULTS = Path(__file__).resolve().parent / "results.json"
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


def best_s(action: Callable[[], object], repeat: int) -> float:
    """Median of ``repeat`` timed runs after one warm-up, in seconds."""
    action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def figure(value: float, unit: str, reference: float | None, note: str) -> dict:
    return {"value": round(value, 3), "unit": unit, "reference": None if reference is None else round(reference, 3),
            "ratio": None if not reference else round(value / reference, 2), "note": note}


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

    pack_s = best_s(lambda: build_pack("Phiên họp UBND tỉnh thường kỳ tháng 11 năm 2026", items), 3)
    merge_ref = best_s(lambda: qpdf("--empty", "--pages", *map(str, files), "--", str(tmp / "merged.pdf")), 3) \
        if has_qpdf else None
    results["pack_build_s"] = figure(pack_s, "s", merge_ref, (
        f"meeting pack of {FILES} files / {PAGES} pages "
        f"(cover and contents by fpdf2, outline, objects copied as bytes with renumbered references) vs "
        "`qpdf --empty --pages … -- out.pdf` on the same files"))

    single = tmp / "single.pdf"
    merged = build_pack("Tài liệu", items).data  # one 1,200-page file (+ 2 front pages)
    single.write_bytes(merged)
    wm_path = tmp / "wm.pdf"
    wm_path.write_bytes(watermark_page(*WHO))
    marked = watermark_pdf(merged, *WHO)
    wm_s = best_s(lambda: watermark_pdf(merged, *WHO), 3)
    overlay_ref = best_s(lambda: qpdf("--overlay", str(wm_path), "--repeat=1", "--", str(single),
                                      str(tmp / "overlaid.pdf")), 3) if has_qpdf else None
    results["watermark_s"] = figure(wm_s, "s", overlay_ref, (
        f"per-reader watermark (fpdf2 page → one shared form XObject, hand-written incremental update) "
        f"on a {len(PdfReader(single).pages)}-page "
        "file vs `qpdf --overlay wm.pdf --repeat=1 -- in.pdf out.pdf`"))
    overlaid = (tmp / "overlaid.pdf").stat().st_size / len(merged) if has_qpdf else None
    results["watermark_size_ratio"] = figure(len(marked) / len(merged), "×", overlaid, (
        "watermarked size / input size (target ≤ 1.15); reference: the same ratio for qpdf --overlay"))

    hundred = pdfs.text_pdf(100, seed=100)
    validate_s = best_s(lambda: validate_pdf(hundred), 10)
    open_s = best_s(lambda: len(PdfReader(__import__("io").BytesIO(hundred)).pages), 10)
    results["validate_100p_s"] = figure(validate_s, "s", open_s, (
        "validate_pdf on a 100-page upload (page tree walk, bounded inflation of every content stream, sha256; "
        "target ≤ 0.5 s) vs a bare pypdf.PdfReader open and page count"))

    pdfium_s = best_s(lambda: extract_text(merged), 1)
    pypdf_s = best_s(lambda: extract_text_pypdf(merged), 1)
    results["extract_1200p_s"] = figure(pdfium_s, "s", pypdf_s, (
        f"text of {PAGES} pages (+2) with pypdfium2 (the choice) vs pypdf on the same file"))
    return results


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = measure(Path(tmp))
    existing = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    existing.update(results)
    RESULTS.write_text(json.dumps(existing, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name, value in results.items():
        print(f"{name}: {value['value']} {value['unit']} (reference {value['reference']}, ratio {value['ratio']}) "
              f"— {value['note']}")


if __name__ == "__main__":
    main()
