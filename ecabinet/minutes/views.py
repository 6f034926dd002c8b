"""What the minutes' pages and their API both use: what the user may do with a meeting's minutes, signing them as
secretary or chair, and the minutes as a PDF."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from ecabinet.meetings.models import Meeting
from ecabinet.minutes import document
from ecabinet.minutes import operations as ops
from ecabinet.minutes.models import Minutes
from ecabinet.policy import Action, allowed, require


def permissions(user, meeting: Meeting) -> dict[str, bool]:
    return {"edit": allowed(user, Action.EDIT_MINUTES, meeting),
            "sign_as_secretary": allowed(user, Action.SIGN_MINUTES_AS_SECRETARY, meeting),
            "sign_as_chair": allowed(user, Action.SIGN_MINUTES_AS_CHAIR, meeting)}


def sign(minutes: Minutes, role: str) -> None:
    """Sign as ``secretary`` or ``chair``, each with its own permission; the caller commits."""
    meeting = minutes.meeting
    if role == "chair":
        require(current_user, Action.SIGN_MINUTES_AS_CHAIR, meeting)
        ops.sign_as_chair(minutes, current_user)
    else:
        require(current_user, Action.SIGN_MINUTES_AS_SECRETARY, meeting)
        ops.sign_as_secretary(minutes, current_user)


def pdf_response(minutes: Minutes):
    response = current_app.response_class(document.minutes_pdf(minutes), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{document.filename(minutes)}"'
    return response
