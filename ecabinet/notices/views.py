"""What the notice's pages and its API both answer: who may send a notice back to draft."""

from __future__ import annotations

from ecabinet.notices.models import Notice, NoticeStatus
from ecabinet.policy import Action

REJECT_ACTIONS = {NoticeStatus.IN_REVIEW: Action.REVIEW_NOTICE, NoticeStatus.AWAITING_APPROVAL: Action.APPROVE_NOTICE,
                  NoticeStatus.APPROVED: Action.ISSUE_NOTICE}
"""Who may send a notice back to draft depends on where it stands: the step's own decider."""


def reject_action(notice: Notice) -> Action | None:
    return REJECT_ACTIONS.get(notice.status)
