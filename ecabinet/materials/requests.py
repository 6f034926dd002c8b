"""Material requests: the secretariat asks an agency for an item's materials by a deadline."""

from __future__ import annotations


def remind_due() -> list:
    """Job: reminders before and on the deadline of open requests (filled in by the requests work)."""
    return []
