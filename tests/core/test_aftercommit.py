"""Side effects registered in a transaction run once after its commit, never after its rollback."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core.aftercommit import after_commit
from ecabinet.core.db import db


@pytest.fixture
def ctx(app, people):
    with app.app_context():
        yield people


def _rename(user_id: int, name: str) -> None:
    db.session.get(User, user_id).full_name = name
    db.session.flush()


def test_a_callback_runs_once_after_the_commit_and_sees_what_was_committed(ctx):
    seen: list[str] = []
    _rename(ctx.leader, "Nguyễn Văn Mới")
    after_commit(lambda: seen.append(db.session.get(User, ctx.leader).full_name))
    assert seen == []
    db.session.flush()
    assert seen == []  # a flush is not a commit
    db.session.commit()
    assert seen == ["Nguyễn Văn Mới"]
    db.session.commit()
    assert seen == ["Nguyễn Văn Mới"]  # once


def test_a_callback_of_a_rolled_back_transaction_never_runs(ctx):
    seen: list[str] = []
    _rename(ctx.leader, "Bị huỷ")
    after_commit(lambda: seen.append("rolled back"))
    db.session.rollback()
    after_commit(lambda: seen.append("registered before any query, then rolled back"))
    db.session.rollback()
    _rename(ctx.leader, "Sau")
    db.session.commit()
    assert seen == []  # not at the rollback, nor at the next commit


def test_a_failing_callback_does_not_stop_the_others(ctx, caplog):
    seen: list[int] = []

    def fail() -> None:
        raise RuntimeError("the message queue is down")

    after_commit(lambda: seen.append(1))
    after_commit(fail)
    after_commit(lambda: seen.append(3))
    db.session.commit()
    assert seen == [1, 3]
    assert "the message queue is down" in caplog.text


def test_a_savepoint_keeps_its_callbacks_when_released_and_drops_them_when_rolled_back(ctx):
    seen: list[str] = []
    after_commit(lambda: seen.append("outer"))
    with db.session.begin_nested():
        after_commit(lambda: seen.append("released"))
    try:
        with db.session.begin_nested():
            after_commit(lambda: seen.append("undone"))
            with db.session.begin_nested():
                after_commit(lambda: seen.append("undone with its parent"))
            raise RuntimeError("undo the savepoint")
    except RuntimeError:
        pass
    db.session.commit()
    assert seen == ["outer", "released"]


def test_a_commit_that_fails_runs_nothing(ctx):
    seen: list[str] = []
    db.session.get(User, ctx.secretary).username = "pct"  # taken: the flush at the commit fails
    after_commit(lambda: seen.append("never"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.commit()
    assert seen == []
