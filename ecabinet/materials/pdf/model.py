"""What goes into and comes out of the PDF functions: plain data, which the server builds and reads without
importing the PDF libraries."""

from __future__ import annotations

from dataclasses import dataclass, field


class PageTexts(list):
    """``list[str]``, one string per page, with ``failed``: the 0-based pages that could not be
    read (their string is empty)."""

    failed: list[int]


@dataclass(frozen=True)
class PackMaterial:
    title: str
    data: bytes


@dataclass(frozen=True)
class PackItem:
    title: str
    materials: list[PackMaterial] = field(default_factory=list)


@dataclass(frozen=True)
class Pack:
    data: bytes
    pages: int
    item_pages: list[int]  # 1-based page where each item starts (its first material)
    material_pages: list[list[int]]  # 1-based page where each material starts, per item


@dataclass(frozen=True)
class RecognisedPage:
    index: int
    """From 0."""
    text: str
    layer: bytes
    """The page as a one-page PDF of the recognised words in invisible type, at their places."""
