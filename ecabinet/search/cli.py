"""``flask search rebuild``: the index made again from every row (after a bulk import, or to repair it)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ecabinet.search import operations

search_command = AppGroup("search", help="The search index.")


@search_command.command("rebuild")
def rebuild_command() -> None:
    """Rebuild the whole search index, in batches."""
    counts = operations.rebuild(lambda kind, count: click.echo(f"{kind}: {count} entries"))
    click.echo(f"search index rebuilt: {sum(counts.values())} entries")
