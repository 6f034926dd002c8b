"""Shapes of the offline briefcase on the API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from ecabinet.core.schemas import Id, Strict

PublicId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=64)]
Key = Annotated[str, StringConstraints(max_length=64)]


class CachedItem(Strict):
    """A file the device holds: a material's version, or the meeting's pack (``material_id`` null)."""

    meeting_id: Id
    material_id: Id | None = None
    key: Key


class DeviceIn(Strict):
    device_id: PublicId = Field(description="A random id the browser made and keeps")


class SyncBody(Strict):
    device_id: PublicId
    cached: list[CachedItem] = Field(default_factory=list, max_length=2000)


class DeviceOut(BaseModel):
    device_id: str
    name: str


class KeyOut(BaseModel):
    key: str = Field(description="The AES-256 key of this sign-in session, base64: it ends with the session")


class FileOut(BaseModel):
    meeting_id: int
    material_id: int | None
    key: str
    size: int | None
    page_count: int | None
    file_url: str
    page_url: str | None = Field(description="The reader page, for a material")
    notes_url: str | None


class SyncOut(BaseModel):
    wipe: bool = Field(description="True when the device was revoked: it deletes everything it holds")
    meeting_ids: list[int] = Field(default_factory=list, description="The meetings it may keep")
    files: list[FileOut] = Field(default_factory=list, description="Every file it may keep")
    to_wipe: list[CachedItem] = Field(default_factory=list, description="Of what it holds, what it deletes now")


class DeviceName(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
