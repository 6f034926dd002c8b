"""JSON API of the offline briefcase (static/js/briefcase.js and briefcase-sw.js): devices, key and sync.

Only a browser signed in with a session keeps a briefcase: its key is derived from that session's secret.
"""

from __future__ import annotations

import base64

from flask import Blueprint, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user

from ecabinet.core.api import ApiError, route
from ecabinet.core.db import db
from ecabinet.materials.briefcase import operations as ops
from ecabinet.materials.briefcase.schemas import DeviceIn, DeviceOut, FileOut, KeyOut, SyncBody, SyncOut
from ecabinet.policy import Action, require

bp = Blueprint("briefcase_api", __name__, url_prefix="/briefcase")


def _session_id() -> int:
    credential = g.get("credential")
    if credential is None or credential.kind != "session" or not current_user.get_id():
        raise ApiError(403, "session_only", _("The offline briefcase needs a signed-in browser."))
    require(current_user, Action.KEEP_BRIEFCASE)
    return credential.id


@route(bp, "/devices", method="POST", summary="Register this browser as a device of the briefcase",
       body=DeviceIn, response=DeviceOut, status=201)
def register(body: DeviceIn):
    """Registering again under the same id is the same device; an id of another user's device is 409."""
    device = ops.register(current_user, body.device_id, _session_id(), request.user_agent.string)
    db.session.commit()
    return DeviceOut(device_id=device.public_id, name=device.name)


@route(bp, "/key", summary="The key this sign-in session encrypts the briefcase with", response=KeyOut)
def key():
    _session_id()
    return KeyOut(key=base64.b64encode(ops.session_key(current_user.get_id())).decode())


def _file(entry: ops.Entry) -> FileOut:
    if entry.material_id is None:
        return FileOut(**vars(entry), file_url=f"/api/v1/meetings/{entry.meeting_id}/pack.pdf", page_url=None,
                       notes_url=None)
    return FileOut(**vars(entry), file_url=f"/api/v1/materials/{entry.material_id}/file",
                   page_url=f"/materials/{entry.material_id}/read",
                   notes_url=f"/api/v1/materials/{entry.material_id}/notes")


@route(bp, "/sync", method="POST", summary="What this device may keep and what it must wipe", body=SyncBody,
       response=SyncOut)
def sync(body: SyncBody):
    """The device reports what it holds; the answer lists every file it may keep (the readable materials of the
    user's coming meetings and their packs) and what to delete. A revoked or unknown device gets 410 with
    ``wipe``: it deletes everything."""
    session_id = _session_id()
    device = ops.own_device(current_user, body.device_id)
    if device is None or device.revoked_at is not None:
        response = current_app.json.response(SyncOut(wipe=True).model_dump())
        response.status_code = 410
        return response
    cached = [item.model_dump() for item in body.cached]
    allowed = ops.contents(current_user)
    ops.report(device, session_id, cached)
    db.session.commit()
    return SyncOut(wipe=False, meeting_ids=[meeting.id for meeting in allowed.meetings],
                   files=[_file(entry) for entry in allowed.entries], to_wipe=ops.to_wipe(cached, allowed))
