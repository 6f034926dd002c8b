"""What the search page and the API share: the query string read into the engine's ``SearchQuery``."""

from __future__ import annotations

from typing import Annotated, Self

from flask_babel import gettext as _
from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, model_validator

from ecabinet.core.exceptions import DomainError
from ecabinet.core.schemas import Id, Query, VnDate
from ecabinet.search.schemas import SearchKind, SearchQuery

MAX_PAGE = 1_000_000

BLANK = "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(map(chr, range(0x2000, 0x200B)))
"""What JSON Schema's ``\\s`` matches; Python's ``str.strip()`` would also take the separators ``\\x1c``–``\\x1f``
and ``\\x85``, so that text the document allows would be refused as blank."""


def _words(text: str) -> str:
    words = text.strip(BLANK)
    if not words:
        raise ValueError("type some words to find")
    return words


Words = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_words),
                  Field(description='Words to find, with or without diacritics; "…" for an exact phrase',
                        json_schema_extra={"pattern": r"^[^\x00]*[^\s\x00][^\x00]*$"})]
"""The search box: at most 200 characters as typed (so the document's bounds are exactly the server's), and not
blank."""


class SearchParams(SearchQuery, Query):
    """``SearchQuery`` as a query string: ``kind`` repeated for several kinds (``?kind=notice&kind=task``), dates
    also typed dd/mm/yyyy as on the page, ids and pages within what the database holds, no NUL characters."""

    model_config = ConfigDict(populate_by_name=True)

    q: Words
    kinds: list[SearchKind] = Field(default_factory=list, alias="kind", max_length=len(SearchKind),
                                    description="Only these kinds of hits (repeat the parameter); none: every kind")
    date_from: VnDate | None = Field(default=None, description="Hits dated on or after this day")
    date_to: VnDate | None = Field(default=None, description="Hits dated on or before this day")
    agency_id: Id | None = Field(default=None, description="Hits concerning this agency")
    leader_id: Id | None = Field(default=None, description="Hits concerning this leader")
    page: int = Field(default=1, ge=1, le=MAX_PAGE)

    @model_validator(mode="after")
    def _period_in_order(self) -> Self:
        """Replaces the engine's check: a reversed period is a rule the document cannot state, so it is refused
        with its own code rather than as a malformed query."""
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise DomainError("date_range_reversed", _("The start date must not be after the end date."), "date_to")
        return self
