"""Pages of the live room: the leaders' tablet and the console of the chair and the secretary.

Both pages are shells: ``static/js/live-room.js`` joins the room over Socket.IO (``live:join``), mirrors the
snapshot and sends every action as ``live:action``; the labels it needs come from the template, translated.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ecabinet.live import models  # noqa: F401  (the tables are known to the app and migrations)
from ecabinet.materials import operations as materials
from ecabinet.meetings.models import Meeting
from ecabinet.meetings.loaders import load_meeting
from ecabinet.policy import Action, allowed, require

bp = Blueprint("live", __name__)


def labels() -> dict[str, str]:
    """Texts the script shows, translated here; ``{n}``-style fields are filled in by the script."""
    return {
        "connected": _("Connected"), "reconnecting": _("Reconnecting…"), "offline": _("Offline"),
        "not_started": _("Not started"), "running": _("In session"), "paused": _("Paused"), "ended": _("Ended"),
        "present_of": _("%(present)s of %(expected)s present", present="{present}", expected="{expected}"),
        "quorum_ok": _("Quorum reached (%(n)s needed)", n="{quorum}"),
        "quorum_missing": _("No quorum yet (%(n)s needed)", n="{quorum}"),
        "no_item": _("No item under discussion"), "no_speaker": _("Nobody has the floor"),
        "queue_empty": _("Nobody has asked to speak"), "delegate": _("Delegate: %(name)s", name="{name}"),
        "present": _("Checked in"), "absent": _("Not checked in"),
        "vote_open": _("Voting is open"), "vote_closed": _("Voting is closed"), "secret": _("Secret vote"),
        "named": _("Named vote"), "cast_of": _("%(cast)s of %(entitled)s have voted", cast="{cast}",
                                               entitled="{entitled}"),
        "agree": _("In favour"), "disagree": _("Against"),
        "abstain": _("Not voting"), "seat_of": _("Vote for %(name)s", name="{name}"),
        "presenter": _("Presented by %(name)s", name="{name}"), "page_of": _("Page %(page)s of %(count)s",
                                                                           page="{page}", count="{count}"),
        "nothing_presented": _("Nothing is being presented"), "error": _("The action failed."),
        "check_in": _("Check in"), "check_out": _("Check out"), "give_floor": _("Give the floor"),
        "up": _("Move up"), "down": _("Move down"), "go_to": _("Go to this item"),
        "minutes": _("%(n)s min", n="{minutes}"),
    }


def _page(meeting: Meeting, template: str):
    may_run = allowed(current_user, Action.RUN_LIVE, meeting)
    readable = [m for m in materials.materials_of(meeting, visible_to=current_user) if m.current is not None]
    return render_template(template, meeting=meeting, labels=labels(), may_run=may_run, materials=readable,
                           may_present=allowed(current_user, Action.PRESENT_LIVE, meeting))


@bp.get("/meetings/<int:meeting_id>/live")
@login_required
def tablet(meeting_id: int):
    """The room as a leader's tablet mirrors it (FOLLOW_LIVE; a meeting one may not see is a 404)."""
    meeting = load_meeting(meeting_id)
    require(current_user, Action.FOLLOW_LIVE, meeting)
    return _page(meeting, "live/tablet.html")


@bp.get("/meetings/<int:meeting_id>/console")
@login_required
def console(meeting_id: int):
    """The chair's and the secretary's console (RUN_LIVE)."""
    meeting = load_meeting(meeting_id)
    require(current_user, Action.RUN_LIVE, meeting)
    return _page(meeting, "live/console.html")
