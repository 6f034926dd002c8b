"""Shapes of agenda items and materials on the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ecabinet.accounts.schemas import PersonRef
from ecabinet.core.schemas import CodedRef, Id, Input, Strict, Text255
from ecabinet.materials.models import (Confidentiality, DocType, ItemStatus, OcrStatus, PackStatus, Purpose,
                                       TextStatus)

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Opinion = Annotated[str, StringConstraints(max_length=20_000)]


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    position: int
    title: str
    presenting_unit: CodedRef | None
    presenter: str
    planned_minutes: int
    purpose: Purpose
    review_opinion: str
    status: ItemStatus


class ItemCreate(Strict):
    title: Title
    presenting_unit_id: Id | None = None
    presenter: Text255 = ""
    planned_minutes: int = Field(default=30, ge=1, le=600)
    purpose: Purpose = Purpose.OPINION
    review_opinion: Opinion = ""


class ItemUpdate(Strict):
    title: Title | None = None
    presenting_unit_id: Id | None = None
    presenter: Text255 | None = None
    planned_minutes: int | None = Field(default=None, ge=1, le=600)
    purpose: Purpose | None = None
    review_opinion: Opinion | None = None
    status: ItemStatus | None = None


class ItemOrder(Strict):
    item_ids: list[Id] = Field(min_length=1, max_length=500)


class SignatureOut(BaseModel):
    """A digital signature found in the file (revocation is not checked)."""

    field: str | None
    signer: str | None = Field(description="Common name of the signer's certificate")
    organisation: str | None
    issuer: str | None
    signing_time: datetime | None = Field(description="As the signer states it")
    intact: bool = Field(description="The signed bytes are unchanged")
    valid: bool = Field(description="The signature is cryptographically valid")
    trusted: bool = Field(description="The certificate chains to a configured trusted authority")
    covers_whole_document: bool
    code: str = Field(description="valid_trusted, valid_untrusted, invalid or error")
    label: str = Field(description="The result in Vietnamese")


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    number: int
    size: int
    page_count: int
    filename: str
    sha256: str
    uploaded_at: datetime
    uploaded_by: PersonRef
    text_status: TextStatus
    """pending until the background job has read the text; failed keeps the file as it is."""
    signatures: list[SignatureOut] | None = Field(description="Checked in the background with the text: null "
                                                              "until then, [] for an unsigned file")
    ocr_status: OcrStatus = Field(description="OCR of the pages without a text layer (a scan): none when every "
                                              "page has text; pending, running, then done or failed")
    ocr_pages_done: int = Field(description="Pages recognised so far")
    ocr_pages_total: int = Field(description="Pages found without text, which OCR reads")
    ocr_at: datetime | None = Field(description="When the OCR finished")


class MaterialOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    agenda_item_id: int | None
    title: str
    doc_type: DocType
    confidentiality: Confidentiality
    versions: list[VersionOut]
    readers: list[PersonRef] = Field(description="Confidential only: who may read it")
    updated: bool = Field(description="Replaced since its first version")
    published: bool = Field(description="Published to the participants; before that only the secretariat and "
                                        "the submitting agency see it")


class MaterialForm(Input):
    """The fields sent with the file (multipart/form-data)."""

    title: Title
    doc_type: DocType = DocType.OTHER
    confidentiality: Confidentiality = Confidentiality.NORMAL
    agenda_item_id: Id | None = None
    reader_ids: Annotated[str, StringConstraints(max_length=2000, pattern=r"^[0-9, ]*$")] | None = None
    """Confidential only: comma-separated user ids; by default the chair, secretary and invited leaders."""

    def reader_id_list(self) -> list[int] | None:
        if self.confidentiality != Confidentiality.CONFIDENTIAL or not self.reader_ids:
            return None
        ids = [int(i) for i in self.reader_ids.replace(" ", "").split(",") if i]
        return ids or None


class PaperMaterial(Strict):
    """A paper-only material: listed on the agenda, no file stored."""

    title: Title
    doc_type: DocType = DocType.OTHER
    agenda_item_id: Id | None = None


class VersionForm(Input):
    """Nothing but the file: a new version of the material."""


class ReadersBody(Strict):
    """Who may read a confidential material (nobody else learns it exists)."""

    reader_ids: list[Id] = Field(min_length=1, max_length=500)


class PublishBody(Strict):
    note: Opinion = ""


class PublicationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    meeting_id: int
    created_at: datetime
    note: str
    material_ids: list[int]


class PackOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    status: PackStatus
    progress: int
    total: int
    page_count: int | None
    error: str | None
    ready: bool
    download_url: str


class ReadCell(BaseModel):
    material_id: int
    state: str = Field(description="read, old_version (opened before the last update) or unread")
    first_read_at: datetime | None
    last_read_at: datetime | None


class ReaderRow(BaseModel):
    user: PersonRef
    not_read: int
    materials: list[ReadCell]


class ReadReportOut(BaseModel):
    materials: list[int]
    people: list[ReaderRow]
