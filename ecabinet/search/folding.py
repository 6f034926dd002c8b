"""Vietnamese folding: what a query and a text are compared on, the same for every engine.

``fold`` maps each character on one character (its base letter, lower-case, without marks; đ → d), so the
folded text is exactly as long as the original and a match found in it is at the same offsets in the original:
snippets highlight the original text with no second search.
"""

from __future__ import annotations

import re
import unicodedata

TOKEN = re.compile(r"[^\W_]+")
"""A token: a run of letters and digits (``15/TB-UBND`` is the tokens 15, tb, ubnd)."""


class _FoldingTable(dict):
    """``str.translate``'s table, filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold_char(chr(code))
        return folded


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0]
    lowered = base.lower()
    return lowered if len(lowered) == 1 else base


_TABLE = _FoldingTable()


def fold(text: str) -> str:
    """``text`` without diacritics, lower-case, character for character."""
    return text.translate(_TABLE)


def tokens(text: str) -> list[str]:
    """The folded tokens of ``text``, in order."""
    return TOKEN.findall(fold(text))


def index_text(text: str) -> str:
    """What an engine indexes: the folded tokens separated by single spaces, so that both engines see the same
    words at the same positions whatever their own tokenizers make of punctuation."""
    return " ".join(tokens(text))


def trigrams(term: str) -> set[str]:
    """pg_trgm's trigrams of one word: padded with two spaces in front and one behind."""
    padded = f"  {term} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's ``similarity``: shared trigrams over all trigrams of the two words."""
    first, second = trigrams(a), trigrams(b)
    return len(first & second) / len(first | second)
