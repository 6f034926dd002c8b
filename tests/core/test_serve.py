"""``python -m ecabinet.serve``, the real process, over real TCP connections."""

from __future__ import annotations

import http.client
import statistics
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.fixtures.browser import DemoSite, serve


@pytest.mark.parametrize("database_template", ["sqlite"], indirect=True)
def test_requests_on_a_kept_alive_connection_are_not_delayed(database_url, tmp_path):
    """Headers and body leave in separate writes: without TCP_NODELAY the body waited for the client's delayed
    ACK, 40 ms on every request after the first on a connection."""
    site = DemoSite(Path(database_url.removeprefix("sqlite:///")), tmp_path / "storage")
    site.storage.mkdir()
    with contextmanager(serve)(site, tmp_path, ECABINET_SCHEDULER_IN_PROCESS="false") as url:
        address = urlsplit(url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        samples = []
        for _ in range(50):
            start = time.perf_counter()
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            assert response.status == 200 and response.read()
            samples.append((time.perf_counter() - start) * 1000)
        connection.close()
        assert statistics.median(samples) < 5, samples
