"""The API keeps the contract its OpenAPI document states, as Schemathesis tries it like a client would.

Every operation is driven with data the schema allows (it must be accepted, unless a rule of the domain
refuses it with its own error code) and data it forbids (it must be refused with a 4xx), including undeclared
methods (405 with ``Allow``) and calls without credentials (401); every answer must match its declared
status codes and schema and never be a 5xx. All built-in checks are on, on SQLite and on PostgreSQL (where
text lengths and NUL characters matter), about 7,700 cases per database.

Written-down departures from Schemathesis's defaults, each with its reason:

- ``positive_data_acceptance`` is replaced by ``schema_valid_data_accepted`` below, which also lets a 422
  with a domain error code pass (an unknown unit, a weak password): whether a referenced record exists or a
  rule of the domain holds is the database's to say, not the schema's. A 422 ``validation_error`` (what the
  schema could have said) still fails, on every operation.
- The stateful phase (chains of calls linked by ids) is off: the pytest integration runs it only through a
  separate state machine, and its cost does not fit the suite's time budget. Each operation still meets ids
  that exist (the boundary id 1 is the people fixture's first unit and user) and ids that do not.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.fixtures.web import api_token, openapi_document

EXAMPLES_PER_OPERATION = 5

CONFIG = SchemathesisConfig.from_dict({
    "seed": 20261207,
    "generation": {"mode": "all", "max-examples": EXAMPLES_PER_OPERATION, "deterministic": True},
    "phases": {"stateful": {"enabled": False}},
})


schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)


def schema_valid_data_accepted(ctx, response, case):
    """``positive_data_acceptance``, except that a 422 naming a rule of the domain (an unknown unit, a weak
    password, a meeting that is not a leader's) is a fair answer: the schema cannot know the database.
    A 422 ``validation_error`` is the schema's own kind of refusal, so it still fails."""
    if response.status_code == 422 and response.json()["error"]["code"] != "validation_error":
        return None
    return positive_data_acceptance(ctx, response, case)


@pytest.fixture
def admin_headers(client, people):
    """Signed in as the administrator, who may do the most, so that the operations' code runs."""
    return api_token(client, "admin")


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_keeps_its_contract(case, app, admin_headers, monkeypatch):
    # Checks that send requests of their own (without credentials, with other methods) go to this app too
    monkeypatch.setattr(case.operation.schema, "app", app)
    case.call_and_validate(app=app, headers=admin_headers, excluded_checks=[positive_data_acceptance],
                           additional_checks=[schema_valid_data_accepted])
