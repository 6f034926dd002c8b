"""``flask --app ecabinet seed-demo``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ecabinet.core.db import db
from ecabinet.demo import operations as ops


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed when the database has no users yet.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Create the demo province: units, sectors, leaders, secretariat and agency liaisons."""
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("seed-demo is refused in production: demo accounts share a known password")
    if if_empty and not ops.database_is_empty():
        click.echo("Database already has users; demo data not seeded.")
        return
    report = ops.seed(current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    click.echo(f"Demo data ready: {report.users_created} users created, {report.users_total} demo users in all.")
    click.echo("Demo logins (password from ECABINET_DEMO_PASSWORD, default 'demo'):")
    for username, title in ops.demo_logins():
        click.echo(f"  {username:<12} {title}")
