"""The last run of each scheduled job, kept in the database: a restarted scheduler runs at once what is overdue."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ecabinet.core.db import db, enum_type, upsert_insert


class JobOutcome(enum.StrEnum):
    OK = "ok"
    FAILED = "failed"


class JobRun(db.Model):
    """One row per job: its latest run."""

    __tablename__ = "job_runs"

    job_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    outcome: Mapped[JobOutcome] = mapped_column(enum_type(JobOutcome, "job_outcome"))


def record_run(job_id: str, started_at: datetime, finished_at: datetime, outcome: JobOutcome) -> None:
    """The caller commits."""
    values = {"started_at": started_at, "finished_at": finished_at, "outcome": outcome}
    db.session.execute(upsert_insert(JobRun.__table__).values(job_id=job_id, **values)
                       .on_conflict_do_update(index_elements=["job_id"], set_=values))


def last_runs() -> dict[str, JobRun]:
    return {run.job_id: run for run in db.session.scalars(sa.select(JobRun))}
