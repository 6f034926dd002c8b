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


class AuditQuery(Query):
    actor: Short | None = None
    action: Short | None = None
    entity_type: Short | None = None
    entity_id: Short | None = None
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=50, ge=1, le=500)


class AuditPageQuery(Query):
    """The audit page's filters: whole days in the province's zone, as a date input sends them."""

    actor: Short | None = None
    action: Short | None = None
    entity_type: Short | None = None
    entity_id: Short | None = None
    since: VnDate | None = None
    until: VnDate | None = None
    page: int = Field(default=1, ge=1, le=1_000_000)


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    total: int
    page: int
    per_page: int
