"""SQLite: a contentless FTS5 table ``search_fts`` (rowid = the entry's id) over the folded title and body of the
entry of a whole source, another, ``search_pages_fts``, over the text of a material's page (kept apart: a search
of the sources does not read the pages' postings of a word, which hold as much text again), and an FTS5 trigram
table ``search_terms_trgm`` over the vocabulary (kept by a trigger on ``search_terms``).

SQLite 3.40 has no ``contentless_delete``: an entry is removed from the index with FTS5's 'delete' command and the
values it was indexed with, which ``index_text`` of the stored title and body gives again.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ecabinet.search.engines.base import FUZZY_CANDIDATES, Match
from ecabinet.search.folding import index_text, trigrams
from ecabinet.search.models import SearchEntry

ENTRIES = SearchEntry.__table__
FTS = sa.table("search_fts", sa.column("rowid"))

_INDEX = sa.text("INSERT INTO search_fts (rowid, title, body, page) VALUES (:id, :title, :body, '')")
_UNINDEX = sa.text("INSERT INTO search_fts (search_fts, rowid, title, body, page) "
                   "VALUES ('delete', :id, :title, :body, '')")
_INDEX_PAGE = sa.text("INSERT INTO search_pages_fts (rowid, page) VALUES (:id, :body)")
_UNINDEX_PAGE = sa.text("INSERT INTO search_pages_fts (search_pages_fts, rowid, page) VALUES ('delete', :id, :body)")
SOURCES, PAGES = "{title body}", "page"
"""The columns a search matches (``search_fts``'s ``page`` is empty since the pages have their own table), and
where a material's hit opens."""


def _write(session: Session, entries: list[tuple[int, str, str, int | None]], sources: sa.TextClause,
           pages: sa.TextClause) -> None:
    """Index (or unindex) entries (id, indexed title, indexed body, page) in their table."""
    for statement, its in ((sources, [entry for entry in entries if entry[3] is None]),
                           (pages, [entry for entry in entries if entry[3] is not None])):
        if its:
            session.execute(statement, [{"id": entry_id, "title": title, "body": body}
                                        for entry_id, title, body, _ in its])


def fts_query(match: Match, columns: str = SOURCES) -> str:
    return f"{columns} : (" + " AND ".join(
        "(" + " OR ".join('"' + " ".join(phrase) + '"' for phrase in group) + ")" for group in match) + ")"


def _matching(match: Match) -> sa.ColumnElement[bool]:
    return sa.literal_column("search_fts").op("MATCH")(sa.literal(fts_query(match)))


_FIRST_PAGE = sa.text("SELECT rowid FROM search_pages_fts WHERE search_pages_fts MATCH :q "
                      "AND rowid BETWEEN :first AND :last ORDER BY rowid LIMIT 1")
"""No bm25() here: its statistics of a phrase read the phrase's whole index, for every material again."""


class SqliteEngine:
    def insert(self, session: Session, rows: list[dict[str, Any]], indexed: list[tuple[str, str]]) -> None:
        if not rows:
            return
        ids = session.execute(sa.insert(ENTRIES).returning(ENTRIES.c.id, sort_by_parameter_order=True),
                              rows).scalars().all()
        _write(session, [(i, *texts, row["page"]) for i, texts, row in zip(ids, indexed, rows)], _INDEX, _INDEX_PAGE)

    def delete(self, session: Session, where: sa.ColumnElement[bool]) -> None:
        old = session.execute(sa.select(ENTRIES.c.id, ENTRIES.c.title, ENTRIES.c.body, ENTRIES.c.page)
                              .where(where)).all()
        if old:
            _write(session, [(entry_id, index_text(title), index_text(body), page)
                             for entry_id, title, body, page in old], _UNINDEX, _UNINDEX_PAGE)
            session.execute(sa.delete(ENTRIES).where(where))

    def clear(self, session: Session) -> None:
        session.execute(sa.text("INSERT INTO search_fts (search_fts) VALUES ('delete-all')"))
        session.execute(sa.text("INSERT INTO search_pages_fts (search_pages_fts) VALUES ('delete-all')"))
        session.execute(sa.delete(ENTRIES))

    def matching(self, match: Match) -> sa.ColumnElement[bool]:
        return ENTRIES.c.id.in_(sa.select(FTS.c.rowid).where(_matching(match)))

    def first_matching(self, match: Match, filters: list[sa.ColumnElement[bool]], order: list[sa.ColumnElement],
                       limit: int) -> sa.Select:
        return sa.select(ENTRIES.c.id).where(self.matching(match), *filters).order_by(*order).limit(limit)

    def best_pages(self, session: Session, materials: dict[int, int], tiers: list[Match]) -> dict[int, int]:
        """A material's pages were indexed together, in order: their entries' ids are one range, which FTS5 seeks
        in, and the first in the range is the first page."""
        ranges = session.execute(
            sa.select(ENTRIES.c.material_id, sa.func.min(ENTRIES.c.id), sa.func.max(ENTRIES.c.id))
            .where(ENTRIES.c.material_id.in_(materials), ENTRIES.c.page.is_not(None))
            .group_by(ENTRIES.c.material_id)).all()
        best = {}
        for material_id, first, last in ranges:
            for match in tiers[materials[material_id]:]:
                found = session.scalar(_FIRST_PAGE, {"q": fts_query(match, PAGES), "first": first, "last": last})
                if found is not None:
                    best[material_id] = found
                    break
        pages = dict(session.execute(sa.select(ENTRIES.c.id, ENTRIES.c.page)
                                     .where(ENTRIES.c.id.in_(best.values()))).all())
        return {material_id: pages[entry_id] for material_id, entry_id in best.items()}

    def similar_terms(self, session: Session, term: str) -> list[str]:
        wanted = " OR ".join(f'"{trigram}"' for trigram in sorted(trigrams(term)))
        found = session.execute(sa.text("SELECT term FROM search_terms_trgm WHERE search_terms_trgm MATCH :q "
                                        "ORDER BY rank LIMIT :n"), {"q": wanted, "n": FUZZY_CANDIDATES})
        return [padded.strip() for padded in found.scalars()]


ENGINE = SqliteEngine()
