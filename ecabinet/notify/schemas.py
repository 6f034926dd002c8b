"""Shapes of notifications and preferences on the API (and the preferences form)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints

from ecabinet.core.schemas import Query, Strict
from ecabinet.notify.models import DeliveryStatus
from ecabinet.notify.operations import MAX_KIND, PREFERENCE_KIND_RE
from ecabinet.notify.outbox import Health, OutboxRow, OutboxView

PreferenceKind = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_KIND,
                                                  pattern=PREFERENCE_KIND_RE.pattern)]
"""``*`` (every kind), a family such as ``meeting.*``, or one kind such as ``meeting.rescheduled``."""


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    subject: str
    body: str
    link: str | None
    created_at: datetime
    read_at: datetime | None


class NotificationQuery(Query):
    unread_only: bool = False
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=20, ge=1, le=100)


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    total: int
    page: int
    per_page: int
    unread_count: int


class ReadAllResult(BaseModel):
    marked: int
    """How many notifications were unread and are now read."""
    unread_count: int


class PreferenceIn(Strict):
    kind: PreferenceKind
    in_app: bool
    email: bool


class PreferenceList(RootModel[list[PreferenceIn]]):
    """All of one's preferences at once: kinds not listed follow ``*`` (both channels on when absent)."""

    root: list[PreferenceIn] = Field(max_length=100)


class PreferenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    kind: str
    in_app: bool
    email: bool


class OutboxQuery(Query):
    view: OutboxView = OutboxView.WAITING
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=100)


class OutboxPage(BaseModel):
    counts: Health
    view: OutboxView
    items: list[OutboxRow]
    total: int
    page: int
    per_page: int


class OutboxMoved(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    status: DeliveryStatus
