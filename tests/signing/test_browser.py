"""A real Chromium against the real server (gevent, as `make run` serves): the admin checks a signed PDF."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from ecabinet.signing import operations as signing
from tests.fixtures.browser import ARTIFACTS, serve, sign_in_page
from tests.fixtures.signing import SIGNER_NAME

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def signing_server(seeded_demo, tmp_path_factory, pki):
    """The demo served with the test certificate and CA configured."""
    workdir = tmp_path_factory.mktemp("signing-live")
    yield from serve(seeded_demo.copy_to(workdir), workdir, ECABINET_SIGNING_PKCS12_PATH=str(pki.p12),
                     ECABINET_SIGNING_PKCS12_PASSWORD=pki.password, ECABINET_SIGNING_TRUST_ROOTS=str(pki.ca_pem),
                     ECABINET_SCHEDULER_IN_PROCESS="false")


def _sign_outside_playwright(app, data: bytes) -> bytes:
    """Playwright's sync API keeps an event loop running in this thread, and pyHanko starts its own."""
    def sign() -> bytes:
        with app.app_context():
            return signing.sign_pdf(data)

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(sign).result()


def test_the_admin_checks_a_signed_pdf_on_a_tablet(signing_server, browser, plain_app, notice_pdf,
                                                    tmp_path):
    signed = tmp_path / "thong-bao-ket-luan.pdf"
    signed.write_bytes(_sign_outside_playwright(plain_app, notice_pdf))
    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in_page(page, signing_server, "admin")

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
