"""Shapes of audit events on the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from ecabinet.core.schemas import Query, VnDate

Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    occurred_at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    entity_type: str | None
    entity_id: str | None
    summary: str
    changes: dict[str, Any] | None
    ip_address: str | None


class _AuditFilters(Query):
    actor: Short | None = None
    action: Short | None = None
    entity_type: Short | None = None
    entity_id: Short | None = None
    page: int = Field(default=1, ge=1, le=1_000_000)


class AuditQuery(_AuditFilters):
    """The API's filters: exact instants (with a zone)."""

    since: AwareDatetime | None = None
    until: AwareDatetime | None = None
    per_page: int = Field(default=50, ge=1, le=500)


class AuditPageQuery(_AuditFilters):
    """The page's filters: whole days, typed dd/mm/yyyy, in the province's zone."""

    since: VnDate | None = None
    until: VnDate | None = None


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    total: int
    page: int
    per_page: int
