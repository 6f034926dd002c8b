"""A database outage under the real server: errors answered without the database, service back without a restart.

``python -m ecabinet.serve`` on a PostgreSQL database of the test's own, which is taken down (its sessions ended,
new ones refused) while a bearer token and a signed-in browser session are in use, then brought back.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import requests

from ecabinet import create_app
from ecabinet.core.db import db
from tests.fixtures.browser import DemoSite, serve
from tests.fixtures.database import set_pg_reachable
from tests.fixtures.factories import make_people
from tests.fixtures.web import PASSWORD, api_token, csrf_from


def _people_and_token(url: str, storage: Path) -> dict[str, str]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, STORAGE_DIR=str(storage))
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


def test_a_database_outage_is_answered_without_the_database(own_pg_database, tmp_path):
    headers = _people_and_token(own_pg_database, tmp_path / "storage")
    site = DemoSite(Path("unused.sqlite3"), tmp_path / "storage")  # its database: ECABINET_DATABASE_URL below
    with contextmanager(serve)(site, tmp_path, ECABINET_DATABASE_URL=own_pg_database,
                               ECABINET_SCHEDULER_IN_PROCESS="false") as url:
        browser = _signed_in(url, "chanhvp")
        assert requests.get(f"{url}/api/v1/me", headers=headers, timeout=10).status_code == 200
        assert browser.get(f"{url}/", timeout=10).status_code == 200

        set_pg_reachable(own_pg_database, False)
        try:
            api = requests.get(f"{url}/api/v1/me", headers=headers, timeout=10)
            assert api.status_code == 503, api.text
            assert api.json()["error"]["code"] == "database_unavailable"
            assert "cơ sở dữ liệu" in api.json()["error"]["message"]  # Vietnamese: no account to say otherwise
            assert int(api.headers["Retry-After"]) > 0
            english = requests.get(f"{url}/api/v1/me", headers={**headers, "Accept-Language": "en"}, timeout=10)
            assert english.json()["error"]["message"].startswith("The database cannot be reached")

            page = browser.get(f"{url}/", timeout=10)
            assert page.status_code == 503 and page.headers["Content-Type"].startswith("text/html")
            assert "cơ sở dữ liệu" in page.text and int(page.headers["Retry-After"]) > 0

            health = requests.get(f"{url}/healthz", timeout=10)
            assert health.status_code == 503 and health.json()["db"].startswith("error")
        finally:
            set_pg_reachable(own_pg_database, True)

        assert requests.get(f"{url}/api/v1/me", headers=headers, timeout=10).status_code == 200
        assert browser.get(f"{url}/", timeout=10).status_code == 200
        assert requests.get(f"{url}/healthz", timeout=10).status_code == 200
