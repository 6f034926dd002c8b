"""A query as the user types it, turned into ranked tiers of matches and the words a snippet marks.

Words are folded like the index; a word of several tokens ("15/TB-UBND") is the phrase of its tokens; quoted
text must match as a phrase in every tier. Tier 0: all the words in a row; tier 1: all the words; tier 2: each
word or, for a word no text has (a typing or OCR error, a missing letter), the vocabulary words close to it by
trigram similarity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import chain

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ecabinet.search.engines.base import Engine, Group, Match, Phrase
from ecabinet.search.folding import similarity, tokens
from ecabinet.search.models import SearchTerm

QUOTED = re.compile(r'"([^"]*)"')
SIMILARITY_THRESHOLD = 0.3
"""pg_trgm's default for ``%``: both engines keep the words at least this close."""
EXPANSIONS = 5
"""The closest vocabulary words a misspelt word stands for, at most."""
FUZZY_LENGTHS = range(3, 65)


@dataclass
class ParsedQuery:
    phrases: list[Phrase]
    """Quoted: each must match as it is."""
    words: list[Phrase]
    expansions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.phrases and not self.words

    def tiers(self) -> list[Match]:
        required: Match = [[phrase] for phrase in self.phrases]
        tiers = []
        together = tuple(chain.from_iterable(self.words))
        if len(self.words) > 1:
            tiers.append(required + [[together]])
        tiers.append(required + [[word] for word in self.words])
        if self.expansions:
            tiers.append(required + [self._alternatives(word) for word in self.words])
        return tiers

    def _alternatives(self, word: Phrase) -> Group:
        return [word, *((term,) for term in self.expansions.get(word[0], ()))] if len(word) == 1 else [word]

    def shown_phrases(self) -> list[Phrase]:
        """What a snippet shows first where it is found: the quoted phrases, else all the words in a row."""
        return self.phrases or [tuple(chain.from_iterable(self.words))]

    def marked(self, tier: int) -> list[list[str]]:
        """What a snippet of a hit of ``tier`` highlights: each folded word, or, if the hit needed the close words,
        the first of the word and its close words (closest first) that the text has."""
        fuzzy = bool(self.expansions) and tier == len(self.tiers()) - 1
        return [[word, *(self.expansions.get(word, ()) if fuzzy else ())]
                for word in dict.fromkeys(chain(*self.phrases, *self.words))]


def parse(text: str) -> ParsedQuery:
    phrases = [tuple(found) for found in map(tokens, QUOTED.findall(text)) if found]
    rest = QUOTED.sub(" ", text).replace('"', " ")
    return ParsedQuery(phrases, [tuple(found) for found in map(tokens, rest.split()) if found])


def expand(query: ParsedQuery, engine: Engine, session: Session) -> None:
    """The vocabulary words close to each single word of ``query`` that is not in it, closest first."""
    terms = {word[0] for word in query.words
             if len(word) == 1 and len(word[0]) in FUZZY_LENGTHS and not word[0].isdigit()}
    if terms:
        terms -= set(session.scalars(sa.select(SearchTerm.term).where(SearchTerm.term.in_(terms))))
    for term in sorted(terms):
        scored = sorted((-similarity(term, candidate), candidate) for candidate in engine.similar_terms(session, term)
                        if candidate != term)
        close = [candidate for score, candidate in scored if -score >= SIMILARITY_THRESHOLD][:EXPANSIONS]
        if close:
            query.expansions[term] = close
