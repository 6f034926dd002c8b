"""``make bench``: the API figures here, then the PDF figures of ``bench/materials.py``, then OCR's pages per
second (``bench/ocr.py``), then the live-room
figures of ``bench/live.py``, then the task statistics and list figures of ``bench/tasks.py``, then the notices
page and calendar figures at five years of data of ``bench/years.py`` and search on the same data
(``bench/search.py``), then the keep-alive figure of
``bench/keepalive.py``, then ``/healthz`` during a burst of sign-ins (``bench/signins.py``).

API figures: the cost of an authenticated API call and of a sign-in.

Each figure is compared with a reference measured in the same run on the same machine,
because absolute times on shared machines are noise; the ratio is what to watch.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from argon2 import PasswordHasher
from flask import Flask, jsonify
from ecabinet.core.migrations import upgrade

from bench.method import compare, figure  # noqa: F401  (figure: the other bench modules take it from here too)
from ecabinet import create_app
from ecabinet.core.db import db
from ecabinet.demo import operations as demo

RESULTS = Path(__file__).resolve().parent / "results.json"


def median_ms(action: Callable[[], object], repeat: int) -> float:
    for _ in range(min(20, repeat)):
        action()  # warm caches and connection pools
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def publish(results: dict) -> None:
    """Print the figures and merge them into ``bench/results.json`` (figures of other runs kept)."""
    for name, fig in results.items():
        print(f"{name:<22} {fig['value']!s:>9} {fig['unit']}  reference {fig['reference']!s:>8}  "
              f"ratio {fig['ratio']!s:>6}  — {fig['note']}")
    previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps({**previous, **results}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {RESULTS}")


def bare_flask_client():
    bare = Flask("bare")

    @bare.get("/ping")
    def ping():
        return jsonify({"status": "ok"})

    return bare.test_client()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.sqlite3",
                         STORAGE_DIR=f"{tmp}/storage")
        with app.app_context():
            upgrade()
            demo.seed("demo")
            db.session.commit()
        client = app.test_client()
        ping = bare_flask_client()

        def login():
            response = client.post("/api/v1/auth/token", json={"username": "pct1", "password": "demo"})
            assert response.status_code == 200, response.get_json()
            return response.get_json()["access_token"]

        headers = {"Authorization": f"Bearer {login()}"}
        hasher = PasswordHasher(time_cost=app.config["ARGON2_TIME_COST"], memory_cost=app.config["ARGON2_MEMORY_KIB"])
        stored = hasher.hash("demo")

        bare = lambda: median_ms(lambda: ping.get("/ping"), 700)  # noqa: E731
        me = compare(lambda: median_ms(lambda: client.get("/api/v1/me", headers=headers), 300), bare)
        health = compare(lambda: median_ms(lambda: client.get("/healthz"), 300), bare)
        sign_in = compare(lambda: median_ms(login, 10), lambda: median_ms(lambda: hasher.verify(stored, "demo"), 10))

    results = {
        "api_me_ms_sqlite": me.figure("ms", "GET /api/v1/me with a bearer token (token lookup, user load, "
                                      "serialisation) vs a bare Flask JSON endpoint, in-process test client"),
        "healthz_ms_sqlite": health.figure("ms", "GET /healthz (one SELECT 1) vs a bare Flask endpoint"),
        "login_token_ms": sign_in.figure("ms", "POST /api/v1/auth/token vs one argon2id verification alone, at "
                                         "the production cost settings: sign-in time is the hash, by design"),
    }
    publish(results)


if __name__ == "__main__":
    main()
    from bench import keepalive, live, materials, ocr, search, signins, tasks

    materials.main()
    ocr.main()
    live.main()
    tasks.main()
    search.main()  # and years' figures, on the same province
    keepalive.main()
    signins.main()
