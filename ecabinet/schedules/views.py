"""What the schedule's page and API show: entries marked, confidential titles hidden from others."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from ecabinet.core.clock import monday_of, parse_day
from ecabinet.policy import visible_meetings
from ecabinet.schedules import operations as ops
from ecabinet.schedules.documents import CONFIDENTIAL_TITLE
from ecabinet.schedules.models import WeeklySchedule


def parse_week(value: str) -> date | None:
    day = parse_day(value)
    return monday_of(day) if day else None


def visible_entries(schedule: WeeklySchedule, user) -> list[dict]:
    marked_entries = ops.marked_entries(schedule)
    confidential = {marked.entry.meeting_id for marked in marked_entries if marked.entry.confidential}
    shown = visible_meetings(user, confidential)
    rows = []
    for marked in marked_entries:
        entry = asdict(marked.entry)
        if marked.entry.confidential and marked.entry.meeting_id not in shown:
            entry["title"] = CONFIDENTIAL_TITLE
        rows.append({**entry, "change": marked.change})
    return rows


def schedule_out(schedule: WeeklySchedule, user) -> dict:
    return {"week_start": schedule.week_start, "status": schedule.status, "version": schedule.version,
            "note": schedule.note, "approved_at": schedule.approved_at, "published_at": schedule.published_at,
            "publication_due_at": ops.publication_due_at(schedule), "entries": visible_entries(schedule, user)}
