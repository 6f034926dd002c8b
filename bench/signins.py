"""``/healthz`` p99 during a burst of sign-ins: does CPU work (argon2) leave the event loop free?

One ``python -m ecabinet.serve`` process (gevent) on a throwaway PostgreSQL database with the demo province, the
development settings (argon2 at the production cost). A run samples ``/healthz`` (a new connection each time,
every 10 ms) while ``SIGN_INS`` sign-ins are posted at once; its reference run samples the same way with no burst,
for as long. Burst and reference runs alternate (``bench.method``), ``RUNS`` of each. Target: ≤ 250 ms.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.__main__ import publish
from bench.method import RUNS, compare
from bench.tasks import drop_database, pg_database
from tests.servers import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
SIGN_INS = int(os.environ.get("BENCH_SIGN_INS", "100"))
SAMPLE_EVERY_S = 0.01
PASSWORD = "demo"
TARGET_MS = 250


def _seed(url: str, storage: Path) -> None:
    from ecabinet.core.migrations import upgrade

    from ecabinet import create_app
    from ecabinet.core.db import db
    from ecabinet.demo import operations as demo

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url, STORAGE_DIR=str(storage))
    with app.app_context():
        upgrade()
        demo.seed(PASSWORD)
        db.session.commit()
        db.engine.dispose()


def _healthz_ms(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(f"{url}/healthz", timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def _sample(url: str, until: threading.Event) -> list[float]:
    samples = []
    while not until.wait(SAMPLE_EVERY_S):
        samples.append(_healthz_ms(url))
    return samples


def _sign_in(url: str) -> None:
    request = urllib.request.Request(f"{url}/api/v1/auth/token", method="POST",
                                     data=f'{{"username": "pct1", "password": "{PASSWORD}"}}'.encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        assert response.status == 200


def _burst_run(url: str) -> tuple[list[float], float]:
    """``/healthz`` samples taken during the burst, and how long the burst lasted."""
    over = threading.Event()
    started = time.perf_counter()
    with ThreadPoolExecutor(SIGN_INS + 1) as pool:
        sampler = pool.submit(_sample, url, over)
        list(pool.map(lambda _: _sign_in(url), range(SIGN_INS)))
        over.set()
        return sampler.result(), time.perf_counter() - started


def _idle_run(url: str, seconds: float) -> list[float]:
    over = threading.Event()
    threading.Timer(seconds, over.set).start()
    return _sample(url, over)


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def measure(url: str) -> dict:
    durations: list[float] = []

    def burst_p99() -> float:
        samples, seconds = _burst_run(url)
        durations.append(seconds)
        return _p99(samples)

    _sign_in(url)  # the first sign-in makes the throwaway hash and starts the thread pool
    # each reference run samples for as long as the burst just before it lasted
    runs = compare(burst_p99, lambda: _p99(_idle_run(url, durations[-1])), RUNS)
    note = (f"GET /healthz p99 (new connection, every {SAMPLE_EVERY_S * 1000:.0f} ms) while {SIGN_INS} sign-ins "
            f"(argon2 at the production cost) are posted at once to one gevent process on PostgreSQL (bursts "
            f"{statistics.median(durations):.1f} s) vs the same sampling with no burst; target ≤ {TARGET_MS} ms")
    return {"healthz_p99_ms_signin_burst": runs.figure("ms", note)}


def main() -> None:
    pg = pg_database()
    if pg is None:
        return
    server_url, url = pg
    with tempfile.TemporaryDirectory() as tmp:
        try:
            _seed(url, Path(tmp) / "storage")
            port = free_port()
            env = {**os.environ, "ECABINET_DATABASE_URL": url, "ECABINET_STORAGE_DIR": str(Path(tmp) / "storage"),
                   "ECABINET_ENV": "development", "ECABINET_SCHEDULER_IN_PROCESS": "false", "HOST": "127.0.0.1",
                   "PORT": str(port)}
            env.pop("ECABINET_REDIS_URL", None)
            with (Path(tmp) / "server.log").open("wb") as log:
                server = subprocess.Popen([sys.executable, "-m", "ecabinet.serve"], cwd=ROOT, env=env, stdout=log,
                                          stderr=subprocess.STDOUT)
            try:
                wait_healthy(f"http://127.0.0.1:{port}", server)
                publish(measure(f"http://127.0.0.1:{port}"))
            finally:
                server.terminate()
                server.wait(timeout=30)
        finally:
            drop_database(server_url, url)


if __name__ == "__main__":
    main()
