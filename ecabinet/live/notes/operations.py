"""Private notes on the pages of a material: only their author ever sees them.

A note is keyed by the material, not by a version: it stays when a new version comes, and records the version it
was written on. Operations flush and never commit.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ecabinet.accounts.models import User
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.live.models import PrivateNote
from ecabinet.materials.models import Material


def notes_of(user: User, material: Material) -> list[PrivateNote]:
    return list(db.session.scalars(sa.select(PrivateNote).where(PrivateNote.user_id == user.id,
                                                                PrivateNote.material_id == material.id)
                                   .order_by(PrivateNote.page, PrivateNote.id)))


def add_note(user: User, material: Material, page: int, text: str) -> PrivateNote:
    """A note on ``page`` of the material's current version."""
    current = material.current
    if current is None:
        raise DomainError("no_pages", _("This material has no electronic file to write notes on."), "page")
    if page > current.page_count:
        raise DomainError("page_out_of_range", _("This material has %(n)s pages.", n=current.page_count), "page")
    now = utcnow()
    note = PrivateNote(user_id=user.id, material_id=material.id, page=page, version_number=current.number,
                       text=text, created_at=now, updated_at=now)
    db.session.add(note)
    db.session.flush()
    return note


def edit_note(note: PrivateNote, text: str) -> None:
    note.text, note.updated_at = text, utcnow()
    db.session.flush()


def delete_note(note: PrivateNote) -> None:
    db.session.delete(note)
    db.session.flush()


def note_row(note: PrivateNote, material: Material) -> dict[str, Any]:
    return {"id": note.id, "material_id": note.material_id, "page": note.page, "text": note.text,
            "written_on_version": note.version_number,
            "current_version": material.current.number if material.current else None,
            "created_at": note.created_at, "updated_at": note.updated_at}
