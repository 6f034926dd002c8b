"""Pages of the offline briefcase: one's own devices (rename, revoke) and an administrator's view of a user's."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ecabinet.accounts.models import User
from ecabinet.core.db import db
from ecabinet.materials.briefcase import operations as ops
from ecabinet.materials.briefcase.models import BriefcaseDevice
from ecabinet.policy import Action, require

bp = Blueprint("briefcase", __name__)


def _device_of(user: User, device_id: int) -> BriefcaseDevice:
    device = db.session.get(BriefcaseDevice, device_id)
    if device is None or device.user_id != user.id:
        abort(404)
    return device


@bp.get("/account/devices")
@login_required
def own_devices():
    return render_template("briefcase/devices.html", owner=current_user, devices=ops.devices_of(current_user),
                           admin=False)


@bp.post("/account/devices/<int:device_id>/rename")
@login_required
def rename(device_id: int):
    ops.rename(_device_of(current_user, device_id), request.form.get("name", ""))
    db.session.commit()
    flash(_("The device has been renamed."), "success")
    return redirect(url_for("briefcase.own_devices"))


@bp.post("/account/devices/<int:device_id>/revoke")
@login_required
def revoke_own(device_id: int):
    ops.revoke(_device_of(current_user, device_id), by=current_user)
    db.session.commit()
    flash(_("The device has been revoked: its offline materials are deleted at its next connection."), "success")
    return redirect(url_for("briefcase.own_devices"))


@bp.get("/admin/users/<int:user_id>/devices")
@login_required
def user_devices(user_id: int):
    require(current_user, Action.MANAGE_USERS)
    owner = db.get_or_404(User, user_id)
    return render_template("briefcase/devices.html", owner=owner, devices=ops.devices_of(owner), admin=True)


@bp.post("/admin/users/<int:user_id>/devices/<int:device_id>/revoke")
@login_required
def revoke_for_user(user_id: int, device_id: int):
    require(current_user, Action.MANAGE_USERS)
    owner = db.get_or_404(User, user_id)
    ops.revoke(_device_of(owner, device_id), by=current_user)
    db.session.commit()
    flash(_("The device has been revoked: its offline materials are deleted at its next connection."), "success")
    return redirect(url_for("briefcase.user_devices", user_id=owner.id))


@bp.get("/offline")
def offline_page():
    """The page the service worker shows for a page asked for with no network (it keeps this copy)."""
    return render_template("briefcase/offline.html", lang=str(get_locale()))


@bp.get("/sw.js")
def service_worker():
    """The briefcase's service worker, served from the root so that its scope is the whole application."""
    response = current_app.send_static_file("js/briefcase-sw.js")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
