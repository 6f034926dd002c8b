"""``python -m ecabinet.serve``, the real process, over real TCP connections, on a PostgreSQL database of this
module's own: kept-alive connections, and an outage of that database (its sessions ended, new ones refused)
while a bearer token, a signed-in browser session and Socket.IO connections are in use."""

from __future__ import annotations

import http.client
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from ecabinet import create_app
from ecabinet.core.db import db
from tests.fixtures.browser import DemoSite, serve
from tests.fixtures.database import set_pg_reachable
from tests.fixtures.factories import make_people
from tests.fixtures.live import Tablet
from tests.fixtures.network import disconnect
from tests.fixtures.web import PASSWORD, api_token, csrf_from


@dataclass(frozen=True)
class Served:
    url: str
    database_url: str
    bearer: dict[str, str]
    """A leader's API token."""
    browser: requests.Session
    """Signed in through the sign-in form."""


def _people_and_token(database_url: str, storage: Path) -> dict[str, str]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, STORAGE_DIR=str(storage))
    with app.app_context():
        make_people()
        headers = api_token(app.test_client(), "pct")
        db.engine.dispose()
    return headers


def _signed_in(url: str, username: str) -> requests.Session:
    browser = requests.Session()
    token = csrf_from(browser.get(f"{url}/login", timeout=10).text)
    signed = browser.post(f"{url}/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                          allow_redirects=False, timeout=30)
    assert signed.status_code == 302, signed.text
    return browser


@pytest.fixture(scope="module")
def served(own_pg_database, tmp_path_factory) -> Iterator[Served]:
    workdir = tmp_path_factory.mktemp("served")
    bearer = _people_and_token(own_pg_database, workdir / "storage")
    site = DemoSite(Path("unused.sqlite3"), workdir / "storage")  # its database: ECABINET_DATABASE_URL below
    with contextmanager(serve)(site, workdir, ECABINET_DATABASE_URL=own_pg_database,
                               ECABINET_SCHEDULER_IN_PROCESS="false") as url:
        yield Served(url, own_pg_database, bearer, _signed_in(url, "chanhvp"))


def _timed_healthz(connection: http.client.HTTPConnection) -> float:
    start = time.perf_counter()
    connection.request("GET", "/healthz")
    response = connection.getresponse()
    assert response.status == 200 and response.read()
    return (time.perf_counter() - start) * 1000


def test_requests_on_a_kept_alive_connection_are_not_delayed(served):
    """Headers and body leave in separate writes: without TCP_NODELAY the body waited for the client's delayed
    ACK, 40 ms on every request after the first on a connection. A request on the kept-alive connection is
    measured against one on a new connection, interleaved (a busy machine slows both alike); the absolute
    figure, under 5 ms on a quiet machine, is ``bench/keepalive.py``'s."""
    address = urlsplit(served.url)
    kept_alive = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    kept, fresh = [], []
    for _ in range(50):
        kept.append(_timed_healthz(kept_alive))
        new = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        fresh.append(_timed_healthz(new))
        new.close()
    kept_alive.close()
    assert statistics.median(kept[1:]) < statistics.median(fresh) + 5, (kept, fresh)


def test_a_database_outage_is_answered_without_the_database(served):
    url, bearer, browser = served.url, served.bearer, served.browser
    assert requests.get(f"{url}/api/v1/me", headers=bearer, timeout=10).status_code == 200
    assert browser.get(f"{url}/", timeout=10).status_code == 200
    said = {"cơ sở dữ liệu": Tablet(url, bearer).connect(),  # Vietnamese, the default
            "The database cannot be reached": Tablet(f"{url}?lang=en", bearer).connect()}

    set_pg_reachable(served.database_url, False)
    try:
        for message, tablet in said.items():  # an event that needs the database: the user's credential
            error = tablet.call("live:snapshot", {"meeting_id": 1})["error"]
            assert error["code"] == "database_unavailable" and message in error["message"], error

        api = requests.get(f"{url}/api/v1/me", headers=bearer, timeout=10)
        assert api.status_code == 503, api.text
        assert api.json()["error"]["code"] == "database_unavailable"
        assert "cơ sở dữ liệu" in api.json()["error"]["message"]  # Vietnamese: no account to say otherwise
        assert int(api.headers["Retry-After"]) > 0
        english = requests.get(f"{url}/api/v1/me", headers={**bearer, "Accept-Language": "en"}, timeout=10)
        assert english.json()["error"]["message"].startswith("The database cannot be reached")

        page = browser.get(f"{url}/", timeout=10)
        assert page.status_code == 503 and page.headers["Content-Type"].startswith("text/html")
        assert "cơ sở dữ liệu" in page.text and int(page.headers["Retry-After"]) > 0

        health = requests.get(f"{url}/healthz", timeout=10)
        assert health.status_code == 503 and health.json()["db"].startswith("error")
    finally:
        set_pg_reachable(served.database_url, True)
        for tablet in said.values():
            disconnect(tablet.sio)

    assert requests.get(f"{url}/api/v1/me", headers=bearer, timeout=10).status_code == 200
    assert browser.get(f"{url}/", timeout=10).status_code == 200
    assert requests.get(f"{url}/healthz", timeout=10).status_code == 200
