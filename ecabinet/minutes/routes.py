"""Pages of the minutes (biên bản): the facts from the live room, one autosaved text per section
(``static/js/minutes.js`` talks to the JSON API), the revisions, the sign-off and the PDF."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.forms import parse_form
from ecabinet.meetings.loaders import load_meeting
from ecabinet.minutes import document, views
from ecabinet.minutes import content
from ecabinet.minutes import operations as ops
from ecabinet.minutes.models import Minutes, MinutesStatus
from ecabinet.minutes.schemas import ReturnForm, SignForm
from ecabinet.policy import Action, require

bp = Blueprint("minutes", __name__)


def labels() -> dict[str, str]:
    """Texts the script shows, translated here; ``{time}``-style fields are filled in by the script."""
    return {
        "saving": _("Saving…"), "saved": _("Saved at %(time)s", time="{time}"),
        "unsaved": _("Not saved yet"), "retrying": _("Not saved (connection problem); retrying…"),
        "refused": _("Not saved: %(reason)s", reason="{reason}"),
        "conflict": _("%(name)s saved this section meanwhile (revision %(revision)s).", name="{name}",
                      revision="{revision}"),
        "someone": _("Someone else"), "restore": _("Restore this version"), "restored": _("Version restored."),
        "no_revisions": _("No saved versions yet."), "revision": _("Version %(n)s", n="{n}"),
        "load_failed": _("Could not load the versions."),
    }


def _minutes_page(meeting_id: int) -> tuple[Minutes, object]:
    meeting = load_meeting(meeting_id)
    require(current_user, Action.VIEW_MINUTES, meeting)
    return ops.minutes_of(meeting, current_user), meeting


def _render(minutes: Minutes, errors: dict[str, str] | None = None, status: int = 200):
    meeting = minutes.meeting
    may = views.permissions(current_user, meeting)
    facts = content.facts(meeting)
    return render_template(
        "minutes/minutes.html", minutes=minutes, meeting=meeting, facts=facts, may=may, labels=labels(),
        editable=may["edit"] and minutes.status == MinutesStatus.DRAFT, errors=errors or {},
        item_facts={entry.item_id: entry for entry in facts.items}, is_opening=content.is_opening,
        vote_line=document.vote_line, present_line=document.present_line, absent_line=document.absent_line), status


@bp.get("/meetings/<int:meeting_id>/minutes")
@login_required
def minutes_page(meeting_id: int):
    minutes, _meeting = _minutes_page(meeting_id)
    db.session.commit()
    return _render(minutes)


@bp.post("/meetings/<int:meeting_id>/minutes/sign")
@login_required
def sign(meeting_id: int):
    minutes, _meeting = _minutes_page(meeting_id)
    body, errors = parse_form(SignForm, request.form)
    if body is None:
        flash(_("Choose how you sign."), "danger")
        return redirect(url_for("minutes.minutes_page", meeting_id=meeting_id))
    try:
        views.sign(minutes, body.role)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_("The minutes are signed by the chair.") if body.role == "chair"
              else _("The minutes are signed by the secretary and sent to the chair."), "success")
    return redirect(url_for("minutes.minutes_page", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/minutes/return")
@login_required
def return_to_secretary(meeting_id: int):
    """The chair's reason is required: without it the page comes back (422) with the message at the field."""
    minutes, meeting = _minutes_page(meeting_id)
    require(current_user, Action.SIGN_MINUTES_AS_CHAIR, meeting)
    body, errors = parse_form(ReturnForm, request.form)
    if body is None:
        return _render(minutes, {"reason": _("Give the reason for returning the minutes.")}, 422)
    try:
        ops.return_to_secretary(minutes, current_user, body.reason)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_("The minutes are returned to the secretary."), "success")
    return redirect(url_for("minutes.minutes_page", meeting_id=meeting_id))


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
@login_required
def pdf(meeting_id: int):
    minutes, _meeting = _minutes_page(meeting_id)
    db.session.commit()
    return views.pdf_response(minutes)
