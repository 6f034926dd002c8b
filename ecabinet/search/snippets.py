"""Snippets: the passage of a text with the most matching words, escaped, the matches in ``<mark>``."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from ecabinet.search.folding import TOKEN, fold

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
        found = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(fold(text))]
        spans = _matches(found, marked)
        if spans:
            return _passage(text, found, spans, phrases)
    text = next((text for text in texts if text), "")
    return _plain(text[:WIDTH]) + ("…" if len(text) > WIDTH else "")


def _matches(found: list[tuple[int, int, str]], marked: list[list[str]]) -> list[tuple[int, int]]:
    present = {token for _, _, token in found}
    chosen = {next(word for word in group if word in present) for group in marked
              if not present.isdisjoint(group)}
    return [(first, last) for first, last, token in found if token in chosen]


def _passage(text: str, found: list[tuple[int, int, str]], spans: list[tuple[int, int]],
             phrases: list[tuple[str, ...]]) -> str:
    anchor = _phrase_at([token for _, _, token in found], phrases)
    start = max(0, (found[anchor][0] if anchor is not None else spans[_densest(spans)][0]) - LEAD)
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


def _phrase_at(words: list[str], phrases: list[tuple[str, ...]]) -> int | None:
    """Where the first of ``phrases`` (of two words or more) begins among ``words``."""
    for phrase in phrases:
        if len(phrase) < 2:
            continue
        size = len(phrase)
        for at in range(len(words) - size + 1):
            if tuple(words[at:at + size]) == phrase:
                return at
    return None


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
