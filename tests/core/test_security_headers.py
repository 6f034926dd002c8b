"""Security headers on every kind of response (a page, the API, a download, a PDF, an error, a static file), uploaded
files as attachments, HSTS only where configured. That the policy breaks no page is checked in Chromium
(tests/test_browser_csp.py)."""

from __future__ import annotations

from ecabinet import create_app
from tests.fixtures.materials import upload_pdf
from tests.fixtures.web import api_token, web_login

COMMON = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "SAMEORIGIN",
          "Referrer-Policy": "strict-origin-when-cross-origin"}


def _assert_secured(response, what: str) -> None:
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (what, name, response.headers.get(name))
    assert "camera=()" in response.headers["Permissions-Policy"] and "geolocation=()" in \
        response.headers["Permissions-Policy"], what
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "frame-ancestors 'self'" in policy, what
    if response.mimetype != "application/pdf":
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'", what
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'", what
        assert directives["connect-src"] == "'self' ws://localhost wss://localhost", what
    assert "Strict-Transport-Security" not in response.headers, what


def test_every_kind_of_response_carries_the_security_headers(client, people, meeting, secretary):
    material = upload_pdf(client, secretary, meeting["id"])
    office = api_token(client, "chanhvp")
    answers = {
        "sign-in page": client.get("/login"),
        "static file": client.get("/static/css/app.css"),
        "page 404": client.get("/no-such-page"),
        "API": client.get("/api/v1/me", headers=office),
        "API 404": client.get("/api/v1/meetings/999999", headers=office),
        "API 401": client.get("/api/v1/me"),
        "Excel download": client.get("/api/v1/tasks.xlsx", headers=office),
        "generated PDF": client.get("/api/v1/schedules/2026-11-23/pdf", headers=office),
        "uploaded PDF": client.get(f"/api/v1/materials/{material['id']}/file", headers=secretary),
    }
    for what, response in answers.items():
        assert response.status_code in (200, 401, 404), (what, response.status_code)
        _assert_secured(response, what)
    web_login(client, "chuyenvien")
    _assert_secured(client.get("/"), "home page")
    assert answers["uploaded PDF"].headers["Content-Disposition"].startswith("attachment;")
    assert answers["Excel download"].headers["Content-Disposition"].startswith("attachment;")
    # A document the server makes itself opens in the browser's viewer; its policy has no fetch directive that
    # would block that viewer.
    assert answers["generated PDF"].headers["Content-Disposition"].startswith("inline;")
    assert "object-src" not in answers["generated PDF"].headers["Content-Security-Policy"]


def test_hsts_is_sent_where_configured(database_url, tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, STORAGE_DIR=str(tmp_path), HSTS_SECONDS=31536000)
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert create_app("production", SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI=database_url,
                      STORAGE_DIR=str(tmp_path)).config["HSTS_SECONDS"] == 365 * 24 * 3600
