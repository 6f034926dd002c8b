"""Declarative base, naming convention and column types shared by every domain."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column, registry

from ecabinet.core.clock import utcnow
from ecabinet.core.exceptions import Overloaded

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite keeps no zone, so naive values read back are UTC by construction; naive values
    are refused on the way in so that local times can never be stored by mistake.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store timezone-aware UTC values")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def enum_type(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum column: VARCHAR holding the member values plus a named CHECK constraint."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )


STORED_FILE = "stored_file"
"""Key of the ``info`` of every column holding the SHA-256 of a file in the store (``core.storage``)."""


def stored_file_column(**kwargs: Any) -> MappedColumn[Any]:
    """A column referring to a file in the store by its SHA-256: the storage sweeper and the backup find every
    reference through these, so a file one of them names is never removed and always backed up."""
    return mapped_column(sa.String(64), info={STORED_FILE: True}, **kwargs)


def upsert_insert(table: sa.Table):
    """An INSERT with ``ON CONFLICT`` for the session's database (PostgreSQL or SQLite, the two supported)."""
    dialect = db.session.get_bind().dialect.name
    dialects = {"postgresql": postgresql, "sqlite": sqlite}
    if dialect not in dialects:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(f"INSERT … ON CONFLICT is not available for {dialect}")
    return dialects[dialect].insert(table)


def skipping_locked(query: sa.Select) -> sa.Select:
    """``query`` locking the rows it reads and passing over those another transaction holds, so that two runs of
    a job never take the same row (PostgreSQL; SQLite has one writer at a time and nothing to pass over)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query


@sa.event.listens_for(sa.Engine, "connect")
def _sqlite_enforce_foreign_keys(dbapi_connection, connection_record) -> None:
    """SQLite ignores foreign keys unless asked, per connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


class Base(DeclarativeBase):
    registry = registry(metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
                        type_annotation_map={datetime: UTCDateTime()})


db = SQLAlchemy(model_class=Base)


class CreatedAtMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TimestampMixin(CreatedAtMixin):
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def engine_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """The engine's options with the pool sized from ``DB_POOL_*``, bounds on connecting and on waiting for a lock
    (PostgreSQL; SQLite keeps SQLAlchemy's own pool)."""
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return options
    lock_timeout_ms = config["DB_LOCK_TIMEOUT_SECONDS"] * 1000
    return {**options, "pool_size": config["DB_POOL_SIZE"], "max_overflow": config["DB_POOL_OVERFLOW"],
            "pool_timeout": config["DB_POOL_TIMEOUT_SECONDS"],
            "connect_args": {"connect_timeout": config["DB_CONNECT_TIMEOUT_SECONDS"], **options.get("connect_args", {}),
                             "options": f"-c lock_timeout={lock_timeout_ms}"}}


@contextmanager
def waiting_for_locks() -> Iterator[None]:
    """Around statements that wait for a contended row lock: PostgreSQL giving up (``lock_timeout``, SQLSTATE
    55P03) is overload, answered 503 with Retry-After (``Overloaded``), not an internal error."""
    try:
        yield
    except sa.exc.OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) == "55P03":
            raise Overloaded("waited too long for a lock") from exc
        raise
