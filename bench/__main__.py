"""``make bench``: the API figures here, then the PDF figures of ``bench/materials.py``, then the live-room
figures of ``bench/live.py``, then the task statistics and list figures of ``bench/tasks.py``.

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
from flask_migrate import upgrade

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


def figure(value: float, unit: str, reference: float | None, note: str) -> dict:
    return {"value": round(value, 3), "unit": unit, "reference": None if reference is None else round(reference, 3),
            "ratio": None if not reference else round(value / reference, 2), "note": note}


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

        bare_ms = median_ms(lambda: ping.get("/ping"), 2000)
        me_ms = median_ms(lambda: client.get("/api/v1/me", headers=headers), 1000)
        health_ms = median_ms(lambda: client.get("/healthz"), 1000)
        verify_ms = median_ms(lambda: hasher.verify(stored, "demo"), 30)
        login_ms = median_ms(login, 30)

    results = {
        "api_me_ms_sqlite": figure(me_ms, "ms", bare_ms, "GET /api/v1/me with a bearer token (token lookup, user "
                                   "load, serialisation) vs a bare Flask JSON endpoint, in-process test client"),
        "healthz_ms_sqlite": figure(health_ms, "ms", bare_ms, "GET /healthz (one SELECT 1) vs a bare Flask endpoint"),
        "login_token_ms": figure(login_ms, "ms", verify_ms, "POST /api/v1/auth/token vs one argon2id verification "
                                 "alone, at the production cost settings: sign-in time is the hash, by design"),
    }
    publish(results)


if __name__ == "__main__":
    main()
    from bench import live, materials, tasks

    materials.main()
    live.main()
    tasks.main()
