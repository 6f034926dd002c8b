"""What every full-text engine offers.

A query reaches an engine as ``Match``es, one per ranking tier: every group must match, a group by any of its
phrases, a phrase by its folded tokens in a row. Both engines index ``folding.index_text`` of an entry's title and
body, so they agree on what a word is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

Phrase = tuple[str, ...]
Group = list[Phrase]
Match = list[Group]

FUZZY_CANDIDATES = 300
"""How many vocabulary words an engine offers for a misspelt word; the closest are kept (``query``)."""


class Engine(Protocol):
    def insert(self, session: Session, rows: list[dict[str, Any]], indexed: list[tuple[str, str]]) -> None:
        """Add entries (``search_entries``'s columns) and index them by ``index_text`` of their title and body
        (``indexed``, made once by the caller)."""

    def delete(self, session: Session, where: sa.ColumnElement[bool]) -> None:
        """Remove the entries ``where`` selects, and their indexing."""

    def clear(self, session: Session) -> None:
        """Remove every entry (a rebuild)."""

    def matching(self, match: Match) -> sa.ColumnElement[bool]:
        """``search_entries`` of whole sources that ``match`` (no score: scoring a common phrase's every match
        costs more than a search may)."""

    def first_matching(self, match: Match, filters: list[sa.ColumnElement[bool]], order: list[sa.ColumnElement],
                       limit: int) -> sa.Select:
        """The ids of the first ``limit`` entries, by ``order``, that ``matching(match)`` and ``filters`` select."""

    def best_pages(self, session: Session, materials: dict[int, int], tiers: list[Match]) -> dict[int, int]:
        """The page of each material (id: the first tier its whole text matches) that matches best: the first
        page of the best tier it matches."""

    def similar_terms(self, session: Session, term: str) -> list[str]:
        """Vocabulary words that may be ``term`` misspelt (the caller measures how close)."""


def tier_of(tiers: list[Match], matching: Callable[[Match], sa.ColumnElement[bool]]) -> sa.ColumnElement:
    """Which tier a row of the last tier's matches matched first."""
    if len(tiers) == 1:
        return sa.literal(0)
    return sa.case(*((matching(match), tier) for tier, match in enumerate(tiers[:-1])), else_=len(tiers) - 1)
