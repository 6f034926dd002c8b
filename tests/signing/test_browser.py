"""A real Chromium against the real server (gevent, as `make run` serves): the admin checks a signed PDF."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from ecabinet.signing import operations as signing
from tests.conftest import ROOT
from tests.servers import free_port, wait_healthy
from tests.signing.conftest import SIGNER_NAME
from tests.test_browser import ARTIFACTS, browser  # noqa: F401  (shared fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def signing_server(tmp_path_factory, pki):
    """The demo, migrated and seeded, served with the test certificate and CA configured."""
    workdir = tmp_path_factory.mktemp("signing-live")
    port = free_port()
    env = {**os.environ, "ECABINET_DATABASE_URL": f"sqlite:///{workdir / 'live.sqlite3'}",
           "ECABINET_STORAGE_DIR": str(workdir / "storage"), "ECABINET_ENV": "development",
           "ECABINET_SIGNING_PKCS12_PATH": str(pki.p12), "ECABINET_SIGNING_PKCS12_PASSWORD": pki.password,
           "ECABINET_SIGNING_TRUST_ROOTS": str(pki.ca_pem), "ECABINET_SCHEDULER_IN_PROCESS": "false",
           "FLASK_APP": "ecabinet", "HOST": "127.0.0.1", "PORT": str(port)}
    flask = [sys.executable, "-m", "flask"]
    for command in (["db", "upgrade"], ["seed-demo", "--if-empty"]):
        subprocess.run(flask + command, env=env, cwd=ROOT, check=True, capture_output=True)
    server = subprocess.Popen([sys.executable, "-m", "ecabinet.serve"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server, lambda: server.stdout.read())
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _sign_outside_playwright(app, data: bytes) -> bytes:
    """Playwright's sync API keeps an event loop running in this thread, and pyHanko starts its own."""
    def sign() -> bytes:
        with app.app_context():
            return signing.sign_pdf(data)

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(sign).result()


def test_the_admin_checks_a_signed_pdf_on_a_tablet(signing_server, browser, plain_app, notice_pdf,  # noqa: F811
                                                    tmp_path):
    signed = tmp_path / "thong-bao-ket-luan.pdf"
    signed.write_bytes(_sign_outside_playwright(plain_app, notice_pdf))
    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(signing_server + "/login")
    page.fill("#username", "admin")
    page.fill("#password", "demo")
    page.click("#login-submit")
    page.wait_for_selector("main#home")

    page.goto(signing_server + "/admin/signing")
    assert SIGNER_NAME in page.inner_text("#certificate-subject")
    assert page.is_visible("#no-revocation")
    page.set_input_files("#file", str(signed))
    page.click("#check-submit")
    page.wait_for_selector("#signatures")
    row = page.locator(".signature-row")
    assert row.count() == 1 and row.get_attribute("data-signature-code") == "valid_trusted"
    assert SIGNER_NAME in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "signing-admin-800x1280.png"), full_page=True)
    assert not problems, problems
    context.close()
