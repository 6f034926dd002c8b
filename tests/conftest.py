"""The shared fixtures are plugins in ``tests/fixtures/``; test packages import helpers only from there."""

from ecabinet.core.memory import tune_gc

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
    "tests.fixtures.reports",
    "tests.fixtures.signing",
    "tests.fixtures.demo",
]


def pytest_collection_finish(session) -> None:
    """A test process holds a large long-lived heap once it has collected (the items, Hypothesis and Schemathesis
    strategies, the mappers): it leaves the garbage collector, and young collections are made rarer, as in the
    servers (``tune_gc``). A sixth of the contract tests' CPU went to collections that found nothing."""
    tune_gc()
