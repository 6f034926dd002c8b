"""Snippets: the passage of a text with the most matching words, escaped, the matches in ``<mark>``."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from ecabinet.search.folding import fold

WIDTH = 240
LEAD = 60
"""How much text comes before the first match shown."""
SPACES = re.compile(r"\s+")


def _plain(text: str) -> str:
    return str(escape(SPACES.sub(" ", text)))


def snippet(texts: list[str], marked: list[list[str]], phrases: list[tuple[str, ...]] = ()) -> str:
    """The passage of the first of ``texts`` with a match (a body, else the title), around the first of
    ``phrases`` found, else where the marked words are densest. Of each group of ``marked`` (a word and the
    words close to it), the first the text has is marked. Folding keeps every offset, so the matches found in
    the folded text are marked in the original."""
    for text in texts:
        folded = fold(text)
        chosen = [word for word in (next((word for word in group if _word(word).search(folded)), None)
                                    for group in marked) if word]
        if chosen:
            spans = [found.span() for found in re.finditer("|".join(_word(word).pattern for word in chosen), folded)]
            return _passage(text, spans, _phrase_at(folded, phrases))
    text = next((text for text in texts if text), "")
    return _plain(text[:WIDTH]) + ("…" if len(text) > WIDTH else "")


def _word(token: str) -> re.Pattern:
    """A folded token as a whole token (``folding.TOKEN``: letters and digits)."""
    return re.compile(rf"(?<![^\W_]){re.escape(token)}(?![^\W_])")


def _phrase_at(folded: str, phrases: list[tuple[str, ...]]) -> int | None:
    """Where the first of ``phrases`` (of two words or more) found begins in the folded text."""
    for phrase in phrases:
        if len(phrase) > 1:
            found = re.search(r"[\W_]+".join(_word(token).pattern for token in phrase), folded)
            if found:
                return found.start()
    return None


def _passage(text: str, spans: list[tuple[int, int]], anchor: int | None) -> str:
    start = max(0, (anchor if anchor is not None else spans[_densest(spans)][0]) - LEAD)
    if start:
        start = text.find(" ", start, start + LEAD) + 1 or start
    end = min(len(text), start + WIDTH)
    parts, at = ["…" if start else ""], start
    for first, last in spans:
        if first >= at and last <= end:
            parts += [_plain(text[at:first]), "<mark>", _plain(text[first:last]), "</mark>"]
            at = last
    parts += [_plain(text[at:end]), "…" if end < len(text) else ""]
    return str(Markup("".join(parts)))


def _densest(spans: list[tuple[int, int]]) -> int:
    """The match that opens the window holding the most matches (the first such)."""
    best, best_count, last = 0, 0, 0
    for first in range(len(spans)):
        last = max(last, first)
        while last + 1 < len(spans) and spans[last + 1][1] <= spans[first][0] + WIDTH - LEAD:
            last += 1
        if last - first + 1 > best_count:
            best, best_count = first, last - first + 1
    return best
