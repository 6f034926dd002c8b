"""A rendered document's number filled in afterwards: ``pdf.render_stampable`` (in a worker) lays the document out
ahead, ``stamp_number`` (anywhere: a byte substitution) writes the number once it is taken."""

from __future__ import annotations

from dataclasses import dataclass

from ecabinet.documents.formatting import nfc

DIGITS = "0123456789"


@dataclass(frozen=True)
class Stampable:
    """A rendered PDF whose printed number can still change (``stamp_number``): its page contents are left
    uncompressed, and ``codes`` holds how page 1 writes each character of the number line and each digit."""

    pdf: bytes
    number_symbol: str
    codes: dict[str, bytes]


def stamp_number(stampable: Stampable, number_symbol: str) -> bytes | None:
    """The PDF with ``number_symbol`` printed instead of the one it was rendered with, when the two differ only
    in digits, one for one (the line keeps its width); None when it cannot be stamped (render again)."""
    old, new = stampable.number_symbol, nfc(number_symbol)
    if (not stampable.codes or len(old) != len(new)
            or any(a != b and not (a in DIGITS and b in DIGITS) for a, b in zip(old, new, strict=True))):
        return None
    before, after = (b"".join(stampable.codes[char] for char in text) for text in (old, new))
    if len(before) != len(after) or stampable.pdf.count(before) != 1:
        return None
    return stampable.pdf.replace(before, after)
