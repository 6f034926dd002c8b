"""JSON API of private notes on materials.

A note is its author's alone: anyone else gets 404 for it, never 403, as its existence is private too. Reading notes
on a material needs read access to it, and losing that access hides the notes (404) and keeps them; writing,
changing or deleting them also needs a part in the meeting (``Action.TAKE_NOTES``, 403 otherwise).
"""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from ecabinet.core.api import load_or_404, not_found, route
from ecabinet.core.db import db
from ecabinet.live.notes import operations as ops
from ecabinet.live.models import PrivateNote
from ecabinet.live.polls.schemas import NoteIn, NoteOut, NoteUpdate
from ecabinet.materials.models import Material
from ecabinet.policy import Action, allowed, require

bp = Blueprint("note_api", __name__)


def _material(material_id: int) -> Material:
    return load_or_404(Material, material_id, lambda m: allowed(current_user, Action.VIEW_MATERIAL, m))


def _note(note_id: int) -> tuple[PrivateNote, Material]:
    note = load_or_404(PrivateNote, note_id, lambda n: allowed(current_user, Action.OWN_NOTE, n))
    material = db.session.get(Material, note.material_id)
    if not allowed(current_user, Action.VIEW_MATERIAL, material):
        raise not_found()
    return note, material


@route(bp, "/materials/<int:material_id>/notes", summary="The caller's own notes on a material",
       response=list[NoteOut])
def list_notes(material_id: int):
    """Only the caller's notes, by page; ``written_on_version`` differs from ``current_version`` when the
    material was replaced since."""
    material = _material(material_id)
    return [ops.note_row(note, material) for note in ops.notes_of(current_user, material)]


@route(bp, "/materials/<int:material_id>/notes", method="POST", summary="Write a private note on a page",
       body=NoteIn, response=NoteOut, status=201)
def add_note(material_id: int, body: NoteIn):
    """The page must exist in the current version (422 otherwise)."""
    material = _material(material_id)
    require(current_user, Action.TAKE_NOTES, material)
    note = ops.add_note(current_user, material, body.page, body.text)
    db.session.commit()
    return ops.note_row(note, material)


@route(bp, "/notes/<int:note_id>", summary="One of the caller's own notes", response=NoteOut)
def get_note(note_id: int):
    note, material = _note(note_id)
    return ops.note_row(note, material)


@route(bp, "/notes/<int:note_id>", method="PATCH", summary="Change a private note", body=NoteUpdate,
       response=NoteOut)
def edit_note(note_id: int, body: NoteUpdate):
    note, material = _note(note_id)
    require(current_user, Action.TAKE_NOTES, material)
    ops.edit_note(note, body.text)
    db.session.commit()
    return ops.note_row(note, material)


@route(bp, "/notes/<int:note_id>", method="DELETE", summary="Delete a private note", status=204)
def delete_note(note_id: int):
    note, material = _note(note_id)
    require(current_user, Action.TAKE_NOTES, material)
    ops.delete_note(note)
    db.session.commit()
