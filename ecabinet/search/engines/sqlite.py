"""SQLite: a contentless FTS5 table ``search_fts`` (rowid = the entry's id) over the folded title and body, and
an FTS5 trigram table ``search_terms_trgm`` over the vocabulary (kept by a trigger on ``search_terms``).

SQLite 3.40 has no ``contentless_delete``: an entry is removed from the index with FTS5's 'delete' command and the
values it was indexed with, which ``index_text`` of the stored title and body gives again.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ecabinet.search.engines.base import FUZZY_CANDIDATES, Match, best_per_entry
from ecabinet.search.folding import index_text, trigrams
from ecabinet.search.models import SearchEntry

ENTRIES = SearchEntry.__table__
FTS = sa.table("search_fts", sa.column("rowid"))
TITLE_WEIGHT = 4.0

_INDEX = sa.text("INSERT INTO search_fts (rowid, title, body) VALUES (:id, :title, :body)")
_UNINDEX = sa.text("INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', :id, :title, :body)")


def _indexed(entry_id: int, title: str, body: str) -> dict[str, Any]:
    return {"id": entry_id, "title": index_text(title), "body": index_text(body)}


def fts_query(match: Match) -> str:
    return " AND ".join("(" + " OR ".join('"' + " ".join(phrase) + '"' for phrase in group) + ")"
                        for group in match)


def _tier(tier: int, match: Match) -> sa.CTE:
    """FTS5's ranking functions run only in a query of the FTS table itself: each tier is computed apart."""
    return (sa.select(FTS.c.rowid.label("entry_id"), sa.literal(tier).label("tier"),
                      sa.func.bm25(sa.literal_column("search_fts"), TITLE_WEIGHT, 1.0).label("score"))
            .where(sa.literal_column("search_fts").op("MATCH")(sa.literal(fts_query(match))))
            .cte(f"tier{tier}").prefix_with("MATERIALIZED"))


class SqliteEngine:
    def insert(self, session: Session, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        ids = session.execute(sa.insert(ENTRIES).returning(ENTRIES.c.id, sort_by_parameter_order=True),
                              rows).scalars().all()
        session.execute(_INDEX, [_indexed(i, row["title"], row["body"]) for i, row in zip(ids, rows)])

    def delete(self, session: Session, where: sa.ColumnElement[bool]) -> None:
        old = session.execute(sa.select(ENTRIES.c.id, ENTRIES.c.title, ENTRIES.c.body).where(where)).all()
        if old:
            session.execute(_UNINDEX, [_indexed(*row) for row in old])
            session.execute(sa.delete(ENTRIES).where(where))

    def clear(self, session: Session) -> None:
        session.execute(sa.text("INSERT INTO search_fts (search_fts) VALUES ('delete-all')"))
        session.execute(sa.delete(ENTRIES))

    def matches(self, tiers: list[Match]) -> sa.Subquery:
        return best_per_entry([sa.select(*_tier(tier, match).c) for tier, match in enumerate(tiers)])

    def similar_terms(self, session: Session, term: str) -> list[str]:
        wanted = " OR ".join(f'"{trigram}"' for trigram in sorted(trigrams(term)))
        found = session.execute(sa.text("SELECT term FROM search_terms_trgm WHERE search_terms_trgm MATCH :q "
                                        "ORDER BY rank LIMIT :n"), {"q": wanted, "n": FUZZY_CANDIDATES})
        return [padded.strip() for padded in found.scalars()]


ENGINE = SqliteEngine()
