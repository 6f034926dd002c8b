"""Issue 14, hole 4: a ``next`` (after sign-in, the language switch, notifications) goes to this site only."""

import pytest

from ecabinet.core.urls import local_path
from tests.fixtures.web import csrf_from, form_token, web_login

HOSTILE = [
    "//evil.example/phish", "///evil.example", "////evil.example", "/\\evil.example", "\\\\evil.example",
    "\\/evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example",
    " //evil.example", "/%09/evil.example/phish", "/%0a/evil.example", "/%0d%0a/evil.example",
    "/%2F/evil.example", "/%2f%2fevil.example", "%2F%2Fevil.example", "/%5Cevil.example", "/%5c%5cevil.example",
    "/%252F%252Fevil.example", "/%2509/evil.example", "/\x00/evil.example",
    "/\u2028/evil.example", "/\u3000/evil.example", "/\u200b/evil.example", "/%E2%80%A8/evil.example",
    "https://evil.example", "http:evil.example", "http:/evil.example", "HTTPS://evil.example", "//localhost/x",
    "http://localhost/", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
    "evil.example", "", "   ", "/.\\evil.example", "/..\\..\\evil.example", "\u3002evil.example",
    "/\\/evil.example", "/%5C/evil.example",
]

SAFE = ["/", "/meetings/5", "/tasks?sort=created&order=desc", "/notifications#n-3", "/tasks?q=a%20b",
        "/search?q=%2F%2Fnot-a-host"]


@pytest.mark.parametrize("target", HOSTILE)
def test_a_hostile_target_is_refused(target):
    assert local_path(target) is None


@pytest.mark.parametrize("target", SAFE)
def test_a_path_of_this_site_is_kept(target):
    assert local_path(target) == target


def test_sign_in_goes_only_to_a_path_of_this_site(app, people):
    client = app.test_client()
    for target in [*HOSTILE, *SAFE]:
        response = client.post("/login", query_string={"next": target}, data={
            "username": "pct", "password": "mat-khau-2026", "csrf_token": csrf_from(client.get("/login").get_data(
                as_text=True))})
        assert response.status_code == 302
        assert response.headers["Location"] == (target if target in SAFE else "/"), repr(target)
        client.post("/logout", data={"csrf_token": form_token(client)})


def test_the_language_switch_and_notifications_go_only_to_a_path_of_this_site(client, people):
    web_login(client, "pct")
    token = form_token(client)
    for target in HOSTILE:
        assert client.post("/lang/vi", data={"csrf_token": token, "next": target}).headers["Location"] == "/"
        response = client.post("/notifications/read-all", data={"csrf_token": token, "next": target})
        assert response.headers["Location"] == "/notifications", repr(target)
