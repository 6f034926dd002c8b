"""Pages of conclusion notices: the list, and one notice with its preview, the draft's edit form, the workflow
buttons the policy allows, the reason forms, the history and the tasks made from it.

A refused form is shown again with the Vietnamese error next to the field (422) and nothing saved.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role
from ecabinet.conclusions import operations as conclusions
from ecabinet.notices import drafting
from ecabinet.notices import issuing
from ecabinet.notices import queries
from ecabinet.notices import operations as workflow
from ecabinet.notices.models import Notice, NoticeStatus
from ecabinet.notices.schemas import NoticeForm, NoticeQuery, ReasonForm
from ecabinet.notices.tasks import tasks_of_notice
from ecabinet.notices.views import can_be_sent_back
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.forms import page_filters, parse_form
from ecabinet.org import operations as org
from ecabinet.policy import Action, allowed, require
from ecabinet.registers import operations as registers
from ecabinet.tasks import sources as task_sources

bp = Blueprint("notices", __name__)


@bp.record_once
def _lend_notices(state: BlueprintSetupState) -> None:
    """The register and the task pages name the notice behind a number or a task, linking to this blueprint's
    page, and the conclusions lock once their notice leaves the draft, without importing notices (which depends
    on them)."""
    registers.install_notice_lookup(state.app, queries.notice_ids_by_register_number)
    task_sources.install_notice_check(state.app, queries.may_see_notice)
    conclusions.install_notice_finder(state.app, queries.latest_state)


PER_PAGE = 20
FORM_FIELDS = ("summary", "opening", "closing", "symbol", "signer_id", "signature_authority", "archive_mark",
               "unit_ids", "user_ids", "labels", "version")
STEPS = {
    "submit": (Action.EDIT_NOTICE, workflow.submit),
    "review": (Action.REVIEW_NOTICE, workflow.review),
    "approve": (Action.APPROVE_NOTICE, workflow.approve),
    "issue": (Action.ISSUE_NOTICE, issuing.issue),
}


def _done_messages() -> dict[str, str]:
    return {"submit": _("The notice has been submitted for review."),
            "review": _("The notice has been sent to the chair for approval."),
            "approve": _("The notice is approved; the records clerk can issue it."),
            "issue": _("The notice has been issued and sent to its recipients."),
            "reject": _("The notice has been returned to draft."),
            "not-needed": _("The notice is marked as not needed."),
            "reopen": _("The notice is a draft again.")}


def _load(notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None or not allowed(current_user, Action.VIEW_NOTICE, notice):
        abort(404)
    return notice


@bp.get("/notices/<int:notice_id>/read")
@login_required
def read(notice_id: int):
    """The notice in the app's PDF reader, as it will be issued (a draft is marked so and has no number): what
    the reviewer and the approver decide on. The PDF comes from the API, rendered in the offload worker."""
    return render_template("notices/reader.html", notice=_load(notice_id))


@bp.get("/notices")
@login_required
def list_page():
    query = page_filters(NoticeQuery, request.args)
    items, total = queries.visible_notices(current_user, status=query.status, meeting_id=query.meeting_id,
                                       page=query.page, per_page=PER_PAGE)
    return render_template("notices/list.html", notices=items, total=total, query=query, per_page=PER_PAGE)


# --- one notice --------------------------------------------------------------------------------

def _form_of(notice: Notice) -> MultiDict:
    """The edit form filled from the notice."""
    form = MultiDict({"version": str(notice.version), "summary": notice.summary, "opening": notice.opening,
                      "closing": notice.closing, "symbol": notice.symbol, "signer_id": str(notice.signer_id or ""),
                      "signature_authority": "\n".join(notice.signature_authority or ()),
                      "archive_mark": notice.archive_mark,
                      "labels": "\n".join(r.label for r in notice.recipients
                                           if r.unit_id is None and r.user_id is None)})
    for recipient in notice.recipients:
        if recipient.unit_id is not None:
            form.add("unit_ids", str(recipient.unit_id))
        if recipient.user_id is not None:
            form.add("user_ids", str(recipient.user_id))
    return form


def _people_choices(notice: Notice) -> list:
    """Persons who may receive or sign: the leaders, the office leaders, and anyone already listed."""
    people = {u.id: u for role in (Role.LEADER, Role.OFFICE_LEADER) for u in accounts.users_with_role(role)}
    people |= {r.user.id: r.user for r in notice.recipients if r.user is not None}
    return sorted(people.values(), key=lambda u: u.full_name)


def _page(notice: Notice, form: MultiDict | None = None, errors: dict[str, str] | None = None,
          reason_errors: dict[str, dict[str, str]] | None = None, status: int = 200):
    editable = notice.status == NoticeStatus.DRAFT and allowed(current_user, Action.EDIT_NOTICE, notice)
    return render_template(
        "notices/detail.html", notice=notice, editable=editable, form=form or _form_of(notice),
        errors=errors or {}, reason_errors=reason_errors or {}, fields=FORM_FIELDS,
        text=issuing.preview_text(notice), events=notice.events,
        tasks=tasks_of_notice(notice) if notice.status == NoticeStatus.ISSUED else [],
        units=org.unit_choices() if editable else [], people=_people_choices(notice) if editable else [],
        may_reject=can_be_sent_back(notice) and allowed(current_user, Action.REJECT_NOTICE, notice),
        corrections=queries.corrections_of(notice), status_names=workflow.STATUS_NAMES), status


@bp.get("/notices/<int:notice_id>")
@login_required
def detail(notice_id: int):
    return _page(_load(notice_id))


def _recipients(body: NoticeForm, notice: Notice) -> list[drafting.RecipientData]:
    """Persons first (their printed lines kept), then the label lines, then the agencies, as the Office lists
    them under "Nơi nhận"."""
    labels_of = {r.user_id: r.label for r in notice.recipients if r.user_id is not None}
    units_of = {r.unit_id: r.label for r in notice.recipients if r.unit_id is not None}
    lines = [drafting.RecipientData(user_id=uid, label=labels_of.get(uid, "")) for uid in body.user_ids]
    lines += [drafting.RecipientData(label=line.strip()) for line in body.labels.splitlines() if line.strip()]
    lines += [drafting.RecipientData(unit_id=uid, label=units_of.get(uid, "")) for uid in body.unit_ids]
    return lines


@bp.post("/notices/<int:notice_id>/edit")
@login_required
def edit(notice_id: int):
    notice = _load(notice_id)
    require(current_user, Action.EDIT_NOTICE, notice)
    body, errors = parse_form(NoticeForm, request.form, list_fields=("unit_ids", "user_ids"))
    if body is None:
        return _page(notice, request.form, errors, status=422)
    changes = {"summary": body.summary, "opening": body.opening, "closing": body.closing, "symbol": body.symbol,
               "signer_id": body.signer_id, "archive_mark": body.archive_mark,
               "signature_authority": [line.strip() for line in body.signature_authority.splitlines()
                                       if line.strip()]}
    try:
        drafting.update_notice(notice, current_user, body.version, changes, recipients=_recipients(body, notice))
    except DomainError as exc:
        db.session.rollback()
        field = exc.field if exc.field in FORM_FIELDS and exc.field != "version" else "__all__"
        return _page(db.session.get(Notice, notice_id), request.form, {field: exc.message}, status=exc.status)
    db.session.commit()
    flash(_("The draft notice has been saved."), "success")
    return redirect(url_for("notices.detail", notice_id=notice.id))


def _after(notice: Notice, done: str, target: Notice | None = None):
    db.session.commit()
    flash(_done_messages()[done], "success")
    return redirect(url_for("notices.detail", notice_id=(target or notice).id))


def _refused(notice_id: int, exc: DomainError):
    db.session.rollback()
    flash(exc.message, "danger")
    return redirect(url_for("notices.detail", notice_id=notice_id))


@bp.post("/notices/<int:notice_id>/<any(submit, review, approve, issue):step>")
@login_required
def workflow_step(notice_id: int, step: str):
    notice = _load(notice_id)
    action, operation = STEPS[step]
    require(current_user, action, notice)
    try:
        operation(notice, current_user)
    except DomainError as exc:
        return _refused(notice_id, exc)
    return _after(notice, step)


def _reason_form(notice: Notice, which: str) -> tuple[str | None, object]:
    body, errors = parse_form(ReasonForm, request.form)
    if body is None:
        return None, _page(notice, reason_errors={which: errors}, status=422)
    return body.reason, None


@bp.post("/notices/<int:notice_id>/reject")
@login_required
def reject(notice_id: int):
    notice = _load(notice_id)
    require(current_user, Action.REJECT_NOTICE, notice)
    reason, refused_page = _reason_form(notice, "reject")
    if reason is None:
        return refused_page
    try:
        workflow.reject(notice, current_user, reason)
    except DomainError as exc:
        return _refused(notice_id, exc)
    return _after(notice, "reject")


@bp.post("/notices/<int:notice_id>/not-needed")
@login_required
def not_needed(notice_id: int):
    notice = _load(notice_id)
    require(current_user, Action.EDIT_NOTICE, notice)
    reason, refused_page = _reason_form(notice, "not_needed")
    if reason is None:
        return refused_page
    try:
        workflow.mark_not_needed(notice, current_user, reason)
    except DomainError as exc:
        return _refused(notice_id, exc)
    return _after(notice, "not-needed")


@bp.post("/notices/<int:notice_id>/reopen")
@login_required
def reopen(notice_id: int):
    notice = _load(notice_id)
    require(current_user, Action.EDIT_NOTICE, notice)
    try:
        workflow.reopen(notice, current_user)
    except DomainError as exc:
        return _refused(notice_id, exc)
    return _after(notice, "reopen")


@bp.post("/notices/<int:notice_id>/correct")
@login_required
def correct(notice_id: int):
    notice = _load(notice_id)
    require(current_user, Action.EDIT_NOTICE, notice)
    try:
        draft = drafting.correct(notice, current_user)
    except DomainError as exc:
        return _refused(notice_id, exc)
    db.session.commit()
    flash(_("A correcting notice has been drafted; it supersedes this one once issued."), "success")
    return redirect(url_for("notices.detail", notice_id=draft.id))
