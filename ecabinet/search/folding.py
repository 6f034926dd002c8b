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


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0]
    lowered = base.lower()
    return lowered if len(lowered) == 1 else base


PREFILLED = 0x3000
_TABLE = {code: _fold_char(chr(code)) for code in range(PREFILLED)}
"""``str.translate``'s table: a plain dict, filled ahead for the scripts a province writes in, other characters
added before a text that has them is translated (a dict subclass that fills itself is looked up twice as slowly,
and a rebuild folds hundreds of megabytes)."""


def fold(text: str) -> str:
    """``text`` without diacritics, lower-case, character for character."""
    if text and ord(max(text)) >= PREFILLED:
        _TABLE.update((ord(char), _fold_char(char)) for char in set(text) if ord(char) not in _TABLE)
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
