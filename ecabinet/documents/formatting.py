"""The fixed wordings of Decree 30/2020/NĐ-CP: number/symbol line, place and date line."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS_LABEL = "Nơi nhận:"
SIGNED_PLACEHOLDER = "(Đã ký)"
DRAFT_MARK = "DỰ THẢO"
BLANK_NUMBER = "      "  # left for the văn thư to fill in when the document is numbered

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Unicode NFC: one precomposed code point per Vietnamese letter, as the fonts expect; tabs,
    which no font draws, become spaces."""
    return unicodedata.normalize("NFC", text).replace("\t", " ")


def squash(text: str) -> str:
    """NFC with every run of whitespace made one space: how tests compare text."""
    return _SPACES.sub(" ", nfc(text)).strip()


def format_place_date(place: str, day: date) -> str:
    """'Quảng Ngãi, ngày 05 tháng 01 năm 2027'.

    Decree 30, Phụ lục I: days below 10 and the months 1 and 2 take a leading zero (so that
    nothing can be written in front of them); months 3 to 12 are written as they are.
    """
    place = nfc(place).strip()
    if not place:
        raise ValueError("the place (địa danh) must not be empty")
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def format_number_symbol(number: int | None, symbol: str) -> str:
    """'Số: 05/GM-UBND'; ``None`` leaves the number blank for a draft: 'Số:      /GM-UBND'.

    Numbers below 10 take a leading zero (Decree 30, Phụ lục I); the symbol is upper case.
    """
    symbol = nfc(symbol).strip()
    if not symbol:
        raise ValueError("the symbol (ký hiệu) must not be empty")
    if number is None:
        return f"Số:{BLANK_NUMBER}/{symbol}"
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValueError(f"a document number is a positive integer, not {number!r}")
    return f"Số: {number:02d}/{symbol}"


def summary_lines(summary: str) -> list[str]:
    """The trích yếu's lines: it may hold explicit line breaks (e.g. the week of a schedule)."""
    return [line.strip() for line in nfc(summary).split("\n") if line.strip()]
