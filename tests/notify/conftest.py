"""Fixtures of the notification tests: people with e-mail addresses."""

from __future__ import annotations

import pytest

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import User
from ecabinet.core.db import db

EMAILS = {"leader": "pct@ubnd.example.vn", "secretary": "chuyenvien@ubnd.example.vn",
          "liaison": "sotc@sotc.example.vn", "office_leader": "chanhvp@ubnd.example.vn"}


@pytest.fixture
def mailable(app, people):
    """``people`` where the leader, the secretary, the liaison and the office leader have addresses."""
    with app.app_context():
        for role, address in EMAILS.items():
            accounts.update_user(db.session.get(User, getattr(people, role)), email=address)
        db.session.commit()
    return people


@pytest.fixture
def ctx(app, mailable):
    with app.app_context():
        yield mailable
