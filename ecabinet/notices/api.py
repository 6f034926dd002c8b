"""JSON API of conclusion notices: the list, one notice, its edit, its workflow, its PDF and text.

A notice the caller may not see (``VIEW_NOTICE``) is answered 404 like a missing one; the policy decides who
may act (403), the operation whether the notice's state allows it (409).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, current_app
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.notices import drafting
from ecabinet.notices import issuing
from ecabinet.notices import queries
from ecabinet.notices import operations as workflow
from ecabinet.notices.models import Notice, NoticeStatus
from ecabinet.notices.schemas import (MeetingNoticeOut, NoticeOut, NoticePage, NoticeQuery, NoticeUpdate,
                                                 ReasonIn)
from ecabinet.notices.tasks import tasks_of_notice
from ecabinet.core.api import ApiError, load_or_404, not_found, route
from ecabinet.core.db import db
from ecabinet.core.storage import StorageError
from ecabinet.meetings.models import Meeting
from ecabinet.policy import Action, allowed, require

bp = Blueprint("notices_api", __name__)
log = logging.getLogger("ecabinet.notices")

PER_PAGE = 20
EMPTY: dict[str, Any] = {"opening": "", "closing": "", "archive_mark": "", "signature_authority": [],
                         "signer_id": None}


def load_notice(notice_id: int) -> Notice:
    return load_or_404(Notice, notice_id, lambda notice: allowed(current_user, Action.VIEW_NOTICE, notice))


def notice_row(notice: Notice) -> dict[str, Any]:
    row = {name: getattr(notice, name) for name in NoticeOut.model_fields if name != "tasks"}
    row["tasks"] = tasks_of_notice(notice) if notice.status == NoticeStatus.ISSUED else []
    return row


def pdf_bytes(notice: Notice) -> bytes:
    """The issued PDF (checked against its sha256: a mismatch is logged and answered 500), or the draft
    rendered now."""
    try:
        return issuing.preview(notice).pdf
    except StorageError:
        log.exception("issued notice %s: stored PDF missing or altered", notice.id)
        raise ApiError(500, "pdf_integrity", _("An internal error occurred; it has been logged.")) from None


def pdf_response(notice: Notice):
    response = current_app.response_class(pdf_bytes(notice), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{issuing.pdf_filename(notice)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def text_response(notice: Notice):
    response = current_app.response_class(issuing.preview_text(notice), mimetype="text/plain")
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@route(bp, "/notices", summary="The conclusion notices the caller may see", query=NoticeQuery, response=NoticePage)
def list_notices(query: NoticeQuery):
    """Newest first, 20 a page. The Office sees every notice; others the issued ones they receive or whose
    meeting they may see, and the unissued ones of meetings they chair or are secretary of."""
    items, total = queries.visible_notices(current_user, status=query.status, meeting_id=query.meeting_id,
                                       page=query.page, per_page=PER_PAGE)
    return {"items": items, "total": total, "page": query.page, "per_page": PER_PAGE}


@route(bp, "/notices/<int:notice_id>", summary="A conclusion notice", response=NoticeOut)
def get_notice(notice_id: int):
    """The document's fields, status, recipients, history, and the tasks made from it once issued."""
    return notice_row(load_notice(notice_id))


@route(bp, "/meetings/<int:meeting_id>/notice", summary="The meeting's (original) conclusion notice",
       response=MeetingNoticeOut)
def meeting_notice(meeting_id: int):
    """404 when the meeting has none yet (it is drafted when the meeting ends) or the caller may not see it."""
    load_or_404(Meeting, meeting_id, lambda meeting: allowed(current_user, Action.VIEW_MEETING, meeting))
    notice = queries.original_of(meeting_id)
    if notice is None or not allowed(current_user, Action.VIEW_NOTICE, notice):
        raise not_found()
    return {"id": notice.id, "status": notice.status}


@route(bp, "/notices/<int:notice_id>", method="PUT", summary="Change a draft notice", body=NoticeUpdate,
       response=NoticeOut)
def update_notice(notice_id: int, body: NoticeUpdate):
    """Only a draft: issued → 409 ``notice_issued`` (correct it instead), in the workflow → 409
    ``notice_in_workflow``; an older ``version`` → 409 ``edit_conflict``."""
    notice = load_notice(notice_id)
    require(current_user, Action.EDIT_NOTICE, notice)
    changes = _changes(body)
    recipients = None
    if body.recipients is not None:
        recipients = [drafting.RecipientData(r.unit_id, r.user_id, r.label) for r in body.recipients]
    drafting.update_notice(notice, current_user, body.version, changes, recipients=recipients)
    db.session.commit()
    return notice_row(notice)


def _changes(body: NoticeUpdate) -> dict[str, Any]:
    """The fields sent: ``null`` empties a text (or removes the signer); summary and symbol cannot be emptied."""
    changes = {}
    for name in body.model_fields_set - {"version", "recipients"}:
        value = getattr(body, name)
        if value is None and name in ("summary", "symbol"):
            raise ApiError(422, "validation_error", _("Some fields are missing or invalid."),
                           [{"field": name, "type": "missing", "message": "required"}])
        changes[name] = EMPTY.get(name) if value is None else value
    return changes


def _step(notice_id: int, action: Action, operation, *args) -> dict[str, Any]:
    notice = load_notice(notice_id)
    require(current_user, action, notice)
    operation(notice, current_user, *args)
    db.session.commit()
    return notice_row(notice)


@route(bp, "/notices/<int:notice_id>/submit", method="POST", summary="Submit a draft for review",
       response=NoticeOut)
def submit(notice_id: int):
    """Draft → in review; the agencies given directives are added to the recipients; the office leaders are
    told. No conclusion with text and no directive → 422 ``no_conclusions``."""
    return _step(notice_id, Action.EDIT_NOTICE, workflow.submit)


@route(bp, "/notices/<int:notice_id>/review", method="POST", summary="Pass the review", response=NoticeOut)
def review(notice_id: int):
    """In review → awaiting the chair's approval (an office leader)."""
    return _step(notice_id, Action.REVIEW_NOTICE, workflow.review)


@route(bp, "/notices/<int:notice_id>/approve", method="POST", summary="Approve the notice", response=NoticeOut)
def approve(notice_id: int):
    """Awaiting approval → approved (the leader who chaired the meeting)."""
    return _step(notice_id, Action.APPROVE_NOTICE, workflow.approve)


@route(bp, "/notices/<int:notice_id>/reject", method="POST", summary="Return the notice to draft", body=ReasonIn,
       response=NoticeOut)
def reject(notice_id: int, body: ReasonIn):
    """From review (office leader), approval (the chair) or issue (văn thư) back to draft, with the reason."""
    notice = load_notice(notice_id)
    require(current_user, Action.REJECT_NOTICE, notice)
    workflow.reject(notice, current_user, body.reason)
    db.session.commit()
    return notice_row(notice)


@route(bp, "/notices/<int:notice_id>/issue", method="POST", summary="Issue the notice", response=NoticeOut)
def issue(notice_id: int):
    """Approved → issued, in one transaction: the register's next number, the frozen PDF, the tasks from the
    directives, and the notice sent to every recipient (in-app, and by e-mail with the PDF)."""
    return _step(notice_id, Action.ISSUE_NOTICE, issuing.issue)


@route(bp, "/notices/<int:notice_id>/not-needed", method="POST", summary="Mark the notice as not needed",
       body=ReasonIn, response=NoticeOut)
def not_needed(notice_id: int, body: ReasonIn):
    """A draft the meeting does not need (no reminders any more), with the reason."""
    notice = load_notice(notice_id)
    require(current_user, Action.EDIT_NOTICE, notice)
    workflow.mark_not_needed(notice, current_user, body.reason)
    db.session.commit()
    return notice_row(notice)


@route(bp, "/notices/<int:notice_id>/reopen", method="POST", summary="Reopen a notice marked not needed",
       response=NoticeOut)
def reopen(notice_id: int):
    notice = load_notice(notice_id)
    require(current_user, Action.EDIT_NOTICE, notice)
    workflow.reopen(notice, current_user)
    db.session.commit()
    return notice_row(notice)


@route(bp, "/notices/<int:notice_id>/correct", method="POST", summary="Start a correcting notice",
       response=NoticeOut, status=201)
def correct(notice_id: int):
    """A new draft that will supersede this issued notice once issued."""
    notice = load_notice(notice_id)
    require(current_user, Action.EDIT_NOTICE, notice)
    draft = drafting.correct(notice, current_user)
    db.session.commit()
    return notice_row(draft)


@route(bp, "/notices/<int:notice_id>.pdf", summary="The notice as PDF")
def notice_pdf(notice_id: int):
    """Issued: the frozen PDF, checked against its sha256. Unissued: rendered now, without a number."""
    return pdf_response(load_notice(notice_id))


@route(bp, "/notices/<int:notice_id>.txt", summary="The notice's editable source as text")
def notice_text(notice_id: int):
    return text_response(load_notice(notice_id))
