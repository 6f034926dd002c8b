"""Scheduled jobs (APScheduler 3): one table of jobs, run in-process or by ``flask scheduler``.

Each job polls the database for what is due and records what it did in the same
transaction, so a job run twice, or a scheduler restarted mid-run, does no harm. APScheduler 3
keeps its schedule per process and has no lock shared between processes: with several web
processes each would run every job. Production therefore runs exactly one ``flask --app
ecabinet scheduler`` process; under ``make run`` the single server process runs them itself.

Each job's last run is kept in the database (``core.jobs``): a scheduler starting, however often it is
restarted, runs at once every job whose interval has passed since then, and the others when they fall due.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import click
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from flask.cli import with_appcontext

from ecabinet.core import jobs as job_runs
from ecabinet.core import sweep
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db

log = logging.getLogger("ecabinet.scheduler")


@dataclass(frozen=True)
class Job:
    id: str
    run: Callable[[], Any]
    """Does the work in the current app context; what it returns is not used."""
    every_seconds: int


def _jobs() -> list[Job]:
    from ecabinet.notices import drafting as notice_drafting
    from ecabinet.notices import reminders as notice_reminders
    from ecabinet.live.polls import operations as polls
    from ecabinet.materials import ocr as material_ocr
    from ecabinet.materials import operations as materials
    from ecabinet.materials import packs
    from ecabinet.materials.requests import operations as material_requests
    from ecabinet.notify import delivery
    from ecabinet.programme import operations as programme
    from ecabinet.schedules import operations as schedules
    from ecabinet.tasks import digests as task_digests
    from ecabinet.tasks import periodic as periodic_tasks
    from ecabinet.tasks import reminders as task_reminders

    return [
        Job("deliver-email", delivery.deliver_pending, 30),
        Job("draft-next-weekly-schedule", schedules.draft_next_week, 600),
        Job("publish-weekly-schedule", schedules.publish_due, 60),
        Job("extract-material-text", materials.extract_pending, 20),
        Job("recognise-scanned-pages", material_ocr.recognise_pending, 20),
        Job("build-meeting-packs", packs.build_queued, 5),
        Job("prune-caches", packs.prune, 3600),
        Job("remind-material-requests", material_requests.remind_due, 300),
        Job("remind-opinion-polls", polls.remind_due, 300),
        Job("draft-conclusion-notices", notice_drafting.draft_for_ended_meetings, 30),
        Job("remind-conclusion-notices", notice_reminders.remind_unissued, 300),
        Job("remind-tasks", task_reminders.remind_due, 300),
        Job("task-digest", task_digests.weekly_digest, 3600),
        Job("roll-periodic-tasks", periodic_tasks.roll_on_due, 600),
        Job("follow-programme", programme.follow_up, 600),
        Job("sweep-storage", sweep.sweep, 3600),
    ]


def run_job(app: Flask, job: Job) -> None:
    """One run: work, one commit, then the side effects it registered (``core.aftercommit``: notification
    pushes and other Socket.IO events); a failure rolls back, drops them, and is logged. The run is recorded."""
    with app.app_context():
        started_at = utcnow()
        try:
            job.run()
            db.session.commit()
            outcome = job_runs.JobOutcome.OK
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", job.id)
            outcome = job_runs.JobOutcome.FAILED
        _record_run(job, started_at, outcome)


def _record_run(job: Job, started_at: datetime, outcome: job_runs.JobOutcome) -> None:
    try:
        job_runs.record_run(job.id, started_at, utcnow(), outcome)
        db.session.commit()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        log.exception("job %s: its run could not be recorded", job.id)


def _first_runs(app: Flask, jobs: list[Job]) -> dict[str, datetime]:
    """When each job runs first: its interval after its last run, or now when that is past or it never ran."""
    with app.app_context():
        try:
            last = job_runs.last_runs()
        except sa.exc.SQLAlchemyError:
            log.exception("the jobs' last runs cannot be read: every job runs now")
            last = {}
        finally:
            db.session.remove()
        now = utcnow()
    start = datetime.now(timezone.utc)  # APScheduler runs on the real clock, the records on the application's
    return {job.id: start + _still_to_wait(job, last.get(job.id), now) for job in jobs}


def _still_to_wait(job: Job, last: job_runs.JobRun | None, now: datetime) -> timedelta:
    if last is None:
        return timedelta(0)
    return max(timedelta(0), last.started_at + timedelta(seconds=job.every_seconds) - now)


def _add_jobs(scheduler, app: Flask) -> None:
    jobs = _jobs()
    first_runs = _first_runs(app, jobs)
    for job in jobs:
        # however late a run starts (every overdue job is due at once on start), it runs rather than being skipped
        scheduler.add_job(run_job, IntervalTrigger(seconds=job.every_seconds), args=(app, job), id=job.id,
                          next_run_time=first_runs[job.id], misfire_grace_time=None, max_instances=1,
                          coalesce=True, replace_existing=True)


def start_in_process(app: Flask) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    _add_jobs(scheduler, app)
    scheduler.start()
    log.info("scheduler running in-process: %s", ", ".join(j.id for j in scheduler.get_jobs()))
    return scheduler


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once and exit (for cron or a check).")
@click.option("--last-runs", is_flag=True, help="Print when each job last ran, and how it ended, and exit.")
@with_appcontext
def scheduler_command(once: bool, last_runs: bool) -> None:
    """Run the scheduled jobs: exactly one such process per installation."""
    app = current_app._get_current_object()
    if last_runs:
        _print_last_runs()
        return
    if once:
        for job in _jobs():
            run_job(app, job)
        click.echo("every job ran once")
        return
    scheduler = BlockingScheduler(timezone="UTC")
    _add_jobs(scheduler, app)
    click.echo("scheduler running; Ctrl+C stops it")
    scheduler.start()


def _print_last_runs() -> None:
    runs = job_runs.last_runs()
    for job in _jobs():
        run = runs.get(job.id)
        click.echo(f"{job.id:28} every {job.every_seconds:>5} s  " + (
            f"last started {run.started_at:%Y-%m-%d %H:%M:%S} UTC, took "
            f"{(run.finished_at - run.started_at).total_seconds():.1f} s: {run.outcome}" if run else "never ran"))
