"""Searching the index for a user, and rebuilding it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core import signals
from ecabinet.core.db import db
from ecabinet.meetings.models import Meeting
from ecabinet.policy import meeting_visibility
from ecabinet.search import indexing
from ecabinet.search.engines import engine_for
from ecabinet.search.engines.base import Engine, Match
from ecabinet.search.models import SearchEntry, SearchKind
from ecabinet.search.query import ParsedQuery, expand, parse
from ecabinet.search.schemas import SearchHit, SearchQuery, SearchResults
from ecabinet.search.snippets import snippet
from ecabinet.search.sources import SOURCES, batches, visibility
from ecabinet.tasks.models import Task

E = SearchEntry
REBUILD_BATCH = 200
ENTRY = SearchEntry.__table__.c
NEWEST_FIRST = [ENTRY.day.desc().nulls_last(), ENTRY.kind, ENTRY.source_id]


def search(user: User, query: SearchQuery) -> SearchResults:
    """What ``user`` may find for ``query``: one hit per meeting, material, task… (a material by its best
    page), by the first tier it matches, then the newest first; counts per kind under the same filters but the
    kinds.

    A source is matched as a whole (a material by its whole text), so a count is a count of sources; the
    matches are not scored: scoring every match of a common phrase (nearly every material has "kết luận") costs
    more than the whole search may, and the tiers already put the phrase first."""
    counts = dict.fromkeys(SearchKind, 0)
    parsed = parse(query.q)
    if parsed.empty:
        return SearchResults(query=query, hits=[], counts=counts, total=0)
    engine = engine_for(db.session)
    expand(parsed, engine, db.session)
    tiers = parsed.tiers()
    shown = _shown(user, query)
    counts.update(db.session.execute(sa.select(E.kind, sa.func.count()).where(engine.matching(tiers[-1]), *shown)
                                     .group_by(E.kind)).all())
    kinds = query.kinds or list(SearchKind)
    start = (query.page - 1) * query.per_page
    best = _best_first(engine, tiers, [*shown, E.kind.in_(kinds)], start + query.per_page)[start:]
    return SearchResults(query=query, hits=_hits(user, best, parsed, engine), counts=counts,
                         total=sum(counts[kind] for kind in kinds))


def _best_first(engine: Engine, tiers: list[Match], filters: list[sa.ColumnElement[bool]],
                wanted: int) -> list[tuple[int, int]]:
    """The first ``wanted`` entries (tier, id) that pass ``filters``: those of a tier before those of the next,
    the newest first. A tier holds the matches of those before it: each is asked for as many more as they had."""
    found: list[tuple[int, int]] = []
    seen: set[int] = set()
    for tier, match in enumerate(tiers):
        ids = db.session.scalars(engine.first_matching(match, filters, NEWEST_FIRST, wanted + len(seen))).all()
        found += [(tier, entry_id) for entry_id in ids if entry_id not in seen][:wanted - len(found)]
        seen.update(ids)
        if len(found) == wanted:
            break
    return found


def _shown(user: User, query: SearchQuery) -> list[sa.ColumnElement[bool]]:
    """The entries ``user`` may see that pass the query's filters (but the kinds)."""
    filters = [visibility(user, list(SearchKind))]
    if query.date_from:
        filters.append(E.day >= query.date_from)
    if query.date_to:
        filters.append(E.day <= query.date_to)
    if query.agency_id is not None:
        filters.append(E.agency_id == query.agency_id)
    if query.leader_id is not None:
        filters.append(E.leader_id == query.leader_id)
    return filters


def _hits(user: User, best: list[tuple[int, int]], parsed: ParsedQuery, engine: Engine) -> list[SearchHit]:
    """The hits of these entries (tier, id); a material's shown by its best page (its whole text is not
    loaded)."""
    body = sa.case((E.kind == SearchKind.MATERIAL, ""), else_=E.body)
    loaded = {row.id: row for row in db.session.execute(
        sa.select(E.id, E.kind, E.source_id, E.title, E.page, E.meeting_id, E.material_id, E.task_id, E.day,
                  body.label("body")).where(E.id.in_([entry_id for _, entry_id in best])))}
    rows = [loaded[entry_id] for _, entry_id in best]
    materials = {row.source_id: tier for (tier, _), row in zip(best, rows) if row.kind == SearchKind.MATERIAL}
    pages = engine.best_pages(db.session, materials, parsed.tiers()) if materials else {}
    page_texts = dict(db.session.execute(sa.select(E.material_id, E.body).where(sa.or_(
        *(sa.and_(E.material_id == material_id, E.page == page) for material_id, page in pages.items())))).all()
    ) if pages else {}
    meetings = dict(db.session.execute(sa.select(Meeting.id, Meeting.title).where(
        Meeting.id.in_({row.meeting_id for row in rows if row.meeting_id}), meeting_visibility(user))).all())
    tasks = dict(db.session.execute(sa.select(Task.id, Task.content).where(
        Task.id.in_({row.task_id for row in rows if row.kind == SearchKind.TASK_REPORT}))).all())
    hits = []
    for (tier, _), row in zip(best, rows):
        page = pages.get(row.material_id) if row.kind == SearchKind.MATERIAL else None
        meeting_title = meetings.get(row.meeting_id)
        opened = SimpleNamespace(**{**row._asdict(), "page": page})
        hits.append(SearchHit(kind=row.kind, id=row.source_id, title=row.title or meeting_title or
                              tasks.get(row.task_id) or "",
                              snippet=snippet([page_texts[row.material_id] if page else row.body, row.title],
                                              parsed.marked(tier), parsed.shown_phrases()),
                              url=SOURCES[SearchKind(row.kind)].url(opened), date=row.day, page=page,
                              meeting_title=meeting_title))
    return hits


@signals.rows_written_in_bulk.connect
def _rebuild_after_bulk_rows(sender: Any) -> None:
    rebuild()


def rebuild(report: Any = None) -> dict[SearchKind, int]:
    """Make the whole index again from the rows, in batches, in one transaction; how many entries per kind.
    ``report(kind, count)`` is told as each kind is done."""
    session = db.session
    engine_for(session).clear(session)
    counts = {}
    for kind, source in SOURCES.items():
        counts[kind] = 0
        for rows in batches(source, REBUILD_BATCH):
            entries = [entry for obj in rows for entry in source.entries(obj)]
            indexing.write(session, entries)
            counts[kind] += len(entries)
            session.expunge_all()
        if report is not None:
            report(kind, counts[kind])
    session.commit()
    return counts
