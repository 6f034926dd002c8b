"""Decompression bombs: every filter chain, image stream and object stream is bounded, and every parse of an
upload runs in the isolated worker (``ecabinet.core.sandbox``), so the real server refuses each bomb within
seconds while it keeps answering; a bomb already stored fails in the text extraction job, in the worker."""

from __future__ import annotations

import resource
import subprocess
import sys
import time

import pytest
import requests
import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.core.pdfcheck import PdfRejected
from ecabinet.core.pdfscan import validate_pdf
from ecabinet.materials.models import MaterialVersion, TextStatus
from tests.fixtures import pdfs
from tests.fixtures.browser import demo_meeting_id, demo_token
from tests.fixtures.materials import upload as _upload

BOMBS = {**pdfs.HOSTILE_STREAMS, "flate": pdfs.bomb_pdf, "form": pdfs.form_bomb_pdf, "nested": pdfs.nested_pdf}


@pytest.mark.parametrize("make", pdfs.HOSTILE_STREAMS.values(), ids=pdfs.HOSTILE_STREAMS.keys())
def test_every_filter_chain_and_stream_is_bounded_and_honest_ones_pass(make):
    with pytest.raises(PdfRejected) as caught:
        validate_pdf(make(256 << 20))
    assert caught.value.code == "bomb"
    assert validate_pdf(make(1 << 20)).pages == 1  # the same structure, a MiB once decoded


PROBE = """
import sys, time, urllib.request
while True:
    started = time.monotonic()
    with urllib.request.urlopen(sys.argv[1] + "/healthz", timeout=10) as answer:
        assert answer.status == 200
    print(time.monotonic() - started, flush=True)
    time.sleep(0.02)
"""
"""Asks ``/healthz`` every 20 ms and prints how long each answer took: a process of its own, so that the test's
own work does not count in the timings."""


def test_the_server_refuses_every_bomb_within_seconds_and_keeps_answering(live_server):
    headers = {"Authorization": f"Bearer {demo_token(live_server)}"}
    url = f"{live_server}/api/v1/meetings/{demo_meeting_id(live_server)}/materials"
    bombs = {name: make() for name, make in BOMBS.items()}  # made before the clock starts
    probe = subprocess.Popen([sys.executable, "-c", PROBE, live_server], stdout=subprocess.PIPE, text=True)
    try:
        for name, data in bombs.items():
            started = time.monotonic()
            answer = requests.post(url, headers=headers, data={"title": f"Bom {name}", "doc_type": "report"},
                                   files={"file": ("bom.pdf", data, "application/pdf")}, timeout=60)
            took = time.monotonic() - started
            assert answer.status_code == 422, (name, answer.text)
            assert answer.json()["error"]["code"] in ("pdf_bomb", "pdf_corrupt"), name
            assert took < 5, (name, took)
    finally:
        probe.terminate()
    timings = [float(line) for line in probe.communicate()[0].split()]
    assert len(timings) > 10
    assert max(timings) < 0.2, sorted(timings)[-5:]


def test_a_stored_bomb_fails_in_the_extraction_job_without_touching_the_jobs_memory(app, client, meeting,
                                                                                     secretary):
    from ecabinet.core import storage
    from ecabinet.materials import operations as ops

    stored = _upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=3)).get_json()
    with app.app_context():
        version = db.session.scalar(sa.select(MaterialVersion).where(MaterialVersion.material_id == stored["id"]))
        storage.path_for(version.sha256).write_bytes(pdfs.chain_bomb_pdf())  # stored before the checks existed
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.monotonic()
        assert ops.extract_pending() == 1
        assert time.monotonic() - started < 10
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 << 10  # KiB
        db.session.commit()
        version = db.session.get(MaterialVersion, version.id)
        assert version.text_status == TextStatus.FAILED
        assert version.text_error.startswith("PdfRejected: bomb")


def test_the_extraction_job_reads_files_only_in_the_isolated_worker(app, client, meeting, secretary):
    from ecabinet.materials import operations as ops

    stored = _upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=4)).get_json()
    app.config["SANDBOX_TIMEOUT_SECONDS"] = 0.001  # no worker reads a file in a millisecond
    with app.app_context():
        assert ops.extract_pending() == 1
        db.session.commit()
        version = db.session.scalar(sa.select(MaterialVersion).where(MaterialVersion.material_id == stored["id"]))
        assert version.text_status == TextStatus.FAILED
        assert version.text_error.startswith("TimedOut")
