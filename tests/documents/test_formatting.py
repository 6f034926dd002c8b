"""The fixed wordings of Decree 30: the place and date line, the number and symbol line."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from ecabinet.documents import format_number_symbol, format_place_date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 1, 5), "Quảng Ngãi, ngày 05 tháng 01 năm 2027"),
        (date(2026, 11, 22), "Quảng Ngãi, ngày 22 tháng 11 năm 2026"),
        (date(2027, 2, 1), "Quảng Ngãi, ngày 01 tháng 02 năm 2027"),
        (date(2027, 3, 9), "Quảng Ngãi, ngày 09 tháng 3 năm 2027"),  # months 3-12: no leading zero
        (date(2026, 9, 30), "Quảng Ngãi, ngày 30 tháng 9 năm 2026"),
        (date(2026, 12, 31), "Quảng Ngãi, ngày 31 tháng 12 năm 2026"),
        (date(2026, 10, 10), "Quảng Ngãi, ngày 10 tháng 10 năm 2026"),
    ],
)
def test_place_date_follows_decree_30(day: date, expected: str) -> None:
    assert format_place_date("Quảng Ngãi", day) == expected


def test_place_date_contains_the_short_forms() -> None:
    assert "ngày 01 tháng 02" in format_place_date("Vĩnh Phúc", date(2027, 2, 1))
    assert format_place_date("  Vĩnh Phúc ", date(2026, 11, 22)).startswith("Vĩnh Phúc, ngày 22")


def test_place_date_normalises_to_nfc_and_refuses_an_empty_place() -> None:
    decomposed = unicodedata.normalize("NFD", "Quảng Ngãi")
    assert format_place_date(decomposed, date(2026, 11, 22)) == "Quảng Ngãi, ngày 22 tháng 11 năm 2026"
    with pytest.raises(ValueError):
        format_place_date(" ", date(2026, 11, 22))


@pytest.mark.parametrize(
    ("number", "symbol", "expected"),
    [
        (125, "GM-UBND", "Số: 125/GM-UBND"),
        (5, "TB-UBND", "Số: 05/TB-UBND"),
        (10, "BB-UBND", "Số: 10/BB-UBND"),
        (2723, "BC-VP", "Số: 2723/BC-VP"),
        (None, "GM-UBND", "Số:      /GM-UBND"),
    ],
)
def test_number_symbol(number: int | None, symbol: str, expected: str) -> None:
    assert format_number_symbol(number, symbol) == expected


@pytest.mark.parametrize("bad", [0, -3, True, 1.5, "12"])
def test_number_must_be_a_positive_integer(bad: object) -> None:
    with pytest.raises(ValueError):
        format_number_symbol(bad, "GM-UBND")  # type: ignore[arg-type]


def test_symbol_is_required() -> None:
    with pytest.raises(ValueError):
        format_number_symbol(3, "  ")
