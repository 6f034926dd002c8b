"""Pages of written opinion forms (phiếu lấy ý kiến): the list, the Office's form, a form with its answers."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ecabinet.accounts import operations as accounts
from ecabinet.core.clock import local_moment, utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.forms import page_filters, parse_form
from ecabinet.live.polls import operations as ops
from ecabinet.live.models import OpinionPoll
from ecabinet.live.polls.schemas import AnswerForm, PollForm, PollQuery
from ecabinet.meetings import operations as meetings
from ecabinet.meetings.models import Meeting, MeetingStatus
from ecabinet.policy import Action, allowed, meeting_visibility, require

bp = Blueprint("poll_pages", __name__)

FORM_FIELDS = ("title", "question", "deadline_date", "deadline_time", "member_ids", "meeting_id")
ANSWER_FIELDS = ("answer", "text", "for_user_id")


def _load(poll_id: int) -> OpinionPoll:
    poll = db.session.get(OpinionPoll, poll_id)
    if poll is None:
        abort(404)
    require(current_user, Action.VIEW_POLL, poll)
    return poll


def _field(name: str | None, fields: tuple[str, ...]) -> str:
    name = {"deadline_at": "deadline_date"}.get(name or "", name or "")
    return name if name in fields else "__all__"


@bp.get("/opinion-polls")
@login_required
def list_page():
    query = page_filters(PollQuery, request.args)
    return render_template("live/polls.html", polls=ops.visible_polls(current_user, query.status, query.meeting_id),
                           query=query, answer_of=ops.answer_of)


# --- the Office's form -----------------------------------------------------------------------

def _form_page(form: MultiDict, errors: dict[str, str] | None = None, status: int = 200):
    since = utcnow() - timedelta(days=30)
    open_statuses = (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED, MeetingStatus.IN_PROGRESS, MeetingStatus.ENDED)
    meeting_choices = meetings.list_meetings(meetings.MeetingFilter(starts_from=since, statuses=open_statuses),
                                             visible=meeting_visibility(current_user))
    users, _total = accounts.list_users(active=True, per_page=1000)
    return render_template("live/poll_form.html", form=form, errors=errors or {}, meetings=meeting_choices,
                           users=sorted(users, key=lambda u: u.full_name), fields=FORM_FIELDS), status


@bp.get("/opinion-polls/new")
@login_required
def new_form():
    require(current_user, Action.MANAGE_POLLS)
    tomorrow = (utcnow() + timedelta(days=2)).strftime("%d/%m/%Y")
    return _form_page(MultiDict({"deadline_date": tomorrow, "deadline_time": "17:00",
                                 "meeting_id": request.args.get("meeting_id", "")}))


def _read_poll_form() -> tuple[PollForm | None, dict[str, str]]:
    body, errors = parse_form(PollForm, request.form, list_fields=("member_ids",))
    if "deadline_date" in errors and request.form.get("deadline_date"):
        errors["deadline_date"] = _("Enter the date as dd/mm/yyyy, e.g. 30/11/2026.")
    if "deadline_time" in errors and request.form.get("deadline_time"):
        errors["deadline_time"] = _("Enter the time as HH:MM, e.g. 08:00.")
    if body is not None and body.meeting_id is not None and not allowed(
            current_user, Action.VIEW_MEETING, db.session.get(Meeting, body.meeting_id)):
        errors["meeting_id"] = _("This meeting does not exist.")
    return (body, {}) if not errors else (None, errors)


@bp.post("/opinion-polls/new")
@login_required
def create():
    """Refused with the form again (422) and nothing saved."""
    require(current_user, Action.MANAGE_POLLS)
    body, errors = _read_poll_form()
    if body is None:
        return _form_page(request.form, errors, 422)
    try:
        poll = ops.create_poll(
            current_user, title=body.title, question=body.question, member_ids=body.member_ids,
            deadline_at=local_moment(body.deadline_date, body.deadline_time), meeting_id=body.meeting_id)
    except DomainError as exc:
        db.session.rollback()
        return _form_page(request.form, {_field(exc.field, FORM_FIELDS): exc.message}, 422)
    db.session.commit()
    flash(_("The opinion form is sent to %(n)s members.", n=len(poll.recipients)), "success")
    return redirect(url_for("poll_pages.detail", poll_id=poll.id))


# --- one form --------------------------------------------------------------------------------

def _detail_page(poll: OpinionPoll, form: MultiDict | None = None, errors: dict[str, str] | None = None,
                 status: int = 200):
    mine = ops.answer_of(poll, current_user.id)
    if form is None:
        form = MultiDict({"answer": mine.answer.value, "text": mine.text} if mine else {})
    may_manage = allowed(current_user, Action.MANAGE_POLLS)
    return render_template(
        "live/poll.html", poll=poll, mine=mine, form=form, errors=errors or {}, may_manage=may_manage,
        asked=any(m.id == current_user.id for m in poll.recipients), is_open=ops.is_open(poll),
        result=ops.result_of(poll) if may_manage else None,
        entered_by=ops.users_by_id(a.answered_by_id for a in poll.answers) if may_manage else {},
        meeting=db.session.get(Meeting, poll.meeting_id) if poll.meeting_id else None), status


@bp.get("/opinion-polls/<int:poll_id>")
@login_required
def detail(poll_id: int):
    return _detail_page(_load(poll_id))


@bp.post("/opinion-polls/<int:poll_id>/answers")
@login_required
def answer(poll_id: int):
    """A member's own answer, or (the Office) a paper answer for ``for_user_id``; 422 with the form again."""
    poll = _load(poll_id)
    require(current_user, Action.ANSWER_POLL, poll)
    body, errors = parse_form(AnswerForm, request.form)
    if body is None:
        return _detail_page(poll, request.form, errors, 422)
    if body.for_user_id not in (None, current_user.id):
        require(current_user, Action.MANAGE_POLLS)
    try:
        ops.answer_poll(poll, current_user, body.answer, body.text, body.for_user_id)
    except DomainError as exc:
        db.session.rollback()
        return _detail_page(poll, request.form, {_field(exc.field, ANSWER_FIELDS): exc.message},
                            exc.status)
    db.session.commit()
    flash(_("The opinion is recorded."), "success")
    return redirect(url_for("poll_pages.detail", poll_id=poll.id))


@bp.post("/opinion-polls/<int:poll_id>/<any(close, cancel):action>")
@login_required
def close_or_cancel(poll_id: int, action: str):
    poll = _load(poll_id)
    require(current_user, Action.MANAGE_POLLS)
    try:
        (ops.close_poll if action == "close" else ops.cancel_poll)(poll)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_("The opinion form is closed.") if action == "close" else _("The opinion form is cancelled."),
              "success")
    return redirect(url_for("poll_pages.detail", poll_id=poll.id))
