"""A reconnect storm: tablets joining at once share one snapshot per version and one decision per user about
following the meeting, and neither outlives a change."""

from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core import connections
from ecabinet.core.db import db
from ecabinet.live.snapshot import shared_snapshot
from tests.fixtures.live import act


@contextmanager
def statements():
    executed: list[str] = []

    def record(conn, cursor, statement, *_args) -> None:
        executed.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield executed
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def test_joiners_share_the_snapshot_of_a_version_and_a_change_makes_a_new_one(app, client, room):
    with app.app_context():
        first = shared_snapshot(room.id)
        db.session.commit()
        with statements() as executed:
            again = shared_snapshot(room.id)
        assert again == first and len(executed) == 1  # the version alone
    act(client, room, "pct", "start")
    with app.app_context():
        started = shared_snapshot(room.id)
        assert (started["version"], started["status"]) == (1, "running")
        assert started["item"]["id"] == room.items[0] and started["item"]["running"]


def test_a_decision_is_kept_until_access_may_have_changed(app, people):
    decided: list[int] = []

    def decide() -> str:
        decided.append(1)
        return "follows"

    def refuse() -> str:
        decided.append(1)
        raise PermissionError

    with app.app_context():
        assert connections.remembered(("test", 1), decide) == connections.remembered(("test", 1), decide)
        assert len(decided) == 1
        for _ in range(2):
            try:
                connections.remembered(("test", 2), refuse)
            except PermissionError:
                pass
        assert len(decided) == 3  # a refusal is decided again every time
        db.session.get(User, people.leader).full_name = "Nguyễn Văn Đổi"
        db.session.flush()  # a change to a user: whatever was decided may no longer hold
        connections.remembered(("test", 1), decide)
        assert len(decided) == 4
        db.session.rollback()

