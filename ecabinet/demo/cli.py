"""``flask --app ecabinet seed-demo`` and ``seed-demo-years``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ecabinet.core import signals
from ecabinet.core.db import db
from ecabinet.demo import operations as ops
from ecabinet.demo import years as history


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed when the database has no users yet.")
@click.option("--without-history", is_flag=True, help="Leave out the year of past meetings, notices and tasks.")
@with_appcontext
def seed_demo_command(if_empty: bool, without_history: bool) -> None:
    """Create the demo province: units, sectors, leaders, secretariat and agency liaisons of departments and
    communes, this fortnight's meetings and a year of history."""
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("seed-demo is refused in production: demo accounts share a known password")
    if if_empty and not ops.database_is_empty():
        click.echo("Database already has users; demo data not seeded.")
        return
    report = ops.seed(current_app.config["DEMO_PASSWORD"], history=not without_history)
    db.session.commit()
    if report.history:
        signals.rows_written_in_bulk.send(None)
        click.echo("A year of history: " + ", ".join(f"{count:,} {table}" for table, count in report.history.items()))
    click.echo(f"Demo data ready: {report.users_created} users created, {report.users_total} demo users in all.")
    click.echo("Demo logins (password from ECABINET_DEMO_PASSWORD, default 'demo'):")
    for username, title in ops.demo_logins():
        click.echo(f"  {username:<12} {title}")


@click.command("seed-demo-years")
@click.option("--years", default=5, show_default=True, help="How many years back from today.")
@click.option("--scale", default=1.0, show_default=True,
              help="Share of a province's yearly numbers (611 meetings, 3,357 agenda items, 520 notices, 1,004 "
                   "tasks).")
@with_appcontext
def seed_demo_years_command(years: int, scale: float) -> None:
    """Add years of generated meetings, agendas, notices and tasks to the demo province (after seed-demo)."""
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("seed-demo-years is refused in production: it invents a province's history")
    if ops.database_is_empty():
        raise click.ClickException("Run seed-demo first: the generated years need the demo's people.")
    added = history.add_years(years, scale=scale)
    db.session.commit()
    signals.rows_written_in_bulk.send(None)
    click.echo("Added: " + ", ".join(f"{count:,} {table}" for table, count in added.items()))
