"""JSON API of written opinion forms (phiếu lấy ý kiến)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app
from flask_login import current_user

from ecabinet.core.api import load_or_404, route
from ecabinet.core.db import db
from ecabinet.live.polls import operations as ops
from ecabinet.live.models import OpinionPoll
from ecabinet.live.polls.schemas import AnswerIn, PollCreate, PollOut, PollQuery, PollSummary
from ecabinet.policy import Action, require

bp = Blueprint("poll_api", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def load_poll(poll_id: int) -> OpinionPoll:
    """The poll, if the user may see it: someone not asked gets 403 (answering it, too), a missing poll 404."""
    poll = load_or_404(OpinionPoll, poll_id)
    require(current_user, Action.VIEW_POLL, poll)
    return poll


def _person(user) -> dict[str, Any]:
    return {"id": user.id, "username": user.username, "full_name": user.full_name}


def summary_row(poll: OpinionPoll) -> dict[str, Any]:
    mine = ops.answer_of(poll, current_user.id)
    return {"id": poll.id, "title": poll.title, "meeting_id": poll.meeting_id, "agenda_item_id": poll.agenda_item_id,
            "deadline_at": poll.deadline_at, "status": poll.status, "created_at": poll.created_at,
            "closed_at": poll.closed_at, "my_answer": mine.answer if mine else None}


def poll_row(poll: OpinionPoll) -> dict[str, Any]:
    result = ops.result_of(poll)
    people = ops.users_by_id(a.answered_by_id for a in result.answers)
    answers = [{"member": _person(a.user), "answer": a.answer, "text": a.text, "answered_at": a.answered_at,
                "answered_by": _person(people[a.answered_by_id])} for a in result.answers]
    return {**summary_row(poll), "question": poll.question, "created_by_id": poll.created_by_id,
            "reminded_at": poll.reminded_at, "members": [_person(m) for m in poll.recipients],
            "result": {"counts": result.counts, "answers": answers,
                       "not_answered": [_person(m) for m in result.not_answered]}}


@route(bp, "/opinion-polls", summary="The written opinion forms the caller may see", query=PollQuery,
       response=list[PollSummary])
def list_polls(query: PollQuery):
    """Newest first; ``my_answer`` is the caller's own answer."""
    return [summary_row(p) for p in ops.visible_polls(current_user, query.status, query.meeting_id)]


@route(bp, "/opinion-polls", method="POST", summary="Ask members for their written opinion", body=PollCreate,
       response=PollOut, status=201)
def create_poll(body: PollCreate):
    """For a meeting, the invited leaders and members who answered absent are asked besides ``member_ids``; each
    member asked is notified. A deadline in the past or an unknown member → 422."""
    require(current_user, Action.MANAGE_POLLS)
    poll = ops.create_poll(current_user, title=body.title, question=body.question, deadline_at=body.deadline_at,
                           member_ids=body.member_ids, meeting_id=body.meeting_id, agenda_item_id=body.agenda_item_id)
    db.session.commit()
    return poll_row(poll)


@route(bp, "/opinion-polls/<int:poll_id>", summary="A written opinion form with its result", response=PollOut)
def get_poll(poll_id: int):
    return poll_row(load_poll(poll_id))


@route(bp, "/opinion-polls/<int:poll_id>/answers", method="POST", summary="Answer a written opinion form",
       body=AnswerIn, response=PollOut)
def answer_poll(poll_id: int, body: AnswerIn):
    """A member asked answers (again, until the form closes); the Office enters a paper answer for
    ``for_user_id``. ``other`` needs a ``text``; a closed or cancelled form → 409."""
    poll = load_poll(poll_id)
    require(current_user, Action.ANSWER_POLL, poll)
    if body.for_user_id not in (None, current_user.id):
        require(current_user, Action.MANAGE_POLLS)
    ops.answer_poll(poll, current_user, body.answer, body.text, body.for_user_id)
    db.session.commit()
    return poll_row(poll)


@route(bp, "/opinion-polls/<int:poll_id>/close", method="POST", summary="Close a written opinion form",
       response=PollOut)
def close_poll(poll_id: int):
    """Its creator is told the result; a form already closed or cancelled → 409."""
    poll = load_poll(poll_id)
    require(current_user, Action.MANAGE_POLLS)
    ops.close_poll(poll)
    db.session.commit()
    return poll_row(poll)


@route(bp, "/opinion-polls/<int:poll_id>/cancel", method="POST", summary="Cancel a written opinion form",
       response=PollOut)
def cancel_poll(poll_id: int):
    """The members asked are told; a form already closed or cancelled → 409."""
    poll = load_poll(poll_id)
    require(current_user, Action.MANAGE_POLLS)
    ops.cancel_poll(poll)
    db.session.commit()
    return poll_row(poll)


@route(bp, "/opinion-polls/<int:poll_id>/export.xlsx", summary="The consolidated result as an Excel workbook")
def export_poll(poll_id: int):
    """Sheets "Tổng hợp" (the counts) and "Ý kiến" (one row per member), in the caller's language."""
    poll = load_poll(poll_id)
    response = current_app.response_class(ops.export_xlsx(poll), mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="phieu-lay-y-kien-{poll.id}.xlsx"'
    return response
