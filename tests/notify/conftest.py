"""Fixtures of the notification tests only."""

from __future__ import annotations

import pytest


@pytest.fixture
def ctx(app, mailable):
    with app.app_context():
        yield mailable
