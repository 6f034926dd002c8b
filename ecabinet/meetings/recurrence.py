"""Recurring meetings: an RFC 5545 rule expanded in the province's local time."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from flask_babel import gettext as _

from ecabinet.core.exceptions import DomainError

MAX_OCCURRENCES = 120
"""Enough for two years of weekly briefings; a longer series is created again later."""


def occurrences(rule: str, first_start: datetime, zone: ZoneInfo) -> list[datetime]:
    """The UTC start of every occurrence; "every Monday at 8:00" stays 8:00 local time."""
    if "COUNT=" not in rule.upper() and "UNTIL=" not in rule.upper():
        raise DomainError("unbounded_recurrence", _("A recurrence needs COUNT or UNTIL."), "recurrence")
    local_start = first_start.astimezone(zone).replace(tzinfo=None)
    try:
        parsed = rrulestr(_with_local_until(rule, zone), dtstart=local_start)
        starts = []
        for moment in parsed:
            starts.append(moment.replace(tzinfo=zone).astimezone(timezone.utc))
            if len(starts) > MAX_OCCURRENCES:
                raise DomainError("too_many_occurrences",
                                  _("A series may have at most %(n)d occurrences.", n=MAX_OCCURRENCES), "recurrence")
    except (ValueError, TypeError) as exc:
        raise DomainError("invalid_recurrence", _("The recurrence rule is not valid: %(error)s", error=str(exc)),
                          "recurrence") from None
    if not starts:
        raise DomainError("empty_recurrence", _("The recurrence rule gives no occurrence."), "recurrence")
    return starts


def _with_local_until(rule: str, zone: ZoneInfo) -> str:
    """dateutil wants a naive UNTIL with a naive start; a trailing Z is read as local midnight's day."""
    parts = []
    for part in rule.strip().split(";"):
        key, _sep, value = part.partition("=")
        if key.upper() == "UNTIL" and value.upper().endswith("Z"):
            value = value[:-1]
        parts.append(f"{key}={value}" if _sep else part)
    return ";".join(parts)

