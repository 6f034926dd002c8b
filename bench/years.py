"""The notices page and the calendar's month view at five years of a province's data, as an agency's liaison
and as the Office, on SQLite (a file on tmpfs) and on PostgreSQL (a throwaway database on
``ECABINET_BENCH_PG_URL``, default the test server).

The demo province is seeded, then ``seed-demo-years``'s generator adds five years (per year 611 meetings, 3,357
agenda items, 520 notices, 1,004 tasks). Every page goes through the Flask test client of one app, signed in
through the form; the reference is ``/healthz`` through the same client. The runs are interleaved
(``bench.method``): each run measures every page and the reference once more (``REPEAT`` requests each,
median).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from ecabinet.core.migrations import upgrade

from bench.__main__ import median_ms, publish
from bench.method import Comparison, interleave
from bench.tasks import on_both_databases
from ecabinet import create_app
from ecabinet.core.db import db
from ecabinet.demo import operations as demo
from ecabinet.demo import years
from tests.fixtures.statements import statements_run
from tests.fixtures.web import web_login

YEARS = 5
REPEAT = 20
PASSWORD = "demo"
TARGET_MS = 50
PAGES = {"notices_page": "/notices", "calendar_month": "/meetings?view=month"}
PEOPLE = {"liaison": "sotc", "office": "chuyenvien1"}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    who: str
    client: FlaskClient

    def get(self) -> None:
        response = self.client.get(self.path)
        assert response.status_code == 200, (self.path, response.status_code)


def _signed_in(app, username: str) -> FlaskClient:
    client = app.test_client()
    assert web_login(client, username, PASSWORD).status_code == 302, username
    return client


def province_over_years(url: str) -> tuple[Flask, dict[str, int]]:
    """An app on the migrated database at ``url`` with the demo province and ``YEARS`` generated years (committed),
    and how many rows of each table the years added."""
    app = create_app("development", SQLALCHEMY_DATABASE_URI=url, STORAGE_DIR=tempfile.mkdtemp(),
                     SCHEDULER_IN_PROCESS=False)
    with app.app_context():
        upgrade()
        demo.seed(PASSWORD)
        db.session.commit()
        added = years.add_years(YEARS)
        db.session.commit()
    return app, added


def measure(url: str, backend: str) -> dict:
    app, added = province_over_years(url)
    figures = measure_pages(app, added, backend)
    with app.app_context():
        db.engine.dispose()
    return figures


def measure_pages(app: Flask, added: dict[str, int], backend: str) -> dict:
    """The pages' figures on ``province_over_years``'s app."""
    pages = [Page(f"{page}_ms_{who}_{backend}", path, who, client)
             for who, client in ((who, _signed_in(app, username)) for who, username in PEOPLE.items())
             for page, path in PAGES.items()]
    statements = {}
    for page in pages:
        page.get()
        with app.app_context(), statements_run(db.engine) as seen:
            page.get()
        statements[page.name] = len(seen)
    health = pages[0].client
    runs, references = interleave(lambda: {page.name: median_ms(page.get, REPEAT) for page in pages},
                                  lambda: median_ms(lambda: health.get("/healthz"), REPEAT))
    data = (f"demo province + {YEARS} generated years ({added['meetings']:,} meetings, {added['agenda_items']:,} "
            f"agenda items, {added['notices']:,} notices, {added['tasks']:,} tasks)")
    return {page.name: Comparison.of([run[page.name] for run in runs], references).figure(
        "ms", f"GET {page.path} as {page.who} ({PEOPLE[page.who]}, {statements[page.name]} SQL statements), "
        f"{data}; each run the median of {REPEAT} requests; vs GET /healthz through the same client; "
        f"target ≤ {TARGET_MS} ms")
        for page in pages}


def main() -> None:
    publish(on_both_databases(measure, "bench-years"))


if __name__ == "__main__":
    main()
