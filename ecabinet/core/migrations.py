"""Flask-Migrate (Alembic) on an app only when its schema is migrated: by ``flask db …`` (``db_command``, which
``create_app`` registers by name) or by ``upgrade``/``downgrade`` from code; a server never imports Alembic."""

from __future__ import annotations

from pathlib import Path

import click
import flask_migrate
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate.cli import db as migrate_commands

from ecabinet.core.db import db

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def install(app: Flask) -> None:
    """Flask-Migrate on ``app``, once: what ``migrations/env.py`` reads (``app.extensions["migrate"]``)."""
    if "migrate" not in app.extensions:
        flask_migrate.Migrate(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)


@with_appcontext
def _installed(**options) -> None:
    install(current_app._get_current_object())
    migrate_commands.callback(**options)  # Flask-Migrate's own: its options (-d, -x) kept for its commands


db_command = click.Group("db", commands=dict(migrate_commands.commands), params=migrate_commands.params,
                         callback=_installed, help=migrate_commands.help)
"""``flask db …``: Flask-Migrate's commands, on the app once Flask-Migrate is installed on it."""


def upgrade(revision: str = "head") -> None:
    """``flask db upgrade`` in the current app context."""
    install(current_app._get_current_object())
    flask_migrate.upgrade(revision=revision)


def downgrade(revision: str) -> None:
    """``flask db downgrade`` in the current app context."""
    install(current_app._get_current_object())
    flask_migrate.downgrade(revision=revision)
