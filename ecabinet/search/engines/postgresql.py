"""PostgreSQL: the column ``search_entries.document`` (a ``tsvector`` of the folded title and body, config
'simple', title weighted A) with a GIN index, and pg_trgm's GIN index on ``search_terms.term``. The migration makes
both; the models do not know them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Session

from ecabinet.search.engines.base import FUZZY_CANDIDATES, Match, best_per_entry
from ecabinet.search.folding import index_text
from ecabinet.search.models import SearchEntry

ENTRIES = SearchEntry.__table__.to_metadata(sa.MetaData())
ENTRIES.append_column(sa.Column("document", TSVECTOR))
SIMPLE = sa.literal_column("'simple'::regconfig")


def _weighted(name: str, weight: str) -> sa.ColumnElement:
    return sa.func.setweight(sa.func.to_tsvector(SIMPLE, sa.bindparam(name)), sa.literal_column(f"'{weight}'"))


_INSERT = sa.insert(ENTRIES).values(document=_weighted("indexed_title", "A").op("||")(_weighted("indexed_body", "B")))


def tsquery(match: Match) -> str:
    return " & ".join("(" + " | ".join("(" + " <-> ".join(f"'{token}'" for token in phrase) + ")"
                                       for phrase in group) + ")" for group in match)


class PostgresqlEngine:
    def insert(self, session: Session, rows: list[dict[str, Any]]) -> None:
        if rows:
            session.execute(_INSERT, [{**row, "indexed_title": index_text(row["title"]),
                                       "indexed_body": index_text(row["body"])} for row in rows])

    def delete(self, session: Session, where: sa.ColumnElement[bool]) -> None:
        session.execute(sa.delete(SearchEntry.__table__).where(where))

    def clear(self, session: Session) -> None:
        session.execute(sa.delete(SearchEntry.__table__))

    def matches(self, tiers: list[Match]) -> sa.Subquery:
        selects = []
        for tier, match in enumerate(tiers):
            query = sa.func.to_tsquery(SIMPLE, sa.literal(tsquery(match)))
            selects.append(sa.select(ENTRIES.c.id.label("entry_id"), sa.literal(tier).label("tier"),
                                     (-sa.func.ts_rank(ENTRIES.c.document, query)).label("score"))
                           .where(ENTRIES.c.document.op("@@")(query)))
        return best_per_entry(selects)

    def similar_terms(self, session: Session, term: str) -> list[str]:
        found = session.execute(sa.text("SELECT term FROM search_terms WHERE term % :t "
                                        "ORDER BY similarity(term, :t) DESC, term LIMIT :n"),
                                {"t": term, "n": FUZZY_CANDIDATES})
        return list(found.scalars())


ENGINE = PostgresqlEngine()
