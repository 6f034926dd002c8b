"""``flask --app ecabinet ocr-scans``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ecabinet.core.db import db
from ecabinet.materials import ocr


@click.command("ocr-scans")
@with_appcontext
def ocr_scans_command() -> None:
    """Queue for OCR the scanned pages of materials stored before OCR existed and of those whose OCR failed."""
    queued = ocr.queue_again()
    db.session.commit()
    click.echo(f"{queued} material version(s) queued for OCR; the recognise-scanned-pages job reads them.")
