"""What the notice's pages show: whether a notice stands where it can be sent back to draft."""

from __future__ import annotations

from ecabinet.notices.models import Notice
from ecabinet.policy import REJECT_STEPS


def can_be_sent_back(notice: Notice) -> bool:
    """In review, awaiting approval or approved: a step whose decider may send it back to draft."""
    return notice.status.value in REJECT_STEPS
