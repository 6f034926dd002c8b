import socket
import time

import sqlalchemy as sa

from ecabinet import create_app
from ecabinet.core.db import db
from ecabinet.core.health import reports


def test_health_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["db"] == "ok"


def test_the_domains_reports_are_made_at_most_every_few_seconds(app):
    """The outbox's counts are reused between load balancers' polls; the database is still checked every call."""
    with app.app_context():
        made = reports()
        app.config["HEALTH_REPORT_SECONDS"] = 60
        assert "email_outbox" in made and reports() is made
        app.config["HEALTH_REPORT_SECONDS"] = 0
        assert reports() is not made and reports() == made


def test_health_names_the_unreachable_database(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:9/none",
                     SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}},
                     STORAGE_DIR=str(tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error"
    assert body["db"].startswith("error")


def test_a_database_that_never_answers_is_given_up_after_the_connect_timeout(tmp_path):
    """A partition that drops packets: a listening socket whose one-place accept queue is full drops every further
    SYN, as a blackholed address would. Connecting gives up after ``DB_CONNECT_TIMEOUT_SECONDS``, not minutes."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as server, \
            socket.create_connection(server.getsockname()):  # the queue's one place, never accepted
        host, port = server.getsockname()
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://nobody@{host}:{port}/none",
                         DB_CONNECT_TIMEOUT_SECONDS=2, STORAGE_DIR=str(tmp_path))
        started = time.monotonic()
        response = app.test_client().get("/healthz")
        waited = time.monotonic() - started
    assert response.status_code == 503 and response.get_json()["db"] == "error: ConnectionTimeout"
    assert 2 <= waited < 4, waited


def test_a_database_error_in_an_after_request_hook_is_answered_without_the_database(tmp_path):
    """Where no error handler of its own applies (Flask turns it into a 500 first), the outage is still a 503."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:9/none",
                     SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}},
                     STORAGE_DIR=str(tmp_path), TESTING=False)  # as served: Flask answers, not raises
    app.after_request(lambda response: db.session.execute(sa.text("SELECT 1")) and response)
    api = app.test_client().get("/api/openapi.json")
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "database_unavailable"
    page = app.test_client().get("/login")
    assert page.status_code == 503 and "cơ sở dữ liệu" in page.get_data(as_text=True)
