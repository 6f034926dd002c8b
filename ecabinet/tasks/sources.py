"""The conclusion notice a task comes from, as the task's page links it.

Issuing a notice makes its tasks, so the conclusions domain depends on tasks and not the reverse: when its
blueprint is registered it installs here who may open a notice, and the task page links its source notice
(``Task.notice_id``) only for them; everyone else reads the citation (``Task.source_reference``) alone.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

from ecabinet.accounts.models import User

NoticeCheck = Callable[[User, int], bool]
"""Whether the user may open the notice with this id."""
NOTICE_CHECK = "ecabinet.tasks.notice_check"


def install_notice_check(app: Flask, check: NoticeCheck) -> None:
    """Called once per app by the domain that owns the notices."""
    app.extensions[NOTICE_CHECK] = check


def may_open_notice(user: User, notice_id: int | None) -> bool:
    """Whether the task page may link the notice ``notice_id`` for ``user`` (no notice, or none installed: no)."""
    check = current_app.extensions.get(NOTICE_CHECK)
    return notice_id is not None and check is not None and check(user, notice_id)
