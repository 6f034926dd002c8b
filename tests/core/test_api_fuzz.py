"""Hostile input to every API endpoint: whatever arrives, the answer is never a 500."""

from __future__ import annotations

import json
import os
import re

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecabinet.accounts import passwords
from ecabinet.accounts.models import LoginThrottle, Role, User, UserRole
from ecabinet.core.api import registry
from ecabinet.core.db import db
from tests.fixtures.web import PASSWORD, api_token

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False) | st.text(max_size=300),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4),
    max_leaves=12,
)
path_ids = st.integers(min_value=1, max_value=8) | st.integers(min_value=0, max_value=2**70)
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _endpoints():
    """Every registered endpoint (the app has imported them all) but revoking one's own token."""
    endpoints = [ep for ep in registry.endpoints if not (ep.rule.endswith("/auth/token") and ep.method == "DELETE")]
    assert len(endpoints) >= 14
    return endpoints


def _body(endpoint, data):
    """A body shaped like the schema (its field names, random values) or any JSON at all."""
    if endpoint.body is None:
        return None
    fields = list(endpoint.body.model_fields)
    return data.draw(st.one_of(
        st.fixed_dictionaries({}, optional={name: json_values for name in fields}),
        json_values,
    ))


def _admin_headers(client, admin_id: int) -> dict[str, str]:
    """The fuzz runs as the administrator and may change the administrator itself (a new password, deactivated,
    no longer an admin): each example starts from an administrator who can sign in."""
    with client.application.app_context():
        admin = db.session.get(User, admin_id)
        admin.active = True
        admin.password_hash = passwords.hash_password(PASSWORD)
        if Role.ADMIN not in admin.roles:
            admin.role_links.append(UserRole(role=Role.ADMIN))
        db.session.execute(sa.delete(LoginThrottle))
        db.session.commit()
        username = admin.username
    return api_token(client, username)


@pytest.mark.long
@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_input_makes_the_api_fail(client, people, data):
    headers = _admin_headers(client, people.admin)
    for endpoint in _endpoints():
        url = PARAM.sub(lambda _m: str(data.draw(path_ids)), endpoint.rule)
        if endpoint.query is not None:
            params = data.draw(st.dictionaries(st.sampled_from(list(endpoint.query.model_fields)),
                                               st.text(max_size=40), max_size=3))
            url += "?" + "&".join(f"{k}={json.dumps(v)[1:-1]}" for k, v in params.items())
        body = _body(endpoint, data)
        response = client.open(url, method=endpoint.method, headers=headers,
                               data=None if body is None else json.dumps(body), content_type="application/json")
        assert response.status_code < 500, (endpoint.method, url, body, response.get_data(as_text=True)[:500])
        if response.status_code >= 400:
            assert set(response.get_json()) == {"error"}
