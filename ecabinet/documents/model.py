"""What an administrative document is made of (Decree 30/2020/NĐ-CP, Phụ lục I).

Plain frozen dataclasses, no behaviour: the renderers (``pdf.py``, ``text.py``) read them.
Every string is normalised to Unicode NFC when rendered, so text typed with combining
diacritics ("a" + U+0301) prints with the font's precomposed Vietnamese letters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Align = Literal["justify", "left", "center", "right"]

URGENCY_MARKS = ("KHẨN", "THƯỢNG KHẨN", "HỎA TỐC")
CONFIDENTIALITY_MARKS = ("MẬT", "TỐI MẬT", "TUYỆT MẬT")


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: 13pt, first line indented 1.27 cm, justified unless told otherwise."""

    text: str
    bold: bool = False
    italic: bool = False
    indent_first_line: bool = True
    align: Align = "justify"

    def __post_init__(self) -> None:
        if self.align not in ("justify", "left", "center", "right"):
            raise ValueError(f"unknown paragraph alignment {self.align!r}")


@dataclass(frozen=True)
class Heading:
    """A bold heading inside the body ("I. KẾT QUẢ ...", "1. Về ..."); ``center`` for a part title."""

    text: str
    center: bool = False


@dataclass(frozen=True)
class Note:
    """A small italic note (e.g. "Ghi chú: lịch có thể thay đổi ...")."""

    text: str


@dataclass(frozen=True)
class Column:
    """A table column: its title and its share of the table width (any positive number)."""

    title: str
    width_ratio: float = 1.0
    align: Align = "left"

    def __post_init__(self) -> None:
        if not self.width_ratio > 0:
            raise ValueError("a column's width_ratio must be positive")


@dataclass(frozen=True)
class Table:
    """A ruled table; its header row is repeated on each new page and cells wrap.

    ``group_rows`` lists the columns (by index, outermost first) in which consecutive rows
    holding the same value are merged into one cell, as the "Thứ/ngày" column of a weekly
    schedule: the value is printed once at the top of the group (and again at the top of a
    new page when the group goes on there) and the rules between its rows are left out.
    A column's group also ends wherever the group of a column listed before it ends.
    """

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    group_rows: tuple[int, ...] = ()
    font_size: float = 11.5
    header_font_size: float | None = None

    def __post_init__(self) -> None:
        if not self.columns:
            raise ValueError("a table needs at least one column")
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {i} has {len(row)} cells, the table has {len(self.columns)} columns")
        for index in self.group_rows:
            if not 0 <= index < len(self.columns):
                raise ValueError(f"group_rows index {index} is not a column")


Block = Paragraph | Heading | Table | Note


@dataclass(frozen=True)
class Signature:
    """The signing block: authority lines, signer, and whether to print "(Đã ký)".

    ``authority`` is printed bold upper case, one line each: ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"), ("CHỦ TỌA",) ...
    ``signed_placeholder`` prints "(Đã ký)" where the hand signature goes, as on a copy of a
    document signed elsewhere; otherwise the space is left blank for the signature and seal.
    """

    authority: tuple[str, ...]
    signer: str
    signed_placeholder: bool = False


@dataclass(frozen=True)
class AdminDocument:
    """One administrative document in the form of Decree 30/2020/NĐ-CP, Phụ lục I."""

    issuing_parent: str
    issuing_body: str
    number_symbol: str
    place: str
    issued_on: date
    doc_type: str
    summary: str
    body: tuple[Block, ...]
    recipients: tuple[str, ...]
    signature: Signature
    urgency: str | None = None
    confidentiality: str | None = None
    secondary_signature: Signature | None = None
    """A second signing block at the left, beside the main one (a biên bản's "THƯ KÝ")."""
    draft: bool = False
    """Not issued yet: "DỰ THẢO" is printed, boxed, in the top margin of the first page."""

    def __post_init__(self) -> None:
        if self.urgency is not None and self.urgency.upper() not in URGENCY_MARKS:
            raise ValueError(f"urgency must be one of {URGENCY_MARKS}, not {self.urgency!r}")
        if self.confidentiality is not None and self.confidentiality.upper() not in CONFIDENTIALITY_MARKS:
            raise ValueError(f"confidentiality must be one of {CONFIDENTIALITY_MARKS}, not {self.confidentiality!r}")
        for block in self.body:
            if not isinstance(block, (Paragraph, Heading, Table, Note)):
                raise TypeError(f"a body block must be a Paragraph, Heading, Table or Note, not {type(block).__name__}")
