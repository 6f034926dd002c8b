"""Fixtures of the notification tests: people with e-mail addresses, a live Socket.IO server."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import User
from ecabinet.core.db import db
from tests.conftest import free_port

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


@pytest.fixture
def live_server(app):
    """``app`` served over HTTP and websockets by Werkzeug in a thread (threading async mode)."""
    assert app.config["SOCKETIO_ASYNC_MODE"] == "threading"
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)
