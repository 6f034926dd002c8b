"""Overload is answered ``503`` with ``Retry-After``, never a 500: a request that finds no free database connection
in time (the pool's ``TimeoutError``) gets the JSON error in the API and a page rendered without the database."""

from __future__ import annotations

import pytest

from ecabinet import create_app
from ecabinet.core.db import db
from tests.fixtures.web import csrf_from


@pytest.fixture
def one_connection_app(backend, database_url, tmp_path):
    if backend != "postgresql":
        pytest.skip("the pool's size and timeout are PostgreSQL's (SQLite keeps SQLAlchemy's own pool)")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, STORAGE_DIR=str(tmp_path), DB_POOL_SIZE=1,
                     DB_POOL_OVERFLOW=0, DB_POOL_TIMEOUT_SECONDS=1, RETRY_AFTER_SECONDS=7)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_no_free_connection_is_answered_503_with_retry_after(one_connection_app):
    client = one_connection_app.test_client()
    form = csrf_from(client.get("/login").get_data(as_text=True))
    with one_connection_app.app_context(), db.engine.connect():  # the pool's only connection, held
        api = client.get("/api/v1/me", headers={"Authorization": "Bearer some-token"})
        page = client.post("/login", data={"csrf_token": form, "username": "pct", "password": "x"})
    assert api.status_code == 503 and api.headers["Retry-After"] == "7"
    assert api.get_json()["error"]["code"] == "overloaded"
    assert page.status_code == 503 and page.headers["Retry-After"] == "7"
    assert page.mimetype == "text/html" and 'id="error-status">503<' in page.get_data(as_text=True)
