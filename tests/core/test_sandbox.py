"""The isolated worker process (``ecabinet.core.sandbox``): results and exceptions come back, limits are the
child's own (memory, CPU, wall clock) and a crash is reported, never shared with the calling process."""

from __future__ import annotations

import os
import resource
import time

import pytest

from ecabinet.core import pdfcheck, pdfscan, sandbox
from tests.fixtures import pdfs

TIGHT = sandbox.Limits(memory_bytes=512 << 20, cpu_seconds=1, timeout_seconds=20)


def allocate(size: int) -> int:
    """A worker that needs ``size`` bytes at once."""
    return len(bytearray(size))


def spin() -> None:
    while True:
        pass


def test_the_result_and_the_exceptions_of_the_worker_come_back():
    assert sandbox.run_isolated(os.getpid) != os.getpid()
    with pytest.raises(pdfcheck.PdfRejected) as caught:
        sandbox.run_isolated(pdfscan.validate_pdf, pdfs.bomb_pdf(128 << 20))
    assert (caught.value.code, caught.value.limit) == ("bomb", None)
    with pytest.raises(pdfcheck.PdfRejected) as caught:
        sandbox.run_isolated(pdfscan.validate_pdf, pdfs.image_bomb_pdf(), max_image_pixels=10**6)
    assert (caught.value.code, caught.value.limit) == ("image_too_large", 1.0)


def test_the_memory_limit_is_the_workers_not_the_servers():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(sandbox.LimitExceeded) as caught:
        sandbox.run_isolated(allocate, 4 << 30, limits=TIGHT)
    assert caught.value.resource == "memory"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 64 << 10  # KiB: never the 4 GiB here
    assert sandbox.run_isolated(allocate, 64 << 20, limits=TIGHT) == 64 << 20  # within the limit: done


def test_the_cpu_limit_and_the_timeout_end_the_worker():
    started = time.monotonic()
    with pytest.raises(sandbox.LimitExceeded) as caught:
        sandbox.run_isolated(spin, limits=TIGHT)
    assert caught.value.resource == "cpu"
    with pytest.raises(sandbox.TimedOut):
        sandbox.run_isolated(time.sleep, 60, limits=sandbox.Limits(512 << 20, 10, 0.5))
    assert time.monotonic() - started < 15


def test_a_worker_that_crashes_is_reported():
    with pytest.raises(sandbox.Crashed):
        sandbox.run_isolated(os.abort)


def test_a_file_too_complex_for_the_worker_is_refused_with_a_clear_message(app):
    app.config["SANDBOX_TIMEOUT_SECONDS"] = 0.001  # no file is read in a millisecond
    with app.test_request_context(headers={"Accept-Language": "vi"}):
        with pytest.raises(pdfcheck.PdfRejected) as caught:
            pdfcheck.validate_upload(pdfs.text_pdf(2))
        assert caught.value.code == "too_complex"
        assert "quá phức tạp" in caught.value.message
