"""The shared fixtures are plugins in ``tests/fixtures/``; test packages import helpers only from there."""

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.network",
    "tests.fixtures.processes",
    "tests.fixtures.browser",
    "tests.fixtures.web",
    "tests.fixtures.meetings",
    "tests.fixtures.notify",
    "tests.fixtures.live",
    "tests.fixtures.minutes",
    "tests.fixtures.conclusions",
    "tests.fixtures.notices",
    "tests.fixtures.tasks",
    "tests.fixtures.signing",
    "tests.fixtures.demo",
]
