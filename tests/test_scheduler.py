"""The scheduler: one table of jobs, runnable once from the command line, safe to run twice."""

import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.schedules.models import WeeklySchedule
from ecabinet.scheduler import start_in_process


def test_scheduler_once_runs_every_job_and_a_second_run_changes_nothing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["scheduler", "--once"])
    assert first.exit_code == 0 and "every job ran once" in first.output
    second = runner.invoke(args=["scheduler", "--once"])
    assert second.exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WeeklySchedule)) == 1


def test_the_in_process_scheduler_holds_every_job(app):
    scheduler = start_in_process(app)
    try:
        assert sorted(job.id for job in scheduler.get_jobs()) == [
            "build-meeting-packs", "deliver-email", "draft-conclusion-notices", "draft-next-weekly-schedule",
            "extract-material-text", "prune-caches", "publish-weekly-schedule", "remind-conclusion-notices",
            "remind-material-requests", "remind-opinion-polls", "remind-tasks", "roll-periodic-tasks", "task-digest"]
    finally:
        scheduler.shutdown(wait=False)
