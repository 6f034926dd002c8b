"""JSON API of the minutes (biên bản): the sections with their text, what the live room recorded, autosave with
conflict detection, the revisions, the sign-off and the PDF.

A meeting (or a section of a meeting) the caller may not see is answered 404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for
from flask_login import current_user

from ecabinet.core.api import load_or_404, route
from ecabinet.core.db import db
from ecabinet.meetings.loaders import load_meeting
from ecabinet.minutes import content
from ecabinet.minutes import operations as ops
from ecabinet.minutes.models import Minutes, MinutesSection
from ecabinet.minutes.schemas import MinutesOut, RestoreIn, ReturnIn, RevisionOut, SectionOut, SectionSave, SignIn
from ecabinet.minutes.views import pdf_response, permissions, sign
from ecabinet.policy import Action, allowed, require

bp = Blueprint("minutes_api", __name__)


def load_section(section_id: int) -> MinutesSection:
    return load_or_404(MinutesSection, section_id,
                       lambda s: allowed(current_user, Action.VIEW_MEETING, s.minutes.meeting))


def minutes_row(minutes: Minutes) -> dict[str, Any]:
    meeting = minutes.meeting
    return {"id": minutes.id, "meeting_id": meeting.id, "status": minutes.status,
            "secretary_signed_by": minutes.secretary_signed_by, "secretary_signed_at": minutes.secretary_signed_at,
            "chair_signed_by": minutes.chair_signed_by, "chair_signed_at": minutes.chair_signed_at,
            "returned_reason": minutes.returned_reason,
            "pdf_url": url_for("minutes_api.minutes_pdf", meeting_id=meeting.id),
            "sections": minutes.sections, "facts": content.facts(meeting),
            "may": permissions(current_user, meeting)}


def _minutes_to_read(meeting_id: int) -> Minutes:
    meeting = load_meeting(meeting_id)
    require(current_user, Action.VIEW_MINUTES, meeting)
    return ops.minutes_of(meeting, current_user)


@route(bp, "/meetings/<int:meeting_id>/minutes", summary="The minutes of a meeting", response=MinutesOut)
def get_minutes(meeting_id: int):
    """Created on first read with a section per agenda item (plus an opening and a closing one); items added to
    the agenda since get their section. ``facts`` is what the live room recorded."""
    minutes = _minutes_to_read(meeting_id)
    db.session.commit()
    return minutes_row(minutes)


@route(bp, "/minutes/sections/<int:section_id>", method="PUT", summary="Save a section of the minutes",
       body=SectionSave, response=SectionOut)
def save_section(section_id: int, body: SectionSave):
    """Saved only if the section is still at ``base_revision``: otherwise 409 ``edit_conflict`` whose details
    carry the current ``text``, ``revision``, ``updated_by`` and ``updated_at``. Signed minutes → 409
    ``minutes_signed``."""
    section = load_section(section_id)
    require(current_user, Action.EDIT_MINUTES, section.minutes.meeting)
    ops.save_section(section, body.text, body.base_revision, current_user)
    db.session.commit()
    return section


@route(bp, "/minutes/sections/<int:section_id>/revisions", summary="The saved revisions of a section, newest first",
       response=list[RevisionOut])
def section_revisions(section_id: int):
    section = load_section(section_id)
    require(current_user, Action.VIEW_MINUTES, section.minutes.meeting)
    return ops.revisions(section)


@route(bp, "/minutes/sections/<int:section_id>/restore", method="POST", summary="Bring back an earlier revision",
       body=RestoreIn, response=SectionOut)
def restore_revision(section_id: int, body: RestoreIn):
    """Saves the old text as a new revision, with the same conflict check as a save."""
    section = load_section(section_id)
    require(current_user, Action.EDIT_MINUTES, section.minutes.meeting)
    ops.restore_revision(section, body.number, body.base_revision, current_user)
    db.session.commit()
    return section


@route(bp, "/meetings/<int:meeting_id>/minutes/sign", method="POST", summary="Sign the minutes", body=SignIn,
       response=MinutesOut)
def sign_minutes(meeting_id: int, body: SignIn):
    """``as: secretary`` once the meeting ended (else 409 ``meeting_not_ended``), then ``as: chair``, which
    freezes the minutes as a PDF. Signing out of order → 409; someone else → 403."""
    minutes = _minutes_to_read(meeting_id)
    sign(minutes, body.as_)
    db.session.commit()
    return minutes_row(minutes)


@route(bp, "/meetings/<int:meeting_id>/minutes/return", method="POST",
       summary="Return the minutes to the secretary", body=ReturnIn, response=MinutesOut)
def return_minutes(meeting_id: int, body: ReturnIn):
    """The chair sends minutes signed by the secretary back to draft, with a reason (required, 422)."""
    minutes = _minutes_to_read(meeting_id)
    require(current_user, Action.SIGN_MINUTES_AS_CHAIR, minutes.meeting)
    ops.return_to_secretary(minutes, current_user, body.reason)
    db.session.commit()
    return minutes_row(minutes)


@route(bp, "/meetings/<int:meeting_id>/minutes.pdf", summary="The minutes as PDF")
def minutes_pdf(meeting_id: int):
    """The frozen PDF once the chair signed; before that, the current draft rendered now."""
    minutes = _minutes_to_read(meeting_id)
    db.session.commit()
    return pdf_response(minutes)
