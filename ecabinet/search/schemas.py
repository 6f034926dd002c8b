"""What a search asks and what it answers, for the API and the search page alike."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, Field, StringConstraints, model_validator

from ecabinet.search.models import SearchKind

__all__ = ["SearchHit", "SearchKind", "SearchQuery", "SearchResults"]

QueryText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class SearchQuery(BaseModel):
    q: QueryText = Field(description="Words to find, without diacritics if you like; \"…\" for an exact phrase")
    kinds: list[SearchKind] = Field(default_factory=list, description="Only these kinds; none: every kind")
    date_from: date | None = None
    date_to: date | None = None
    agency_id: int | None = None
    leader_id: int | None = None
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=20, ge=1, le=50)

    @model_validator(mode="after")
    def _period_in_order(self) -> Self:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from must not be after date_to")
        return self


class SearchHit(BaseModel):
    kind: SearchKind
    id: int = Field(description="The id of the meeting, material, task… found")
    title: str
    snippet: str = Field(description="Safe HTML: the text escaped, the matching words in <mark>")
    url: str = Field(description="The page that shows it (a material: the reader at the matching page)")
    date: date | None
    page: int | None = Field(description="A material's matching page")
    meeting_title: str | None


class SearchResults(BaseModel):
    query: SearchQuery
    hits: list[SearchHit]
    counts: dict[SearchKind, int] = Field(description="Matches per kind, whatever kinds were asked")
    total: int = Field(description="Matches of the kinds asked")
