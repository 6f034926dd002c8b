"""Fixtures: every database test runs on SQLite and on a real PostgreSQL.

PostgreSQL comes from ``ECABINET_TEST_PG_URL`` (a server URL; ``.ci/start-postgres`` starts
one and prints it). Outside CI an unreachable server skips those tests with the reason;
under ``CI=true`` it fails them.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from ecabinet import create_app
from ecabinet.core.db import db
from tests import servers

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:55432/postgres"
IN_CI = os.environ.get("CI", "").lower() == "true"


@dataclass(frozen=True)
class DatabaseTemplate:
    backend: str
    url: str
    """For SQLite, a migrated file copied for each test; for PostgreSQL, the test database itself."""


def _pg_server_url() -> str:
    url = os.environ.get("ECABINET_TEST_PG_URL", DEFAULT_PG_URL)
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except sa.exc.OperationalError as exc:
        reason = f"PostgreSQL not reachable at {url} ({type(exc.orig).__name__}); run .ci/start-postgres"
        if IN_CI:
            pytest.fail(f"{reason} — CI must run every PostgreSQL test")
        pytest.skip(reason)
    return url


def _migrate(url: str) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _create_pg_database(server_url: str) -> str:
    name = f"ecabinet_test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(server_url: str, url: str) -> None:
    name = sa.make_url(url).database
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_template(request, tmp_path_factory):
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("template") / "ecabinet.sqlite3"
        _migrate(f"sqlite:///{path}")
        yield DatabaseTemplate("sqlite", str(path))
        return
    server_url = _pg_server_url()
    url = _create_pg_database(server_url)
    _migrate(url)
    yield DatabaseTemplate("postgresql", url)
    _drop_pg_database(server_url, url)


def _empty_pg(url: str) -> None:
    """Remove every row; triggers (the audit log's append-only guard) are off for this session only."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )).scalars().all()
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def backend(database_template) -> str:
    return database_template.backend


@pytest.fixture
def database_url(database_template, tmp_path) -> str:
    if database_template.backend == "sqlite":
        path = tmp_path / "ecabinet.sqlite3"
        shutil.copyfile(database_template.url, path)
        return f"sqlite:///{path}"
    _empty_pg(database_template.url)
    return database_template.url


@pytest.fixture
def app(database_url, tmp_path) -> Flask:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, STORAGE_DIR=str(tmp_path / "storage"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


# --- people ----------------------------------------------------------------------------------

PASSWORD = "mat-khau-2026"


@pytest.fixture
def people(app):
    """A small province: the Office, one department, one district, and a user per role."""
    from tests.factories import make_people

    with app.app_context():
        return make_people()


# --- helpers for pages and the API ---------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def web_login(client: FlaskClient, username: str, password: str = PASSWORD, follow: bool = False):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=follow)


def api_token(client: FlaskClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


ROOT = Path(__file__).resolve().parent.parent


# --- a real SMTP server (notifications) ----------------------------------------------------

free_port = servers.free_port


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that keeps every message it accepts, parsed.

    ``stop()`` makes the port refuse connections (the mail server is down); ``start()``
    brings it back on the same port, keeping what was received.
    """

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.messages: list = []
        self.recipients: list[list[str]] = []
        self._controller = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        import email
        import email.policy

        self.recipients.append(list(envelope.rcpt_tos))
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server(app):
    """A running SMTP server, and ``app`` configured to send through it."""
    server = SmtpServer()
    server.start()
    app.config.update(SMTP_HOST=server.host, SMTP_PORT=server.port, SMTP_USE_TLS=False, SMTP_USERNAME=None,
                      SMTP_SENDER="Văn phòng UBND tỉnh <ecabinet@ubnd.example.vn>")
    yield server
    server.stop()


@pytest.fixture
def fresh_app(app, database_url):
    """Another application object on the same database, storage and SMTP: a restarted process."""
    created = []

    def make() -> Flask:
        other = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, STORAGE_DIR=app.config["STORAGE_DIR"],
                           **{k: app.config[k] for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_USE_TLS", "SMTP_SENDER")})
        created.append(other)
        return other

    yield make
    for other in created:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
