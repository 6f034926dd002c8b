"""The notices page and the calendar's month view at five years of a province's data, as an agency's liaison
and as the Office, on SQLite (a file on tmpfs) and on PostgreSQL (a throwaway database on
``ECABINET_BENCH_PG_URL``, default the test server).

The demo province is seeded, then ``seed-demo-years``'s generator adds five years (per year 611 meetings, 3,357
agenda items, 520 notices, 1,004 tasks). Every page goes through the Flask test client of one app, signed in
through the form; the reference is ``/healthz`` through the same client. The runs are interleaved: each run
measures the reference and every page once more (``REPEAT`` requests each, median), and a figure is the median
of its runs' values and of its runs' ratios, with their spread in the note.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask.testing import FlaskClient
from ecabinet.core.migrations import upgrade

from bench.__main__ import figure, median_ms, publish
from bench.tasks import TMPFS, drop_database, pg_database
from ecabinet import create_app
from ecabinet.core.db import db
from ecabinet.demo import operations as demo
from ecabinet.demo import years
from tests.fixtures.statements import statements_run
from tests.fixtures.web import web_login

YEARS = 5
RUNS = 3
REPEAT = 20
PASSWORD = "demo"
TARGET_MS = 50
PAGES = {"notices_page": "/notices", "calendar_month": "/meetings?view=month"}
PEOPLE = {"liaison": "sokhdt", "office": "chuyenvien1"}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    who: str
    client: FlaskClient

    def get(self) -> None:
        response = self.client.get(self.path)
        assert response.status_code == 200, (self.path, response.status_code)


def interleaved(reference: Callable[[], object], measured: dict[str, Callable[[], object]], runs: int = RUNS,
                repeat: int = REPEAT) -> tuple[list[float], dict[str, list[float]]]:
    """The reference's median and each measured action's median, run after run, ``runs`` times."""
    references, values = [], {name: [] for name in measured}
    for _ in range(runs):
        references.append(median_ms(reference, repeat))
        for name, action in measured.items():
            values[name].append(median_ms(action, repeat))
    return references, values


def interleaved_figure(values: list[float], references: list[float], note: str) -> dict:
    """The median value and reference of the runs; the ratio is the median of the runs' own ratios."""
    ratios = sorted(v / r for v, r in zip(values, references))
    result = figure(statistics.median(values), "ms", statistics.median(references), note)
    result["ratio"] = round(statistics.median(ratios), 2)
    result["note"] += (f"; median of {len(ratios)} interleaved runs of {REPEAT} requests, ratios "
                       f"{ratios[0]:.2f}–{ratios[-1]:.2f}, values {min(values):.1f}–{max(values):.1f} ms")
    return result


def _signed_in(app, username: str) -> FlaskClient:
    client = app.test_client()
    assert web_login(client, username, PASSWORD).status_code == 302, username
    return client


def measure(url: str, backend: str) -> dict:
    app = create_app("development", SQLALCHEMY_DATABASE_URI=url, STORAGE_DIR=tempfile.mkdtemp(),
                     SCHEDULER_IN_PROCESS=False)
    with app.app_context():
        upgrade()
        demo.seed(PASSWORD)
        db.session.commit()
        added = years.add_years(YEARS)
        db.session.commit()
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
    references, values = interleaved(lambda: health.get("/healthz"), {p.name: p.get for p in pages})
    with app.app_context():
        db.engine.dispose()
    data = (f"demo province + {YEARS} generated years ({added['meetings']:,} meetings, {added['agenda_items']:,} "
            f"agenda items, {added['notices']:,} notices, {added['tasks']:,} tasks)")
    return {page.name: interleaved_figure(
        values[page.name], references,
        f"GET {page.path} as {page.who} ({PEOPLE[page.who]}, {statements[page.name]} SQL "
        f"statements), {data}; vs GET /healthz through the same client; target ≤ {TARGET_MS} ms")
        for page in pages}


def main() -> None:
    results: dict = {}
    with tempfile.TemporaryDirectory(dir=TMPFS if Path(TMPFS).is_dir() else None) as tmp:
        results.update(measure(f"sqlite:///{tmp}/bench-years.sqlite3", "sqlite"))
    pg = pg_database()
    if pg is not None:
        server, url = pg
        try:
            results.update(measure(url, "pg"))
        finally:
            drop_database(server, url)
    publish(results)


if __name__ == "__main__":
    main()
