"""Keep-alive figure: ``GET /healthz`` over one persistent connection to ``python -m ecabinet.serve``.

The reference is a bare WSGI app answering the same JSON on gevent's server with the same handler
(``ecabinet.serve.NoDelayHandler``), in a process of its own; both are measured in interleaved rounds
(``bench.method``).
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.__main__ import publish
from bench.method import compare
from tests.fixtures import ROOT
from tests.servers import free_port, wait_healthy

ROUNDS = 5
REQUESTS = 200

BARE_SERVER = """
from gevent import monkey; monkey.patch_all()
import json, sys
from gevent import pywsgi
from ecabinet.serve import NoDelayHandler

def app(environ, start_response):
    body = json.dumps({"status": "ok", "db": "ok"}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]

pywsgi.WSGIServer(("127.0.0.1", int(sys.argv[1])), app, handler_class=NoDelayHandler, log=None).serve_forever()
"""


def kept_alive_median_ms(url: str, requests: int) -> float:
    """The median time of ``requests`` GET /healthz on one connection (the first, which opens it, left out)."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    samples = []
    for _ in range(requests + 1):
        start = time.perf_counter()
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status
        samples.append((time.perf_counter() - start) * 1000)
    connection.close()
    return statistics.median(samples[1:])


def _start(arguments: list[str], env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, *arguments, str(port)], cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT, env={**env, "HOST": "127.0.0.1", "PORT": str(port)})
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process, lambda: log.read_text(errors="replace"))
    return process, url


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ECABINET_DATABASE_URL": f"sqlite:///{tmp}/keepalive.sqlite3",
               "ECABINET_STORAGE_DIR": f"{tmp}/storage", "ECABINET_ENV": "development",
               "ECABINET_SCHEDULER_IN_PROCESS": "false", "FLASK_APP": "ecabinet"}
        subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], env=env, cwd=ROOT, check=True,
                       capture_output=True)
        processes = []
        try:
            for arguments in (["-m", "ecabinet.serve"], ["-c", BARE_SERVER]):
                processes.append(_start(arguments, env, Path(tmp) / "server.log"))
            (_, ecabinet_url), (_, bare_url) = processes
            rounds = compare(lambda: kept_alive_median_ms(ecabinet_url, REQUESTS),
                             lambda: kept_alive_median_ms(bare_url, REQUESTS), ROUNDS)
        finally:
            for process, _ in processes:
                process.terminate()
                process.wait(timeout=10)
    publish({"keepalive_healthz_ms": rounds.figure(
        "ms", f"GET /healthz on one kept-alive connection to python -m ecabinet.serve (median of {REQUESTS}), "
        "vs a bare WSGI app on the same gevent server and handler; target ≤ 5 ms")})


if __name__ == "__main__":
    main()
