"""Forms of the meeting pages: the meeting editor (Vietnamese dates and times), calendar filters, rooms, kinds.

Each form is read with ``core.forms.parse_form`` and then validated by the API's own schema
(``MeetingCreate``, ``RoomIn``, ``KindIn``…), so a page accepts exactly what the API accepts.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

from flask_babel import gettext as _
from pydantic import Field
from werkzeug.datastructures import MultiDict

from ecabinet.core.clock import local_moment
from ecabinet.core.forms import parse_form
from ecabinet.core.i18n import local_zone
from ecabinet.core.schemas import HHMM, Id, Input, Query, VnDate
from ecabinet.meetings.models import ChangeKind, Meeting
from ecabinet.meetings.schemas import KindIn, MeetingCreate, Reason, RoomIn

MEETING_LIST_FIELDS = ("invitee_ids", "unit_ids")
REPEAT_RULES = {"weekly": "FREQ=WEEKLY", "biweekly": "FREQ=WEEKLY;INTERVAL=2", "monthly": "FREQ=MONTHLY"}
MAX_OCCURRENCES = 120
SHOWN_CHANGES = frozenset({ChangeKind.RESCHEDULED, ChangeKind.VENUE_CHANGED, ChangeKind.POSTPONED,
                           ChangeKind.CANCELLED})
FIELD_OF = {"starts_at": "start_time", "ends_at": "end_time", "recurrence": "repeat"}
"""Where an error about a schema or operation field is shown on the form."""
FORM_FIELDS = frozenset({"title", "kind_id", "chair_id", "secretary_id", "portfolio_leader_id", "date", "end_date",
                         "start_time", "end_time", "room_id", "online_link", "location", "confidentiality",
                         "description", "invitee_ids", "unit_ids", "repeat", "occurrences", "reason", "version"})


def form_field(field: str | None) -> str:
    """The input an operation's error belongs next to; errors about anything else go on top of the form."""
    name = FIELD_OF.get(field or "", field or "")
    return name if name in FORM_FIELDS else "__all__"


class CalendarQuery(Query):
    view: Literal["week", "month", "list"] = "week"
    date: VnDate | None = None
    leader_id: Id | None = None
    unit_id: Id | None = None
    kind_id: Id | None = None


class WhenForm(Input):
    """The date and times as people type them (30/11/2026, 08:00), and the simple recurrence choice."""

    date: VnDate
    end_date: VnDate | None = None
    start_time: HHMM
    end_time: HHMM
    repeat: Literal["none", "weekly", "biweekly", "monthly"] = "none"
    occurrences: int | None = Field(default=None, ge=2, le=MAX_OCCURRENCES)


class EditExtras(Input):
    version: int = Field(ge=1)
    reason: Reason | None = None


def _when_messages(errors: dict[str, str]) -> dict[str, str]:
    messages = {
        "date": _("Enter the date as dd/mm/yyyy, e.g. 30/11/2026."),
        "end_date": _("Enter the date as dd/mm/yyyy, e.g. 30/11/2026."),
        "start_time": _("Enter the time as HH:MM, e.g. 08:00."),
        "end_time": _("Enter the time as HH:MM, e.g. 08:00."),
        "occurrences": _("Enter a number of occurrences from 2 to %(n)d.", n=MAX_OCCURRENCES),
    }
    return {k: (messages[k] if k in messages and v != _("This field is required.") else v) for k, v in errors.items()}


def read_meeting_form(form: MultiDict, creating: bool) -> tuple[MeetingCreate | None, str | None, dict[str, str]]:
    """``(meeting, recurrence rule, errors)`` from the editor's fields; errors are keyed by form field."""
    when, errors = parse_form(WhenForm, form)
    errors = _when_messages(errors)
    data = MultiDict([(k, v) for k, v in form.items(multi=True) if k not in WhenForm.model_fields])
    for name in ("confirm_person_conflicts", "override_room_conflict"):
        data[name] = "true" if form.get(name) else "false"
    rule = None
    if when is not None:
        data["starts_at"] = local_moment(when.date, when.start_time).isoformat()
        data["ends_at"] = local_moment(when.end_date or when.date, when.end_time).isoformat()
        if creating and when.repeat != "none":
            if when.occurrences is None:
                errors["occurrences"] = _("Give the number of occurrences of the series.")
            else:
                rule = f"{REPEAT_RULES[when.repeat]};COUNT={when.occurrences}"
                data["recurrence"] = rule
    meeting, schema_errors = parse_form(MeetingCreate, data, MEETING_LIST_FIELDS)
    for field, message in schema_errors.items():
        if when is None and field in ("starts_at", "ends_at"):
            continue  # already explained on the date and time inputs
        if field == "online_link":
            message = _("Enter a web address starting with http:// or https://.")
        errors.setdefault(FIELD_OF.get(field, field), message)
    return (None, None, errors) if errors else (meeting, rule, {})


def meeting_values(meeting: Meeting) -> MultiDict:
    """The editor's fields filled from a meeting, as local date and times."""
    zone = local_zone()
    start, end = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
    values: list[tuple[str, Any]] = [
        ("title", meeting.title), ("kind_id", meeting.kind_id), ("chair_id", meeting.chair_id),
        ("secretary_id", meeting.secretary_id or ""), ("portfolio_leader_id", meeting.portfolio_leader_id or ""),
        ("date", f"{start:%d/%m/%Y}"), ("start_time", f"{start:%H:%M}"), ("end_time", f"{end:%H:%M}"),
        ("end_date", f"{end:%d/%m/%Y}" if end.date() != start.date() else ""),
        ("room_id", meeting.room_id or ""), ("online_link", meeting.online_link or ""),
        ("location", meeting.location), ("confidentiality", meeting.confidentiality.value),
        ("description", meeting.description), ("version", meeting.version),
    ]
    values += [("invitee_ids", i.user_id) for i in meeting.invitations if i.user_id]
    values += [("unit_ids", i.unit_id) for i in meeting.invitations if i.unit_id]
    return MultiDict([(k, str(v)) for k, v in values])


def changes_of(data: MeetingCreate) -> dict[str, Any]:
    """Every field of the editor as a change for ``update_meeting`` (empty inputs clear the field)."""
    return data.model_dump(exclude={"recurrence", "confirm_person_conflicts", "override_room_conflict"})


def changed_after_publication(meeting: Meeting) -> bool:
    """Rescheduled, moved, postponed or cancelled after the invitations went out: shown as "changed"."""
    if meeting.published_at is None:
        return False
    return any(c.kind in SHOWN_CHANGES and c.changed_at > meeting.published_at for c in meeting.changes)


def conflicts_of(details: list[dict] | None) -> list[dict]:
    """The clashing meetings named by a room_conflict or person_conflict error."""
    return [d["conflict"] for d in details or [] if isinstance(d, dict) and "conflict" in d]


# --- rooms and kinds ------------------------------------------------------------------------

def _checkbox(form: MultiDict, name: str) -> str:
    return "true" if form.get(name) else "false"


def read_room_form(form: MultiDict) -> tuple[RoomIn | None, dict[str, str]]:
    """A room; equipment is typed as a comma-separated list."""
    data = MultiDict([(k, v) for k, v in form.items() if k != "equipment"])
    data["active"] = _checkbox(form, "active")
    for item in (form.get("equipment") or "").split(","):
        if item.strip():
            data.add("equipment", item.strip())
    return parse_form(RoomIn, data, ("equipment",))


def read_kind_form(form: MultiDict) -> tuple[KindIn | None, dict[str, str]]:
    data = form.copy()
    data["active"] = _checkbox(form, "active")
    return parse_form(KindIn, data)


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=i) for i in range(7)]
