"""The search index: one entry per searchable piece (a meeting, a material's page, a task's report…).

Each engine adds its own full-text structure over ``title`` and ``body`` (SQLite: the FTS5 tables ``search_fts``
and ``search_pages_fts``; PostgreSQL: the column ``search_entries.document`` and its GIN index), made by the
migrations and kept by ``engines``. The ids of what an entry belongs to are kept with it: the policy's SQL filters
apply to them.
"""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ecabinet.core.db import db, enum_type


class SearchKind(enum.StrEnum):
    MEETING = "meeting"
    AGENDA_ITEM = "agenda_item"
    MATERIAL = "material"
    MINUTES = "minutes"
    CONCLUSION = "conclusion"
    DIRECTIVE = "directive"
    NOTICE = "notice"
    TASK = "task"
    TASK_REPORT = "task_report"


class SearchEntry(db.Model):
    __tablename__ = "search_entries"
    __table_args__ = (
        sa.Index("ix_search_entries_source", "kind", "source_id"),
        sa.Index("ix_search_entries_meeting", "meeting_id"),
        sa.Index("ix_search_entries_material", "material_id"),
        sa.Index("ix_search_entries_task", "task_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SearchKind] = mapped_column(enum_type(SearchKind, "kind"))
    source_id: Mapped[int]
    """The id of the row of ``kind`` it was made from (a material's id for each of its pages)."""
    page: Mapped[int | None]
    """A material's page (1…); None for the entry of a whole source (one per source: what is found and counted),
    a page's entry only tells where in its material a hit opens."""
    meeting_id: Mapped[int | None]
    material_id: Mapped[int | None]
    notice_id: Mapped[int | None]
    task_id: Mapped[int | None]
    agency_id: Mapped[int | None]
    leader_id: Mapped[int | None]
    day: Mapped[date | None]
    title: Mapped[str] = mapped_column(sa.Text, default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")


class SearchTerm(db.Model):
    """Every folded word ever indexed: what a misspelt query word is compared with (trigram similarity)."""

    __tablename__ = "search_terms"

    term: Mapped[str] = mapped_column(sa.String(64), primary_key=True)


ENGINE_TABLES = ("search_fts", "search_pages_fts", "search_terms_trgm")
"""SQLite's FTS5 tables (with the shadow tables FTS5 makes for each, ``<name>_data``…)."""
ENGINE_COLUMNS = {("search_entries", "document")}
ENGINE_INDEXES = {"ix_search_entries_document", "ix_search_terms_trgm"}
"""PostgreSQL's tsvector column and GIN indexes."""


def compared_with_models(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic's ``include_object``: the engines' own objects, which the models do not describe, are left out of
    comparing the database with the models; everything else is compared."""
    if not reflected or name is None:
        return True
    if type_ == "table":
        return not any(name == table or name.startswith(f"{table}_") for table in ENGINE_TABLES)
    if type_ == "column":
        return (obj.table.name, name) not in ENGINE_COLUMNS
    return not (type_ == "index" and name in ENGINE_INDEXES)
