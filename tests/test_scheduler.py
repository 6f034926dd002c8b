"""The scheduler: one table of jobs, runnable once from the command line, safe to run twice; a restarted
scheduler runs at once the jobs overdue by their last recorded run."""

import time
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.jobs import JobOutcome, last_runs, record_run
from ecabinet.schedules.models import WeeklySchedule
from ecabinet.scheduler import _jobs, start_in_process

EVERY_JOB = ["build-meeting-packs", "deliver-email", "draft-conclusion-notices", "draft-next-weekly-schedule",
             "extract-material-text", "follow-programme", "prune-caches", "publish-weekly-schedule",
             "recognise-scanned-pages", "remind-conclusion-notices", "remind-material-requests", "remind-opinion-polls",
             "remind-tasks", "roll-periodic-tasks", "sweep-storage", "task-digest"]


def test_scheduler_once_runs_every_job_and_a_second_run_changes_nothing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["scheduler", "--once"])
    assert first.exit_code == 0 and "every job ran once" in first.output
    second = runner.invoke(args=["scheduler", "--once"])
    assert second.exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WeeklySchedule)) == 1
        assert {job_id: run.outcome for job_id, run in last_runs().items()} == dict.fromkeys(EVERY_JOB, JobOutcome.OK)
    listed = runner.invoke(args=["scheduler", "--last-runs"])
    assert listed.exit_code == 0 and "remind-tasks" in listed.output and ": ok" in listed.output


def _until_rerun(app, job_id: str, since: datetime, timeout: float = 15) -> datetime:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            started = last_runs()[job_id].started_at
            db.session.remove()
        if started > since:
            return started
        time.sleep(0.05)
    raise AssertionError(f"{job_id} did not run within {timeout} s")


def test_a_restarted_scheduler_runs_an_overdue_job_at_once_and_a_recent_one_when_due(app):
    with app.app_context():
        now = utcnow()
        for job in _jobs():
            record_run(job.id, now, now, JobOutcome.OK)
        overdue = now - timedelta(minutes=6)  # remind-tasks runs every 5 minutes
        record_run("remind-tasks", overdue, overdue, JobOutcome.FAILED)
        db.session.commit()
    started = datetime.now(timezone.utc)
    scheduler = start_in_process(app)
    try:
        assert sorted(job.id for job in scheduler.get_jobs()) == EVERY_JOB
        _until_rerun(app, "remind-tasks", overdue)
        digest = scheduler.get_job("task-digest")
        assert abs(digest.next_run_time - (started + timedelta(hours=1))) < timedelta(seconds=5)
    finally:
        scheduler.shutdown(wait=True)
    with app.app_context():
        runs = last_runs()
    assert runs["remind-tasks"].outcome == JobOutcome.OK
    assert {job_id for job_id, run in runs.items() if run.started_at != now} == {"remind-tasks"}
