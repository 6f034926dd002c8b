"""The shared fixtures are plugins in ``tests/fixtures/``; test packages import helpers only from there."""

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.network",
    "tests.fixtures.browser",
]
