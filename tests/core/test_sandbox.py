"""The isolated worker process (``ecabinet.core.sandbox``): results and exceptions come back, limits are the
child's own (memory, CPU, wall clock) and a crash is reported, never shared with the calling process."""

from __future__ import annotations

import gc
import os
import resource
import subprocess
import sys
import time

import pytest

from ecabinet.core import pdfcheck, pdfscan, sandbox
from tests.fixtures import ROOT, pdfs

WORKER_LIBRARIES = {"pyhanko", "pypdfium2", "fpdf", "fontTools", "openpyxl", "pypdf"}
"""What only the workers use: PDF checks and rendering, signatures, spreadsheets."""
LOADED = "sorted({{name.partition('.')[0] for name in __import__('sys').modules}} & {names!r})"
"""An expression: which of ``names`` the process evaluating it has imported."""
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


def test_the_workers_libraries_are_imported_by_the_workers_not_by_the_server(tmp_path):
    """The server names its workers' functions (``"module:function"``), so the libraries behind them, and Alembic
    (``flask db`` only), stay out of its memory and its start-up; the forkserver has them loaded for its children."""
    loaded = LOADED.format(names=WORKER_LIBRARIES | {"alembic"})
    build_as_serve_does = ("import ecabinet.serve as serve; serve.create_app('testing', SOCKETIO_ASYNC_MODE='gevent', "
                           f"STORAGE_DIR={str(tmp_path)!r}); print(*{loaded})")
    server = subprocess.run([sys.executable, "-c", build_as_serve_does], cwd=ROOT, capture_output=True, text=True,
                            check=True)
    assert server.stdout.split() == []
    assert sandbox.run_isolated(eval, LOADED.format(names=WORKER_LIBRARIES)) == sorted(WORKER_LIBRARIES)


def test_a_worker_leaves_what_the_forkserver_loaded_out_of_its_collections():
    """A full collection in a worker walked every object the forkserver had imported: half of a meeting pack's
    time, and each page it touched copied."""
    assert sandbox.run_isolated(gc.get_freeze_count) > 50_000
