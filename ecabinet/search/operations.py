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
    page), the best first; counts per kind under the same filters but the kinds."""
    parsed = parse(query.q)
    if parsed.empty:
        return SearchResults(query=query, hits=[], counts={}, total=0)
    engine = engine_for(db.session)
    expand(parsed, engine, db.session)
    found = _found(user, query, engine.matches(parsed.tiers()))
    counts = {SearchKind(kind): count for kind, count in db.session.execute(
        sa.select(found.c.kind, sa.func.count()).where(found.c.best == 1).group_by(found.c.kind))}
    kinds = query.kinds or list(SearchKind)
    rows = db.session.execute(
        sa.select(found).where(found.c.best == 1, found.c.kind.in_(kinds))
        .order_by(found.c.tier, found.c.score, found.c.day.desc().nulls_last(), found.c.kind, found.c.source_id)
        .limit(query.per_page).offset((query.page - 1) * query.per_page)).all()
    return SearchResults(query=query, hits=_hits(user, rows, parsed), counts=counts,
                         total=sum(counts.get(kind, 0) for kind in kinds))


def _found(user: User, query: SearchQuery, matches: sa.Subquery) -> sa.Subquery:
    """The matching entries ``user`` may see, each with its rank among its source's entries (``best``)."""
    filters = [visibility(user, list(SearchKind))]
    if query.date_from:
        filters.append(E.day >= query.date_from)
    if query.date_to:
        filters.append(E.day <= query.date_to)
    if query.agency_id is not None:
        filters.append(E.agency_id == query.agency_id)
    if query.leader_id is not None:
        filters.append(E.leader_id == query.leader_id)
    best = sa.func.row_number().over(partition_by=(E.kind, E.source_id),
                                     order_by=(matches.c.tier, matches.c.score, E.page))
    return (sa.select(E.id, E.kind, E.source_id, E.page, E.meeting_id, E.task_id, E.day, E.title, matches.c.tier,
                      matches.c.score, best.label("best"))
            .join(matches, matches.c.entry_id == E.id).where(*filters).subquery("found"))


def _hits(user: User, rows: list[Any], parsed: ParsedQuery) -> list[SearchHit]:
    bodies = dict(db.session.execute(sa.select(E.id, E.body).where(E.id.in_([row.id for row in rows]))).all())
    meetings = dict(db.session.execute(sa.select(Meeting.id, Meeting.title).where(
        Meeting.id.in_({row.meeting_id for row in rows if row.meeting_id}), meeting_visibility(user))).all())
    tasks = dict(db.session.execute(sa.select(Task.id, Task.content).where(
        Task.id.in_({row.task_id for row in rows if row.kind == SearchKind.TASK_REPORT}))).all())
    hits = []
    for row in rows:
        meeting_title = meetings.get(row.meeting_id)
        title = row.title or meeting_title or tasks.get(row.task_id) or ""
        hits.append(SearchHit(kind=row.kind, id=row.source_id, title=title,
                              snippet=snippet(bodies[row.id] or row.title, parsed.marked(row.tier),
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
