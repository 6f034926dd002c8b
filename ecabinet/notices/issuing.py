"""Issuing a conclusion notice, and its document before and after.

The văn thư issues an approved notice; in one transaction it renders the PDF with the number the register would
give now, takes the register's next number and stamps it into the PDF (rendered again only when the two differ
in their count of digits), so the register stays locked for milliseconds. It freezes the PDF (its sha256 kept,
digitally signed when a certificate is configured), records the source text, turns the directives into tasks
and tells every recipient (in-app and by e-mail with the PDF attached). Anything failing rolls it all back, the
number included. An issued notice never changes again; a correcting notice that is
issued marks the one it corrects as superseded.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import User
from ecabinet.notices import document
from ecabinet.notices import operations as workflow
from ecabinet.notices.models import Notice, NoticeEventKind, NoticeStatus
from ecabinet.notices.tasks import from_notice
from ecabinet.core import storage
from ecabinet.core.clock import local_date, utcnow
from ecabinet.core.db import db, waiting_for_locks
from ecabinet.core.exceptions import DomainError
from ecabinet.documents import print_pdf, print_stampable, render_text, stamp_number
from ecabinet.notify import operations as notify
from ecabinet.notify.models import Notification
from ecabinet.registers import operations as registers
from ecabinet.signing.operations import sign_pdf

KIND_ISSUED = "notice.issued"


def pdf_filename(notice: Notice) -> str:
    return f"thong-bao-{(notice.number_symbol or 'du-thao').replace('/', '-')}.pdf"


def _claim(notice: Notice, actor: User, now: datetime) -> None:
    """Write to the notice first: its version check makes a second clerk issuing the same notice at once wait
    for the first and then fail (409) before taking a number."""
    notice.issued_at, notice.issued_by_id = now, actor.id
    try:
        with waiting_for_locks():
            db.session.flush()
    except StaleDataError:
        raise DomainError("notice_changed", _("Someone else has just issued or changed the notice; reload it."),
                          None, 409) from None


def _signed(pdf: bytes) -> tuple[bytes, bool]:
    signed = sign_pdf(pdf)
    return (signed, True) if signed else (pdf, False)


def issue_recipient_ids(notice: Notice) -> set[int]:
    """Who is told of the issued notice: persons listed, the liaisons of agencies listed, and the chair."""
    ids = {r.user_id for r in notice.recipients if r.user_id is not None}
    ids |= {u.id for u in accounts.liaisons_of([r.unit_id for r in notice.recipients if r.unit_id is not None])}
    return ids | {notice.meeting.chair_id}


def issue(notice: Notice, actor: User, now: datetime | None = None) -> list[Notification]:
    """Approved → issued, in the caller's one transaction: number, frozen PDF and text, tasks, notifications.
    Anything failing rolls it all back, the number included. Returns the notifications to push."""
    workflow.refuse_unless(notice, NoticeStatus.APPROVED)
    now = now or utcnow()
    _claim(notice, actor, now)
    issued_on = local_date(now)
    guess = document.notice_document(
        notice, number=registers.expected_number(notice.symbol, issued_on.year), issued_on=issued_on)
    printed = print_stampable(guess)
    # The register's row stays locked from here to the commit: no rendering, only the number stamped in.
    taken = registers.take_number(notice.symbol, issued_on.year, notice.summary, actor)
    final = document.with_number(guess, notice, taken.number)
    pdf, signed = _signed(stamp_number(printed, final.number_symbol) or print_pdf(final))
    notice.pdf_sha256 = storage.store_bytes(pdf)
    notice.digitally_signed, notice.source_text = signed, render_text(final)
    notice.number, notice.number_symbol, notice.register_number_id = taken.number, taken.number_symbol, taken.id
    notice.issued_on = issued_on
    workflow.move(notice, actor, NoticeStatus.ISSUED, NoticeEventKind.ISSUED, allowed_from=(NoticeStatus.APPROVED,))
    if notice.corrects is not None:
        notice.corrects.superseded_at = now
        workflow.record_event(notice.corrects, NoticeEventKind.SUPERSEDED, actor, notice.corrects.status,
                              f"Thay thế bởi Thông báo số {taken.number_symbol}", now)
    db.session.flush()
    from_notice(notice, issued_on)
    return notify.notify(f"notice:{notice.id}:issued", issue_recipient_ids(notice), notify.Message(
        kind=KIND_ISSUED, subject=f"Thông báo số {taken.number_symbol}: {notice.summary}",
        body=_("Conclusion notice no. %(number)s of %(day)s: %(summary)s. The PDF is attached.",
               number=taken.number_symbol, day=f"{issued_on:%d/%m/%Y}", summary=notice.summary),
        link=workflow.link(notice), attachment=notify.Attachment(pdf_filename(notice), "application/pdf", pdf)))


def stored_pdf(notice: Notice) -> bytes:
    """The issued PDF from the content store, checked against its recorded sha256 (``StorageError`` when it
    is missing or was altered)."""
    data = storage.read_bytes(notice.pdf_sha256)
    if hashlib.sha256(data).hexdigest() != notice.pdf_sha256:
        raise storage.StorageError(f"stored notice PDF {notice.pdf_sha256} does not match its hash")
    return data


def preview(notice: Notice) -> document.RenderedNotice:
    """The document as it stands: the frozen PDF and text once issued, else rendered now (no number)."""
    if notice.status == NoticeStatus.ISSUED:
        return document.RenderedNotice(pdf=stored_pdf(notice), text=notice.source_text or "")
    return document.render_notice(notice)


def preview_text(notice: Notice) -> str:
    if notice.status == NoticeStatus.ISSUED:
        return notice.source_text or ""
    return document.render_text(document.notice_document(notice))
