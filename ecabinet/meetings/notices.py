"""Telling people about meetings: the invitation (with its letter) and every later change.

Notifications are created in the same transaction as the change they announce, keyed by the
change (``meeting-change:<id>``) or the meeting's invitation (``meeting-invitation:<id>``),
so each person hears of each event exactly once, whatever is retried.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ecabinet.accounts import operations as accounts
from ecabinet.core.i18n import format_datetime
from ecabinet.meetings import letters
from ecabinet.meetings.models import NOTIFIED_CHANGES, ChangeKind, Meeting, MeetingChange, MeetingStatus, Response
from ecabinet.notify import operations as notify


def recipients(meeting: Meeting) -> set[int]:
    """Everyone the meeting concerns: chair, secretary, invitees, delegates, attendees, agencies' liaisons."""
    people = {meeting.chair_id, meeting.secretary_id}
    for inv in meeting.invitations:
        people.update((inv.user_id, inv.attendee_id, inv.delegate_id if inv.response == Response.DELEGATED else None))
    people.update(u.id for u in accounts.liaisons_of([i.unit_id for i in meeting.invitations if i.unit_id]))
    people.discard(None)
    return people  # type: ignore[return-value]


def _when_where(meeting: Meeting) -> str:
    place = meeting.room.name if meeting.room else meeting.location
    if meeting.online_link:
        place = f"{place} — {_('online')}: {meeting.online_link}" if place else f"{_('online')}: {meeting.online_link}"
    return _("Time: %(start)s – %(end)s. Place: %(place)s.", start=format_datetime(meeting.starts_at),
             end=format_datetime(meeting.ends_at), place=place or "—")


def _subject(kind: ChangeKind, meeting: Meeting) -> str:
    subjects = {
        ChangeKind.RESCHEDULED: _("Meeting rescheduled: %(title)s"),
        ChangeKind.VENUE_CHANGED: _("Meeting place changed: %(title)s"),
        ChangeKind.POSTPONED: _("Meeting postponed: %(title)s"),
        ChangeKind.CANCELLED: _("Meeting cancelled: %(title)s"),
    }
    return subjects[kind] % {"title": meeting.title}


def _link(meeting: Meeting) -> str:
    return f"/meetings/{meeting.id}"


def invite(meeting: Meeting) -> list:
    """Send the invitation with its letter to everyone invited (not the chair nor the secretary, who hold the
    meeting) who has not had it yet."""
    if meeting.status in (MeetingStatus.DRAFT, MeetingStatus.CANCELLED):
        return []
    key = f"meeting-invitation:{meeting.id}"
    invited = recipients(meeting) - {meeting.chair_id, meeting.secretary_id}  # they hold the meeting, not attend it
    newcomers = notify.not_yet_notified(key, invited)
    if not newcomers:
        return []  # nobody new: the letter is not rendered for nothing
    message = notify.Message(
        kind="meeting.invitation",
        subject=_("Invitation: %(title)s", title=meeting.title),
        body="\n".join([meeting.title, _when_where(meeting), meeting.description]).strip(),
        link=_link(meeting),
        attachment=notify.Attachment(f"giay-moi-{meeting.id}.pdf", "application/pdf",
                                     letters.invitation_pdf(meeting)),
    )
    return notify.notify(key, newcomers, message)


def announce(meeting: Meeting, changes: list[MeetingChange]) -> list:
    """Notifications for the changes invitees must know about, and invitations for new invitees."""
    created = []
    if meeting.status == MeetingStatus.DRAFT:
        return created
    for change in changes:
        if change.kind == ChangeKind.PUBLISHED:
            continue
        if change.kind in NOTIFIED_CHANGES:
            body = "\n".join(filter(None, [meeting.title, _when_where(meeting),
                                           _("Reason: %(reason)s", reason=change.reason) if change.reason else ""]))
            created += notify.notify(f"meeting-change:{change.id}", recipients(meeting), notify.Message(
                kind=f"meeting.{change.kind.value}", subject=_subject(change.kind, meeting), body=body,
                link=_link(meeting)))
    return created + invite(meeting)
