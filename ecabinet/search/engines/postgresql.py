"""PostgreSQL: the column ``search_entries.document`` (a ``tsvector`` of the folded title and body, config
'simple', title weighted A) with a GIN index over the entries of whole sources (``page IS NULL``: a material's pages
are matched only within the materials found), and pg_trgm's GIN index on ``search_terms.term``. The migration makes
both; the models do not know them.

A document also holds each pair of neighbouring words as one lexeme ("ket luan"), without positions. GIN cannot
check positions, so a phrase (``<->``) is checked again on each candidate's document, and a material's is its whole
text: a two-word phrase asked for as its pair is answered by the index alone. A longer phrase asks for all its pairs
(the index narrows the candidates to the few that have them) and its positions.

A tsvector keeps positions up to 16,383 and 256 of them per word: in a longer text (a report of a hundred pages) a
phrase past them is not found by its positions. Such a document holds the lexeme ``UNCOUNTED`` (no folded text has
a "~"), and its longer phrases are matched by their pairs alone.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, TSVECTOR, aggregate_order_by
from sqlalchemy.orm import Session
from sqlalchemy.sql import visitors
from sqlalchemy.sql.util import ClauseAdapter

from ecabinet.search.engines.base import FUZZY_CANDIDATES, Match, tier_of
from ecabinet.search.models import SearchEntry

ENTRIES = SearchEntry.__table__.to_metadata(sa.MetaData())
ENTRIES.append_column(sa.Column("document", TSVECTOR))
SIMPLE = sa.literal_column("'simple'::regconfig")
DOCUMENT = sa.literal_column(f"{ENTRIES.name}.document", TSVECTOR)
"""The column in a query of ``SearchEntry``."""


def _weighted(name: str, weight: str) -> sa.ColumnElement:
    return sa.func.setweight(sa.func.to_tsvector(SIMPLE, sa.bindparam(name)), sa.literal_column(f"'{weight}'"))


_PAIRS = sa.func.array_to_tsvector(sa.bindparam("pairs", type_=ARRAY(sa.Text)))
_INSERT = sa.insert(ENTRIES).values(
    document=_weighted("indexed_title", "A").op("||")(_weighted("indexed_body", "B")).op("||")(_PAIRS))


UNCOUNTED = "~uncounted"
LAST_POSITION, POSITIONS_PER_WORD = 16_383, 256
"""What a tsvector keeps of the positions (PostgreSQL's ``MAXENTRYPOS`` and ``MAXNUMPOS``)."""


def pairs(indexed_title: str, indexed_body: str) -> list[str]:
    """The distinct pairs of neighbouring words of an entry's title and of its body (not across them: a phrase is
    in one or the other, as in SQLite's columns), and ``UNCOUNTED`` if the document cannot keep every position."""
    found = set()
    title, body = indexed_title.split(), indexed_body.split()
    for words in (title, body):
        found.update(f"{first} {second}" for first, second in zip(words, words[1:]))
    if len(title) + len(body) > LAST_POSITION or max(Counter(title + body).values(), default=0) > POSITIONS_PER_WORD:
        found.add(UNCOUNTED)
    return sorted(found)


def _pairs_of(phrase: tuple[str, ...]) -> list[str]:
    return [f"'{first} {second}'" for first, second in zip(phrase, phrase[1:])]


def _phrase(phrase: tuple[str, ...], positions: bool) -> str:
    """A word; a phrase by its pairs, and, if longer than a pair and ``positions``, by its words in a row where the
    document kept their positions."""
    if len(phrase) == 1:
        return f"'{phrase[0]}'"
    parts = _pairs_of(phrase)
    if positions and len(phrase) > 2:
        parts.append("((" + " <-> ".join(f"'{token}'" for token in phrase) + f") | '{UNCOUNTED}')")
    return "(" + " & ".join(parts) + ")"


def tsquery(match: Match, positions: bool = True) -> str:
    return " & ".join("(" + " | ".join(_phrase(phrase, positions) for phrase in group) + ")" for group in match)


def _query(match: Match, positions: bool = True) -> sa.ColumnElement:
    """The lexemes are folded already (what 'simple' would make of them): a constant, not ``to_tsquery`` (a stable
    function, evaluated again for every row)."""
    return sa.cast(sa.literal(tsquery(match, positions)), TSQUERY)


def _needs_positions(match: Match) -> bool:
    return any(len(phrase) > 2 for group in match for phrase in group)


def _first_by(column: sa.ColumnElement, key: sa.ColumnElement) -> sa.ColumnElement:
    """An aggregate: ``column`` of the row of a group with the lowest ``key`` (the first such row)."""
    return sa.func.array_agg(aggregate_order_by(column, key, column))[1]


def _tier(tiers: list[Match]) -> sa.ColumnElement:
    return tier_of(tiers, lambda match: ENTRIES.c.document.op("@@")(_query(match)))


class PostgresqlEngine:
    def insert(self, session: Session, rows: list[dict[str, Any]], indexed: list[tuple[str, str]]) -> None:
        if rows:
            session.execute(_INSERT, [{**row, "indexed_title": title, "indexed_body": body,
                                       "pairs": pairs(title, body)} for row, (title, body) in zip(rows, indexed)])

    def delete(self, session: Session, where: sa.ColumnElement[bool]) -> None:
        session.execute(sa.delete(SearchEntry.__table__).where(where))

    def clear(self, session: Session) -> None:
        session.execute(sa.delete(SearchEntry.__table__))

    def matching(self, match: Match) -> sa.ColumnElement[bool]:
        return sa.and_(SearchEntry.page.is_(None), DOCUMENT.op("@@")(_query(match)))

    def first_matching(self, match: Match, filters: list[sa.ColumnElement[bool]], order: list[sa.ColumnElement],
                       limit: int) -> sa.Select:
        """The GIN index answers a match of words and pairs alone, but a longer phrase only with the positions in
        the row's (toasted, a material's whole text) ``document``: the entries matching its words and pairs are put
        in order first, then the phrase is checked on them one by one until there are enough."""
        if not _needs_positions(match):
            return sa.select(SearchEntry.id).where(self.matching(match), *filters).order_by(*order).limit(limit)
        ordered_by = {column.key: column for clause in order for column in visitors.iterate(clause)
                      if isinstance(column, sa.Column)}
        words = (sa.select(SearchEntry.id, *ordered_by.values())
                 .where(SearchEntry.page.is_(None), DOCUMENT.op("@@")(_query(match, positions=False)), *filters)
                 .order_by(*order).offset(0).subquery("words"))
        document = sa.select(ENTRIES.c.document).where(ENTRIES.c.id == words.c.id).scalar_subquery()
        return (sa.select(words.c.id).where(document.op("@@")(_query(match)))
                .order_by(*(ClauseAdapter(words).traverse(clause) for clause in order)).limit(limit))

    def best_pages(self, session: Session, materials: dict[int, int], tiers: list[Match]) -> dict[int, int]:
        best = {}
        for tier in sorted(set(materials.values())):
            found = [material_id for material_id, its_tier in materials.items() if its_tier == tier]
            best.update(session.execute(
                sa.select(ENTRIES.c.material_id, _first_by(ENTRIES.c.page, _tier(tiers[tier:]) + ENTRIES.c.page))
                .where(ENTRIES.c.material_id.in_(found), ENTRIES.c.page.is_not(None),
                       ENTRIES.c.document.op("@@")(_query(tiers[-1])))
                .group_by(ENTRIES.c.material_id)).all())
        return best

    def similar_terms(self, session: Session, term: str) -> list[str]:
        found = session.execute(sa.text("SELECT term FROM search_terms WHERE term % :t "
                                        "ORDER BY similarity(term, :t) DESC, term LIMIT :n"),
                                {"t": term, "n": FUZZY_CANDIDATES})
        return list(found.scalars())


ENGINE = PostgresqlEngine()
