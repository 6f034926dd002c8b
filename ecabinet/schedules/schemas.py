"""Shapes of the weekly schedule and of calendar feeds on the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ecabinet.core.schemas import Id, Strict
from ecabinet.schedules.models import ScheduleStatus


class EntryOut(BaseModel):
    meeting_id: int
    starts_at: datetime
    ends_at: datetime
    title: str
    place: str
    chair: str
    leaders: list[str]
    status: str
    confidential: bool
    change: str | None = Field(description="new, changed or removed since publication; null when unchanged")


class ScheduleOut(BaseModel):
    week_start: date
    status: ScheduleStatus
    version: int
    note: str
    approved_at: datetime | None
    published_at: datetime | None
    publication_due_at: datetime
    entries: list[EntryOut]


class Approval(Strict):
    version: int = Field(ge=1)
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class FeedCreate(Strict):
    leader_id: Id | None = None
    """A leader's schedule; leave out for one's own meetings."""


class FeedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    leader_id: int | None
    created_at: datetime
    last_used_at: datetime | None


class FeedCreated(FeedOut):
    url: str = Field(description="The private iCalendar URL: shown only now; revoke the feed if it leaks")
