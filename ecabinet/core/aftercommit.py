"""Side effects that wait for the commit: live pushes, Socket.IO events, job kicks.

An operation calls ``after_commit(callback)`` inside its transaction; the callback runs once the outermost
transaction of the session is committed, and never when it is rolled back (nor at a later commit). A
callback registered inside a savepoint (``begin_nested``) follows the savepoint: released, it waits for the
enclosing transaction; rolled back, it is dropped with the savepoint's changes. Callbacks run in the order
they were registered, after the transaction has ended, so they may read the database (in a new
transaction, which the request's or job's session teardown closes). One that fails is logged and the
others still run: the change is saved, and a client that missed an event sees it on its next load.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, SessionTransaction

from ecabinet.core.db import db

log = logging.getLogger("ecabinet.aftercommit")

PENDING = "ecabinet.after_commit"
"""``Session.info`` key: the callbacks waiting, each with the savepoint it was registered in."""
COMMITTED = "ecabinet.after_commit.committed"
"""``Session.info`` key: set while the outermost transaction, just committed, is ending."""


@dataclass
class _Waiting:
    savepoint: SessionTransaction | None
    """The innermost savepoint open at registration; None for the outermost transaction."""
    callback: Callable[[], Any]
    key: Hashable | None


def after_commit(callback: Callable[[], Any], key: Hashable | None = None) -> None:
    """Run ``callback()`` after the commit of the session's current transaction (see the module).

    Of the callbacks given the same ``key`` in one transaction only the first kept runs: several changes
    announce one fresh state once (the key's callbacks must be interchangeable).
    """
    session = db.session()
    if not session.in_transaction():
        session.begin()  # the callback belongs to this transaction: a rollback before any query drops it too
    session.info.setdefault(PENDING, []).append(_Waiting(session.get_nested_transaction(), callback, key))


def _enclosing_savepoint(transaction: SessionTransaction) -> SessionTransaction | None:
    parent = transaction.parent
    while parent is not None and not parent.nested:
        parent = parent.parent
    return parent


@sa.event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    """A savepoint released hands its callbacks to the enclosing one; the outermost commit lets them run."""
    savepoint = session.get_nested_transaction()  # the one committing, when it is a savepoint
    if savepoint is None:
        session.info[COMMITTED] = True
        return
    outer = _enclosing_savepoint(savepoint)
    for waiting in session.info.get(PENDING, []):
        if waiting.savepoint is savepoint:
            waiting.savepoint = outer


@sa.event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    """Run the callbacks after the outermost commit; drop them after a rollback (of their savepoint)."""
    waiting: list[_Waiting] = session.info.get(PENDING, [])
    if transaction.nested:
        session.info[PENDING] = [w for w in waiting if w.savepoint is not transaction]
    elif transaction.parent is None:
        committed = session.info.pop(COMMITTED, False)
        session.info.pop(PENDING, None)
        if committed:
            _run(waiting)


def _run(waiting: list[_Waiting]) -> None:
    done: set[Hashable] = set()
    for item in waiting:
        if item.key is not None:
            if item.key in done:
                continue
            done.add(item.key)
        try:
            item.callback()
        except Exception:
            log.exception("after-commit callback %r failed", item.callback)
