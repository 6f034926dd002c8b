"""What the register's page and its API both show: a register of a year with its numbers and its gaps."""

from __future__ import annotations

from typing import Any

from ecabinet.registers import operations as ops
from ecabinet.registers.schemas import NumberOut


def number_row(row: ops.RegisterRow) -> dict[str, Any]:
    entry = row.entry
    return {**{name: getattr(entry, name) for name in NumberOut.model_fields if name != "notice_id"},
            "notice_id": row.notice_id}


def register_view(symbol: str | None, year: int | None) -> dict[str, Any]:
    """The register ``symbol``/``year`` (by default the notices' register of this year) with its numbers."""
    symbol = (symbol or ops.default_symbol()).upper()
    year = year or ops.this_year()
    register = ops.find_register(symbol, year)
    rows = ops.register_listing(symbol, year)
    return {"symbol": symbol, "year": year, "last_number": register.last_number if register else 0,
            "numbers": [number_row(r) for r in rows], "gaps": ops.gaps(symbol, year), "rows": rows}
