"""Where the fonts for printing are (``PDF_FONT_DIR``), and the error when they are not there; the fonts
themselves are read by ``fonts`` in the worker processes."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FONT_DIR = REPO_ROOT / "static" / "vendor" / "fonts"


class FontMissing(RuntimeError):
    """The Unicode TTF font needed to print Vietnamese is not where it should be."""


def default_font_dir() -> Path:
    """``<repo>/static/vendor/fonts``, filled by ``make assets``."""
    return DEFAULT_FONT_DIR


def font_dir_from_config(config: Mapping[str, Any]) -> Path | None:
    """The ``PDF_FONT_DIR`` of an app config (or ``os.environ``), ``None`` when unset: for callers."""
    value = config.get("PDF_FONT_DIR") or config.get("ECABINET_PDF_FONT_DIR")
    return Path(value) if value else None
