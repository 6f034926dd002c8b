"""Finding and embedding the Unicode serif font.

Decree 30/2020/NĐ-CP prescribes Times New Roman (Unicode, TCVN 6909:2001). It is proprietary
and cannot be shipped, so the default is DejaVu Serif from npm (``make assets`` copies it to
``static/vendor/fonts``). A font folder holding Times New Roman (the Windows file names
``times.ttf``, ``timesbd.ttf``, ``timesi.ttf``, ``timesbi.ttf``) or Liberation Serif 2 (its
metric-compatible free clone) is used in preference when a caller points ``font_dir`` at it,
provided each face has every Vietnamese letter (Liberation Serif 1.x, still packaged by some
distributions, has not: fpdf2 would silently leave "ậ", "ơ", "ư" ... out of the page).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from collections.abc import Mapping

from fontTools.ttLib import TTFont
from fpdf import FPDF

from ecabinet.documents.fontdir import DEFAULT_FONT_DIR, FontMissing, default_font_dir

FAMILY = "DocSerif"  # the name the renderer uses, whatever face is behind it

STYLES = ("", "B", "I", "BI")
# Every letter Vietnamese writes: a face lacking one of them would silently drop it from the page.
VIETNAMESE = frozenset(
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
    "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬBCDĐEÈÉẺẼẸÊỀẾỂỄỆGHIÌÍỈĨỊKLMNOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢPQRSTUÙÚỦŨỤƯỪỨỬỮỰVXYỲÝỶỸỴ"
    "0123456789.,;:/()-"
)


@dataclass(frozen=True)
class FontSet:
    name: str
    files: Mapping[str, str]  # fpdf2 style ("", "B", "I", "BI") → file name


# In order of preference: the font the Decree names, its free metric clone, then DejaVu.
FONT_SETS = (
    FontSet("Times New Roman", {"": "times.ttf", "B": "timesbd.ttf", "I": "timesi.ttf", "BI": "timesbi.ttf"}),
    FontSet("Times New Roman", {"": "Times New Roman.ttf", "B": "Times New Roman Bold.ttf",
                                "I": "Times New Roman Italic.ttf", "BI": "Times New Roman Bold Italic.ttf"}),
    FontSet("Liberation Serif", {"": "LiberationSerif-Regular.ttf", "B": "LiberationSerif-Bold.ttf",
                                 "I": "LiberationSerif-Italic.ttf", "BI": "LiberationSerif-BoldItalic.ttf"}),
    FontSet("DejaVu Serif", {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf",
                             "I": "DejaVuSerif-Italic.ttf", "BI": "DejaVuSerif-BoldItalic.ttf"}),
)


@lru_cache(maxsize=32)
def _missing_letters(path: str, _mtime_ns: int, _size: int) -> str:
    """The Vietnamese letters the font file has no glyph for ("" when it has them all)."""
    try:
        with TTFont(path, lazy=True) as font:
            cmap = font.getBestCmap() or {}
    except Exception as exc:  # noqa: BLE001 - any unreadable file is "not a usable font"
        return f"(unreadable: {exc})"
    return "".join(sorted(c for c in VIETNAMESE if ord(c) not in cmap))


def _lacks_vietnamese(path: Path) -> str:
    stat = path.stat()
    return _missing_letters(str(path), stat.st_mtime_ns, stat.st_size)


def find_font_set(font_dir: Path | str | None = None) -> tuple[FontSet, Path]:
    """The first complete font set in ``font_dir`` (default: ``default_font_dir()``) whose four
    faces have every Vietnamese letter; raises ``FontMissing`` when there is none."""
    folder = Path(font_dir) if font_dir is not None else default_font_dir()
    refused = []
    for font_set in FONT_SETS:
        if not all((folder / name).is_file() for name in font_set.files.values()):
            continue
        lacking = {name: _lacks_vietnamese(folder / name) for name in font_set.files.values()}
        lacking = {name: letters for name, letters in lacking.items() if letters}
        if not lacking:
            return font_set, folder
        refused += [f"{name} has no glyph for {letters[:12]}{'…' if len(letters) > 12 else ''}"
                    for name, letters in lacking.items()]
    wanted = ", ".join(FONT_SETS[-1].files.values())
    if not folder.is_dir():
        problem = f"the font folder {folder} does not exist"
    elif refused:
        problem = f"the fonts in {folder} cannot write Vietnamese: {'; '.join(refused)}"
    else:
        present = sorted(p.name for p in folder.glob("*.ttf")) or ["no .ttf file"]
        problem = f"the font folder {folder} lacks {wanted} (it has: {', '.join(present)})"
    raise FontMissing(
        f"Cannot print Vietnamese PDF documents: {problem}. Run `make assets` to copy DejaVu Serif "
        f"from npm into {DEFAULT_FONT_DIR}, or point PDF_FONT_DIR at a folder holding the four "
        "Times New Roman files times.ttf, timesbd.ttf, timesi.ttf, timesbi.ttf."
    )


def register_fonts(pdf: FPDF, font_dir: Path | str | None = None) -> FontSet:
    """Embed the four faces of the chosen set in ``pdf`` under the family ``FAMILY``."""
    font_set, folder = find_font_set(font_dir)
    for style in STYLES:
        pdf.add_font(FAMILY, style, str(folder / font_set.files[style]))
    return font_set


def read_from_memory(pdf: FPDF) -> None:
    """Have the faces embedded in ``pdf`` read from memory, for a process that forks after parsing them: fontTools
    reads a lazily opened font's tables from its file when they are first used, and forked processes share an open
    file's offset, so two workers rendering at once would read each other's bytes (``unknown 'gasp' format``)."""
    for font in pdf.fonts.values():
        reader = font.ttfont.reader
        with reader.file as file:
            file.seek(0)
            reader.file = io.BytesIO(file.read())
