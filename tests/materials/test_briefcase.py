"""The offline briefcase's server side: what a leader's device may keep (the policy's filters, in SQL), what it
must wipe (meetings past their keeping time, access withdrawn, replaced versions, confidential materials unless
allowed), the session's key and the devices (revoked: wipe), on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
from datetime import timedelta
from io import BytesIO

import sqlalchemy as sa

from ecabinet.audit.models import AuditEvent
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.materials.models import MaterialRead
from ecabinet.meetings.models import Meeting
from tests.fixtures import pdfs
from tests.fixtures.materials import publish, upload_pdf
from tests.fixtures.web import api_token, csrf_from, ok, signed_in

SYNC = "/api/v1/briefcase/sync"


def _browser(app, username: str):
    """A signed-in browser and the CSRF token of its session."""
    client = signed_in(app.test_client(), username)
    return client, {"X-CSRFToken": csrf_from(client.get("/account/devices").get_data(as_text=True))}


def _device(client, csrf, device_id: str = "tablet-of-a-leader") -> str:
    return ok(client.post("/api/v1/briefcase/devices", headers=csrf, json={"device_id": device_id}), 201)[
        "device_id"]


def _published_meeting(client, secretary, meeting, people) -> dict:
    ok(client.post(f"/api/v1/meetings/{meeting['id']}/status", headers=secretary,
                   json={"action": "publish", "version": meeting["version"]}))
    normal = upload_pdf(client, secretary, meeting["id"], title="Tờ trình kế hoạch vốn")
    secret = upload_pdf(client, secretary, meeting["id"], title="Báo cáo mật", confidentiality="confidential",
                        reader_ids=str(people.leader))
    publish(client, secretary, meeting["id"])
    draft = upload_pdf(client, secretary, meeting["id"], title="Dự thảo chưa công bố")
    return {"normal": normal, "secret": secret, "draft": draft}


def test_a_leader_keeps_the_readable_materials_of_coming_meetings(app, client, meeting, secretary, people,
                                                                   monkeypatch):
    materials = _published_meeting(client, secretary, meeting, people)
    leader, csrf = _browser(app, "pct")  # the chair
    device = _device(leader, csrf)
    stale = [{"meeting_id": meeting["id"], "material_id": materials["normal"]["id"], "key": "an-older-version"},
             {"meeting_id": 999_999, "material_id": 77, "key": "a-meeting-no-longer-shown"}]
    plan = ok(leader.post(SYNC, headers=csrf, json={"device_id": device, "cached": stale}))
    assert plan["wipe"] is False and meeting["id"] in plan["meeting_ids"]
    files = {f["material_id"]: f for f in plan["files"] if f["meeting_id"] == meeting["id"]}
    normal = materials["normal"]
    # the confidential material is left out by default; the unpublished one the leader may not read yet
    assert set(files) == {normal["id"]}
    assert files[normal["id"]] == {
        "meeting_id": meeting["id"], "material_id": normal["id"], "key": normal["versions"][0]["sha256"],
        "size": normal["versions"][0]["size"], "page_count": 3, "file_url": f"/api/v1/materials/{normal['id']}/file",
        "page_url": f"/materials/{normal['id']}/read", "notes_url": f"/api/v1/materials/{normal['id']}/notes"}
    assert plan["to_wipe"] == stale
    # downloading ahead is not reading: no read receipt until the leader opens it
    prefetched = leader.get(files[normal["id"]]["file_url"], headers={"X-Briefcase": "prefetch"})
    assert prefetched.status_code == 200 and prefetched.data.startswith(b"%PDF")
    with app.app_context():
        assert db.session.scalars(sa.select(MaterialRead).where(MaterialRead.material_id == normal["id"])).all() == []

    monkeypatch.setitem(app.config, "BRIEFCASE_CONFIDENTIAL", True)
    plan = ok(leader.post(SYNC, headers=csrf, json={"device_id": device, "cached": []}))
    assert materials["secret"]["id"] in {f["material_id"] for f in plan["files"]}
    monkeypatch.setitem(app.config, "BRIEFCASE_CONFIDENTIAL", False)

    # a replaced material: the old version is wiped; a viewer not in the meeting keeps nothing of it
    held = [{"meeting_id": meeting["id"], "material_id": normal["id"], "key": files[normal["id"]]["key"]}]
    ok(client.post(f"/api/v1/materials/{normal['id']}/versions", headers=secretary,
                   data={"file": (BytesIO(pdfs.text_pdf(4, seed=2)), "v2.pdf")}, content_type="multipart/form-data"),
       201)
    plan = ok(leader.post(SYNC, headers=csrf, json={"device_id": device, "cached": held}))
    assert plan["to_wipe"] == held
    # another leader, not in the meeting, keeps nothing of it; the secretariat keeps no briefcase
    other_leader, other_csrf = _browser(app, "chutich")
    assert other_leader.post("/api/v1/briefcase/devices", headers=other_csrf,
                             json={"device_id": device}).status_code == 409  # the first leader's
    other = ok(other_leader.post(SYNC, headers=other_csrf,
                                 json={"device_id": _device(other_leader, other_csrf, "another-tablet")}))
    assert meeting["id"] not in other["meeting_ids"] and other["files"] == []
    secretariat, secretariat_csrf = _browser(app, "chuyenvien")
    assert secretariat.post("/api/v1/briefcase/devices", headers=secretariat_csrf,
                            json={"device_id": "a-secretary-pc"}).status_code == 403
    assert 'data-signed-in="0"' in secretariat.get("/").get_data(as_text=True)  # its browser wipes, keeps nothing

    # closed longer than BRIEFCASE_KEEP_HOURS ago: everything of it is wiped
    with app.app_context():
        ended = utcnow() - timedelta(hours=app.config["BRIEFCASE_KEEP_HOURS"] + 1)
        db.session.execute(sa.update(Meeting).where(Meeting.id == meeting["id"]).values(
            status="closed", starts_at=ended - timedelta(hours=2), ends_at=ended))
        db.session.commit()
    held = [{"meeting_id": meeting["id"], "material_id": f["material_id"], "key": f["key"]} for f in plan["files"]]
    plan = ok(leader.post(SYNC, headers=csrf, json={"device_id": device, "cached": held}))
    assert meeting["id"] not in plan["meeting_ids"] and plan["files"] == [] and plan["to_wipe"] == held


def test_the_key_lives_with_the_session_and_a_revoked_device_wipes(app, client, people):
    leader, csrf = _browser(app, "pct")
    key = ok(leader.get("/api/v1/briefcase/key"))["key"]
    assert len(base64.b64decode(key)) == 32 and ok(leader.get("/api/v1/briefcase/key"))["key"] == key
    again, _csrf = _browser(app, "pct")
    assert ok(again.get("/api/v1/briefcase/key"))["key"] != key  # another sign-in, another key
    token = api_token(client, "pct")
    assert client.get("/api/v1/briefcase/key", headers=token).status_code == 403  # no briefcase for a token
    assert client.get("/api/v1/briefcase/key").status_code == 401

    device = _device(leader, csrf)
    assert _device(leader, csrf) == device  # registering again: the same device
    page = leader.get("/account/devices").get_data(as_text=True)
    assert f'data-device-id="{device}"' in page and "Thiết bị đọc ngoại tuyến" in page
    device_row = int(page.split('<tr id="device-')[1].split('"')[0])
    renamed = leader.post(f"/account/devices/{device_row}/rename", data={"csrf_token": csrf["X-CSRFToken"],
                                                                         "name": "Máy tính bảng phòng họp"})
    assert renamed.status_code == 302 and "Máy tính bảng phòng họp" in leader.get("/account/devices").get_data(
        as_text=True)
    admin, _admin_csrf = _browser(app, "admin")
    page = admin.get(f"/admin/users/{people.leader}/devices").get_data(as_text=True)
    assert "Máy tính bảng phòng họp" in page and f'id="device-{device_row}"' in page
    assert leader.get(f"/admin/users/{people.leader}/devices").status_code == 403
    response = admin.post(f"/admin/users/{people.leader}/devices/{device_row}/revoke",
                          data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302

    assert leader.post(SYNC, headers=csrf, json={"device_id": device}).status_code == 401  # signed out there
    back, back_csrf = _browser(app, "pct")
    answer = back.post(SYNC, headers=back_csrf, json={"device_id": device, "cached": []})
    assert answer.status_code == 410 and answer.get_json()["wipe"] is True
    with app.app_context():
        revoked = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "briefcase_devices",
                                                                 AuditEvent.action == "update")).all()
        assert [sorted(event.changes) for event in revoked] == [["name"], ["revoked_at", "revoked_by_id"]]
