"""The document as plain text, in reading order: the editable source of what the PDF shows.

Each line here is printed in the PDF (where it may wrap onto several lines), so a test can
look every line up in the text extracted from the PDF. Tables become one line per row, the
cells separated by " | ", with the header row first.
"""

from __future__ import annotations

from ecabinet.documents.formatting import (
    DRAFT_MARK,
    MOTTO,
    NATIONAL_TITLE,
    RECIPIENTS_LABEL,
    SIGNED_PLACEHOLDER,
    format_place_date,
    nfc,
    summary_lines,
)
from ecabinet.documents.model import AdminDocument, Heading, Note, Paragraph, Signature, Table


def _one_line(text: str) -> str:
    return " ".join(nfc(text).split())


def _table_lines(table: Table) -> list[str]:
    lines = [" | ".join(_one_line(c.title) for c in table.columns)]
    lines.extend(" | ".join(_one_line(cell) for cell in row) for row in table.rows)
    return lines


def _signature_lines(sig: Signature) -> list[str]:
    lines = [_one_line(a).upper() for a in sig.authority]
    if sig.signed_placeholder:
        lines.append(SIGNED_PLACEHOLDER)
    lines.append(_one_line(sig.signer))
    return lines


def render_text(doc: AdminDocument) -> str:
    """Plain text of ``doc``: header, title, body, recipients and signature, one item a line."""
    out: list[str] = [DRAFT_MARK] if doc.draft else []
    if doc.issuing_parent.strip():
        out.append(_one_line(doc.issuing_parent).upper())
    out.append(_one_line(doc.issuing_body).upper())
    out.append(nfc(doc.number_symbol).strip())
    out += [NATIONAL_TITLE, MOTTO, format_place_date(doc.place, doc.issued_on)]
    out += [_one_line(mark).upper() for mark in (doc.confidentiality, doc.urgency) if mark]
    out += ["", _one_line(doc.doc_type).upper(), *summary_lines(doc.summary), ""]
    for block in doc.body:
        if isinstance(block, Table):
            out += _table_lines(block)
        elif isinstance(block, (Paragraph, Heading, Note)):
            out += [_one_line(part) for part in nfc(block.text).split("\n\n") if part.strip()]
    recipients = [RECIPIENTS_LABEL, *(_one_line(r) for r in doc.recipients)] if doc.recipients else []
    if doc.secondary_signature:  # both signatures side by side, the recipients under them
        out += ["", *_signature_lines(doc.secondary_signature), "", *_signature_lines(doc.signature)]
        out += ["", *recipients] if recipients else []
    else:  # the recipients at the left, the signature at the right
        out += ["", *recipients] if recipients else []
        out += ["", *_signature_lines(doc.signature)]
    tidy = [line for i, line in enumerate(out) if line or (i > 0 and out[i - 1])]  # one blank line at most
    return "\n".join(tidy) + "\n"
