"""Searching the index for a user, and rebuilding it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core.db import db
from ecabinet.meetings.models import Meeting
from ecabinet.policy import meeting_visibility
from ecabinet.search import indexing
from ecabinet.search.engines import engine_for
from ecabinet.search.engines.base import TIER_WEIGHT, Engine
from ecabinet.search.models import SearchEntry, SearchKind
from ecabinet.search.query import ParsedQuery, expand, parse
from ecabinet.search.schemas import SearchHit, SearchQuery, SearchResults
from ecabinet.search.snippets import snippet
from ecabinet.search.sources import SOURCES, batches, visibility
from ecabinet.tasks.models import Task

E = SearchEntry
REBUILD_BATCH = 200


def search(user: User, query: SearchQuery) -> SearchResults:
    """What ``user`` may find for ``query``: one hit per meeting, material, task… (a material by its best
    page), the best first; counts per kind under the same filters but the kinds.

    One statement finds every matching source ``user`` may see (a few thousand rows at most: a province's
    meetings, notices, tasks and materials, each matched as a whole), so the counts and the ranking agree by
    construction; then the best page of each material shown."""
    counts = dict.fromkeys(SearchKind, 0)
    parsed = parse(query.q)
    if parsed.empty:
        return SearchResults(query=query, hits=[], counts=counts, total=0)
    engine = engine_for(db.session)
    expand(parsed, engine, db.session)
    ranked = engine.ranked(parsed.tiers())
    sources = db.session.execute(sa.select(E.kind, E.source_id, ranked.c.rank, E.id.label("entry_id"))
                                 .join(ranked, ranked.c.entry_id == E.id).where(*_shown(user, query))).all()
    kinds = set(query.kinds or SearchKind)
    for source in sources:
        counts[SearchKind(source.kind)] += 1
    start = (query.page - 1) * query.per_page
    shown = sorted((source for source in sources if source.kind in kinds),
                   key=lambda source: (source.rank, source.kind, source.source_id))[start:start + query.per_page]
    return SearchResults(query=query, hits=_hits(user, shown, parsed, engine), counts=counts,
                         total=sum(counts[kind] for kind in kinds))


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


def _hits(user: User, sources: list[Any], parsed: ParsedQuery, engine: Engine) -> list[SearchHit]:
    """The hits of these sources; a material's shown by its best page."""
    entries = {row.id: row for row in db.session.scalars(sa.select(E).where(
        E.id.in_([source.entry_id for source in sources])))}
    rows = [entries[source.entry_id] for source in sources]
    materials = [row.source_id for row in rows if row.kind == SearchKind.MATERIAL]
    best = engine.best_pages(db.session, materials, parsed.tiers()) if materials else {}
    pages = {row.material_id: row for row in db.session.scalars(sa.select(E).where(
        sa.tuple_(E.material_id, E.page).in_(list(best.items()))))} if best else {}
    meetings = dict(db.session.execute(sa.select(Meeting.id, Meeting.title).where(
        Meeting.id.in_({row.meeting_id for row in rows if row.meeting_id}), meeting_visibility(user))).all())
    tasks = dict(db.session.execute(sa.select(Task.id, Task.content).where(
        Task.id.in_({row.task_id for row in rows if row.kind == SearchKind.TASK_REPORT}))).all())
    hits = []
    for row, source in zip(rows, sources):
        page = pages.get(row.material_id) if row.kind == SearchKind.MATERIAL else None
        shown = page or row
        text = row.title if row.kind == SearchKind.MATERIAL and page is None else shown.body or row.title
        meeting_title = meetings.get(row.meeting_id)
        hits.append(SearchHit(kind=row.kind, id=row.source_id, title=row.title or meeting_title or
                              tasks.get(row.task_id) or "",
                              snippet=snippet(text, parsed.marked(round(source.rank / TIER_WEIGHT)),
                                              parsed.shown_phrases()),
                              url=SOURCES[SearchKind(row.kind)].url(shown), date=row.day, page=shown.page,
                              meeting_title=meeting_title))
    return hits


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
