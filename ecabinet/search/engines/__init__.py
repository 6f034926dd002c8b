"""The full-text engines behind one small interface (``base.Engine``), chosen by the database's dialect."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ecabinet.search.engines import postgresql, sqlite
from ecabinet.search.engines.base import Engine


def engine_for(session: Session) -> Engine:
    return postgresql.ENGINE if session.get_bind().dialect.name == "postgresql" else sqlite.ENGINE
