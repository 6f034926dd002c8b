"""What every full-text engine offers.

A query reaches an engine as ``Match``es, one per ranking tier: every group must match, a group by any of its
phrases, a phrase by its folded tokens in a row. Both engines index ``folding.index_text`` of an entry's title and
body, so they agree on what a word is.
"""

from __future__ import annotations

from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

Phrase = tuple[str, ...]
Group = list[Phrase]
Match = list[Group]

FUZZY_CANDIDATES = 300
"""How many vocabulary words an engine offers for a misspelt word; the closest are kept (``query``)."""


class Engine(Protocol):
    def insert(self, session: Session, rows: list[dict[str, Any]]) -> None:
        """Add entries (``search_entries``'s columns) and index them."""

    def delete(self, session: Session, where: sa.ColumnElement[bool]) -> None:
        """Remove the entries ``where`` selects, and their indexing."""

    def clear(self, session: Session) -> None:
        """Remove every entry (a rebuild)."""

    def matches(self, tiers: list[Match]) -> sa.Subquery:
        """The entries matching any tier: ``entry_id``, ``tier`` (the first it matches) and ``score`` (lower is
        better)."""

    def similar_terms(self, session: Session, term: str) -> list[str]:
        """Vocabulary words that may be ``term`` misspelt (the caller measures how close)."""


def best_per_entry(selects: list[sa.Select]) -> sa.Subquery:
    """One row per entry from the tiers' selects: its first tier and best score."""
    matched = sa.union_all(*selects).subquery("matched")
    return (sa.select(matched.c.entry_id, sa.func.min(matched.c.tier).label("tier"),
                      sa.func.min(matched.c.score).label("score"))
            .group_by(matched.c.entry_id).subquery("matches"))
