"""The index follows every change in the same transaction: the rows of indexed models that a flush inserts,
changes or deletes are noted, and their entries are made again just before the commit.

Only changes of the attributes an entry is made of count (a meeting's status change costs nothing here). Rows
written with bulk SQL statements, bypassing the ORM, are not seen: ``rebuild`` makes them searchable.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ecabinet.search.engines import engine_for
from ecabinet.search.folding import index_text
from ecabinet.search.models import SearchEntry, SearchKind, SearchTerm
from ecabinet.search.sources import OWNER_COLUMNS, PARTS, PROPAGATIONS, SOURCE_OF_MODEL, SOURCES

PENDING = "search_pending"
TERM_LENGTHS = range(3, 65)
TERMS_PER_STATEMENT = 2000


@dataclass
class Pending:
    remake: set[tuple[SearchKind, int]] = field(default_factory=set)
    removals: list[sa.ColumnElement[bool]] = field(default_factory=list)
    updates: list[tuple[dict[str, Any], sa.ColumnElement[bool]]] = field(default_factory=list)


def _changed(obj: Any, fields: tuple[str, ...]) -> bool:
    attrs = sa.inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in fields)


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, flush_context: Any) -> None:
    pending: Pending | None = session.info.get(PENDING)
    for obj in (*session.new, *session.dirty, *session.deleted):
        noted = _noted(obj, session)
        if noted is not None:
            pending = pending or session.info.setdefault(PENDING, Pending())
            _note(pending, obj, noted)


def _noted(obj: Any, session: Session) -> str | None:
    """How ``obj`` takes part in this flush, if it concerns the index at all."""
    kind = type(obj)
    if kind not in SOURCE_OF_MODEL and kind not in PARTS:
        return None
    if obj in session.deleted:
        return "deleted"
    return "new" if obj in session.new else "dirty"


def _note(pending: Pending, obj: Any, how: str) -> None:
    source, part = SOURCE_OF_MODEL.get(type(obj)), PARTS.get(type(obj))
    if source is not None and (how != "dirty" or _changed(obj, source.fields)):
        pending.remake.add((source.kind, obj.id))
    if part is not None and (how != "dirty" or _changed(obj, part.fields)):
        pending.remake.add(part.owner(obj))
    if how == "deleted" and type(obj) in OWNER_COLUMNS:
        pending.removals.append(OWNER_COLUMNS[type(obj)] == obj.id)
    if how == "dirty":
        pending.updates.extend((propagation.values(obj), propagation.where(obj)) for propagation in PROPAGATIONS
                               if isinstance(obj, propagation.model) and _changed(obj, propagation.fields))


@event.listens_for(Session, "before_commit")
def _write_entries(session: Session) -> None:
    session.flush()  # what the commit would flush: its changes are noted before the entries are written
    pending = session.info.pop(PENDING, None)
    if pending is not None:
        apply(session, pending)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


def apply(session: Session, pending: Pending) -> None:
    engine = engine_for(session)
    for where in pending.removals:
        engine.delete(session, where)
    for values, where in pending.updates:
        session.execute(sa.update(SearchEntry).where(where).values(**values))
    by_kind: dict[SearchKind, list[int]] = defaultdict(list)
    for kind, source_id in pending.remake:
        by_kind[kind].append(source_id)
    for kind, ids in by_kind.items():
        remake(session, kind, ids)


def remake(session: Session, kind: SearchKind, ids: list[int]) -> int:
    """Make the entries of these rows of ``kind`` again (none for a row that is gone); how many there are."""
    source = SOURCES[kind]
    engine = engine_for(session)
    engine.delete(session, sa.and_(SearchEntry.kind == kind, SearchEntry.source_id.in_(ids)))
    rows = [row for obj in session.scalars(sa.select(source.model).where(source.model.id.in_(ids)))
            for row in source.entries(obj)]
    write(session, rows)
    return len(rows)


def write(session: Session, rows: list[dict[str, Any]]) -> None:
    """Index new entries and add their words to the vocabulary."""
    indexed = [(index_text(row["title"]), index_text(row["body"])) for row in rows]
    engine_for(session).insert(session, rows, indexed)
    add_terms(session, {term for texts in indexed for text in texts for term in text.split()})


_DIALECT_INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def add_terms(session: Session, terms: set[str]) -> None:
    """Words worth correcting towards: not numbers, not too short to compare by trigrams."""
    words = sorted(term for term in terms if len(term) in TERM_LENGTHS and not term.isdigit())
    insert = _DIALECT_INSERT[session.get_bind().dialect.name]
    for start in range(0, len(words), TERMS_PER_STATEMENT):
        chunk = words[start:start + TERMS_PER_STATEMENT]
        session.execute(insert(SearchTerm).values([{"term": term} for term in chunk]).on_conflict_do_nothing())
