"""The editable Word rendering: python-docx opens it, and every line of the plain text is in it."""

from __future__ import annotations

import io

import pytest
from docx import Document

from ecabinet.documents import render_text
from ecabinet.documents.formatting import squash
from ecabinet.documents.word import render_docx
from tests.fixtures import samples


def _lines(data: bytes) -> str:
    """Every paragraph (those in table cells too) and every table row as the plain text writes it."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [p.text for cell in row.cells for p in cell.paragraphs]
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(squash(line) for line in lines)


@pytest.mark.parametrize("make", [samples.invitation, samples.weekly_schedule, samples.minutes,
                                  samples.conclusion_notice])
def test_every_line_of_the_text_is_in_the_word_file(make) -> None:
    doc = make()
    written = _lines(render_docx(doc, landscape=make is samples.weekly_schedule))
    missing = [line for line in render_text(doc).splitlines() if squash(line) and squash(line) not in written]
    assert missing == []


def test_a_landscape_draft_is_marked_and_wider_than_high() -> None:
    from dataclasses import replace

    data = render_docx(replace(samples.invitation(), draft=True), landscape=True)
    section = Document(io.BytesIO(data)).sections[0]
    assert section.page_width > section.page_height
    assert _lines(data).startswith("DỰ THẢO")
