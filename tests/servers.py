"""Real server processes for the tests and the benchmarks: a free port, and waiting until one answers."""

from __future__ import annotations

import itertools
import os
import random
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable

# Each pytest-xdist worker takes its ports from its own block below the kernel's ephemeral range (32768+),
# so neither another worker nor an outgoing connection can take a port between free_port() and the bind; a random
# start keeps two test runs on one machine apart.
PORTS_PER_WORKER = 1000
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
_BLOCK_START = 20000 + PORTS_PER_WORKER * (_WORKER % 12)
_START = random.randrange(PORTS_PER_WORKER)
_candidates = itertools.cycle([*range(_BLOCK_START + _START, _BLOCK_START + PORTS_PER_WORKER),
                               *range(_BLOCK_START, _BLOCK_START + _START)])


def free_port() -> int:
    for port in itertools.islice(_candidates, PORTS_PER_WORKER):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {_BLOCK_START}-{_BLOCK_START + PORTS_PER_WORKER - 1}")


def wait_healthy(url: str, process: subprocess.Popen, output: Callable[[], str] = lambda: "",
                 timeout: float = 60) -> None:
    """Until ``url``/healthz answers 200; ``output`` tells what the process printed when it fails."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {output()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not become healthy: {output()}")
