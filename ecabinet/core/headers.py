"""Security headers on every response: pages, the API, downloads, errors and static files.

The Content-Security-Policy allows nothing inline (no ``<script>`` blocks, no ``style="…"``, no event
attributes): scripts, styles, images, fonts and workers come from the server itself, sockets only to this host.
Only the server's own pages may frame a page (the tablet shows the presented material's reader in a frame).
A PDF gets a policy without fetch directives, so that the browser's own viewer can still show the documents the
server makes (an ``object-src`` would block it). HSTS is sent when ``HSTS_SECONDS`` is set (production)."""

from __future__ import annotations

from flask import Flask, Response, request

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
               "font-src 'self'; worker-src 'self' blob:; connect-src 'self' ws://{host} wss://{host}; "
               "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
PDF_POLICY = "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
FIXED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _add_headers(response: Response, hsts_seconds: int) -> Response:
    for name, value in FIXED.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "application/pdf":
        response.headers.setdefault("Content-Security-Policy", PDF_POLICY)
    else:
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY.format(host=request.host))
    if hsts_seconds > 0:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={hsts_seconds}; includeSubDomains")
    return response


def install_security_headers(app: Flask) -> None:
    hsts_seconds = app.config["HSTS_SECONDS"]
    app.after_request(lambda response: _add_headers(response, hsts_seconds))
