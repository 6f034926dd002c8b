from tests.meetings.conftest import schedule_meeting, secretary, venue  # noqa: F401  (shared fixtures)
