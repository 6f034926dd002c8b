"""Dates at the ends of the calendar (0001-01-01, 9999-12-31) in any path, query or body: refused with a clear
answer (a 4xx), never an OverflowError's 500."""

from __future__ import annotations

import re

from ecabinet.core.api import _temporal_fields, registry
from tests.fixtures.web import api_token, web_login

EXTREME_DAYS = ("0001-01-01", "9999-12-31")
EXTREME_MOMENTS = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "9999-12-31T23:59:59")
PARAM = re.compile(r"<(\w+:)?(\w+)>")


def _urls(rule: str) -> list[str]:
    """The rule with ids as 1 and every other path parameter (a week, a day) at each end of the calendar."""
    ids = PARAM.sub(lambda m: "1" if m.group(1) else "{}", rule)
    return [ids.format(*[day] * ids.count("{}")) for day in EXTREME_DAYS] if "{}" in ids else [ids]


def _extremes(model) -> list[dict[str, str]]:
    if model is None:
        return [{}]
    fields = _temporal_fields(model)
    return [{name: value for name in fields} for value in EXTREME_DAYS + EXTREME_MOMENTS] if fields else [{}]


def test_extreme_dates_are_refused_by_every_api_operation(client, people):
    """As the administrator and as the Office's leader, between them allowed nearly every operation."""
    tried = 0
    for username in ("admin", "chanhvp"):
        tried += _try_every_operation(client, api_token(client, username))
    assert tried > 80


def _try_every_operation(client, headers) -> int:
    tried = 0
    for endpoint in registry.endpoints:
        if endpoint.rule.endswith("/auth/token") and endpoint.method == "DELETE":
            continue
        for url in _urls(endpoint.rule):
            for query in _extremes(endpoint.query):
                for body in _extremes(endpoint.body):
                    if not (query or body or url != endpoint.rule.replace("<int:", "<")):
                        continue
                    response = client.open(url, method=endpoint.method, headers=headers, query_string=query,
                                           json=body if endpoint.body else None)
                    tried += 1
                    assert response.status_code < 500, (endpoint.method, url, query, body, response.get_json())
                    assert response.status_code < 300 or set(response.get_json()) == {"error"}
    return tried


def test_extreme_dates_in_the_schedule_and_its_pages_answer_clearly(client, people):
    headers = api_token(client, "admin")
    for day in EXTREME_DAYS:
        response = client.get(f"/api/v1/schedules/{day}", headers=headers)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    web_login(client, "admin")
    for url in ("/schedules/0001-01-01", "/schedules/9999-12-31", "/meetings?view=week&date=31/12/9999",
                "/meetings?view=month&date=01/01/0001", "/meetings/mine?view=week&date=9999-12-31"):
        response = client.get(url)
        assert response.status_code in (404, 422), (url, response.status_code)
