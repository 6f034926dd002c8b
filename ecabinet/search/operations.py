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
from ecabinet.search.engines.base import TIER_WEIGHT
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

    One statement finds every matching source ``user`` may see with its best entry (a few thousand rows at most:
    a province's meetings, notices, tasks and materials), so the counts and the ranking agree by construction."""
    counts = dict.fromkeys(SearchKind, 0)
    parsed = parse(query.q)
    if parsed.empty:
        return SearchResults(query=query, hits=[], counts=counts, total=0)
    engine = engine_for(db.session)
    expand(parsed, engine, db.session)
    ranked = engine.ranked(parsed.tiers())
    sources = db.session.execute(
        sa.select(E.kind, E.source_id, sa.func.min(ranked.c.rank).label("rank"),
                  engine.first_by(E.id, ranked.c.rank).label("entry_id"))
        .join(ranked, ranked.c.entry_id == E.id).where(*_shown(user, query)).group_by(E.kind, E.source_id)).all()
    kinds = set(query.kinds or SearchKind)
    for source in sources:
        counts[SearchKind(source.kind)] += 1
    start = (query.page - 1) * query.per_page
    shown = sorted((source for source in sources if source.kind in kinds),
                   key=lambda source: (source.rank, source.kind, source.source_id))[start:start + query.per_page]
    return SearchResults(query=query, hits=_hits(user, shown, parsed), counts=counts,
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


def _hits(user: User, sources: list[Any], parsed: ParsedQuery) -> list[SearchHit]:
    """The hits of these sources, each shown by its best entry."""
    entries = {row.id: row for row in db.session.execute(sa.select(E).where(
        E.id.in_([source.entry_id for source in sources]))).scalars()}
    rows = [entries[source.entry_id] for source in sources]
    tiers = [round(source.rank / TIER_WEIGHT) for source in sources]
    meetings = dict(db.session.execute(sa.select(Meeting.id, Meeting.title).where(
        Meeting.id.in_({row.meeting_id for row in rows if row.meeting_id}), meeting_visibility(user))).all())
    tasks = dict(db.session.execute(sa.select(Task.id, Task.content).where(
        Task.id.in_({row.task_id for row in rows if row.kind == SearchKind.TASK_REPORT}))).all())
    hits = []
    for row, tier in zip(rows, tiers):
        meeting_title = meetings.get(row.meeting_id)
        title = row.title or meeting_title or tasks.get(row.task_id) or ""
        hits.append(SearchHit(kind=row.kind, id=row.source_id, title=title,
                              snippet=snippet(row.body or row.title, parsed.marked(tier),
                                              parsed.shown_phrases()),
                              url=SOURCES[SearchKind(row.kind)].url(row), date=row.day, page=row.page,
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
