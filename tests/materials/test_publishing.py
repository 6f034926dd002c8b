"""Publishing materials to the participants, live "updated" marks, read receipts and the pack job."""

from __future__ import annotations

import queue
from datetime import timedelta
from io import BytesIO

import pytest
import socketio
import sqlalchemy as sa
from pypdf import PdfReader

from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from tests.fixtures import pdfs
from ecabinet.materials.models import Material, PackBuild, PackStatus
from ecabinet.notify.models import Notification
from ecabinet.policy import Action, material_visibility
from tests.fixtures.network import disconnect
from tests.fixtures.visibility import visible_counts
from tests.fixtures.web import api_token, signed_in
from tests.fixtures.materials import build_packs, publish, upload


def _titles(client, headers, meeting_id):
    response = client.get(f"/api/v1/meetings/{meeting_id}/materials", headers=headers)
    assert response.status_code == 200
    return sorted(m["title"] for m in response.get_json())


def _notified(app, kind):
    with app.app_context():
        rows = db.session.execute(sa.select(Notification.kind, Notification.user_id, Notification.link)
                                  .where(Notification.kind == kind)).all()
        return sorted((user_id, link) for _, user_id, link in rows)


def _new_version(client, headers, material_id, data):
    return client.post(f"/api/v1/materials/{material_id}/versions", headers=headers,
                       data={"file": (BytesIO(data), "ban-moi.pdf")}, content_type="multipart/form-data")


@pytest.fixture
def item(client, meeting, secretary, people):
    return client.post(f"/api/v1/meetings/{meeting['id']}/agenda", headers=secretary,
                       json={"title": "Kế hoạch đầu tư công", "presenting_unit_id": people.department}).get_json()


def test_materials_reach_the_participants_only_when_published(app, client, meeting, secretary, item, people):
    liaison = api_token(client, "sotc")
    assert upload(client, liaison, meeting["id"], pdfs.text_pdf(1, seed=1), title="Tờ trình của Sở",
                  agenda_item_id=str(item["id"])).status_code == 201
    upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=2), title="Báo cáo thẩm tra")
    chair, office_leader = api_token(client, "pct"), api_token(client, "chanhvp")
    assert _titles(client, chair, meeting["id"]) == []  # not yet published: the chair sees nothing
    assert _titles(client, liaison, meeting["id"]) == ["Tờ trình của Sở"]  # its own agency's submission
    assert _titles(client, office_leader, meeting["id"]) == ["Báo cáo thẩm tra", "Tờ trình của Sở"]
    with app.app_context():  # the lists' SQL filter, for every account, before publication: none, its own, both
        assert visible_counts(material_visibility, Material, Action.VIEW_MATERIAL) == {0, 1, 2}
    published = publish(client, secretary, meeting["id"], note="Đề nghị các đồng chí nghiên cứu trước")
    assert len(published["material_ids"]) == 2
    assert _titles(client, chair, meeting["id"]) == ["Báo cáo thẩm tra", "Tờ trình của Sở"]
    link = f"/meetings/{meeting['id']}/agenda"
    assert _notified(app, "material.published") == sorted(
        (user, link) for user in (people.office_leader, people.leader, people.liaison))
    again = client.post(f"/api/v1/meetings/{meeting['id']}/publications", headers=secretary, json={})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "nothing_to_publish"
    assert client.post(f"/api/v1/meetings/{meeting['id']}/publications", headers=liaison,
                       json={}).status_code == 403


def test_publishing_a_confidential_material_tells_only_its_readers(app, client, meeting, secretary, people):
    upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=3), title="Phương án nhân sự",
           confidentiality="confidential")
    publish(client, secretary, meeting["id"])
    assert [user for user, _ in _notified(app, "material.published")] == [people.leader]  # the chair only
    assert _titles(client, api_token(client, "chanhvp"), meeting["id"]) == []


def test_the_readers_of_a_confidential_material_are_chosen(app, client, meeting, secretary, people):
    secret = upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=3), title="Phương án nhân sự",
                    confidentiality="confidential").get_json()
    publish(client, secretary, meeting["id"])
    url = f"/api/v1/materials/{secret['id']}/readers"
    changed = client.put(url, headers=secretary, json={"reader_ids": [people.office_leader]})
    assert changed.status_code == 200  # the meeting's secretary stays a reader: it handles the material
    assert [r["id"] for r in changed.get_json()["readers"]] == [people.secretary, people.office_leader]
    assert _titles(client, api_token(client, "chanhvp"), meeting["id"]) == ["Phương án nhân sự"]
    assert client.get(f"/api/v1/materials/{secret['id']}", headers=api_token(client, "pct")).status_code == 404
    assert client.put(url, headers=secretary, json={"reader_ids": [999_999]}).status_code == 422
    assert client.put(url, headers=api_token(client, "chanhvp"),  # an office leader may choose too
                      json={"reader_ids": [people.leader]}).status_code == 200
    assert client.put(url, headers=api_token(client, "pct"),  # a reader may not
                      json={"reader_ids": [people.leader, people.viewer]}).status_code == 403
    normal = upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=4)).get_json()
    refused = client.put(f"/api/v1/materials/{normal['id']}/readers", headers=secretary,
                         json={"reader_ids": [people.leader]})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "not_confidential"


def test_a_new_version_is_announced_live_to_its_readers(app, client, meeting, secretary, people, app_server):
    material = upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=5)).get_json()
    publish(client, secretary, meeting["id"])
    received: queue.Queue = queue.Queue()
    chair = socketio.Client(reconnection=False)
    chair.on("material_updated", received.put)
    chair.connect(app_server, transports=["websocket"], wait_timeout=10,
                  auth={"token": api_token(client, "pct")["Authorization"].split()[1]})
    try:
        assert _new_version(client, secretary, material["id"], pdfs.text_pdf(2, seed=6)).status_code == 201
        event = received.get(timeout=10)
    finally:
        disconnect(chair)
    assert event == {"meeting_id": meeting["id"], "material_id": material["id"], "version": 2,
                     "title": material["title"]}
    link = f"/materials/{material['id']}/read"
    assert (people.leader, link) in _notified(app, "material.updated")
    assert people.secretary not in [user for user, _ in _notified(app, "material.updated")]  # the uploader


def test_an_unpublished_material_updates_silently(app, client, meeting, secretary):
    material = upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=5)).get_json()
    assert _new_version(client, secretary, material["id"], pdfs.text_pdf(1, seed=6)).status_code == 201
    assert _notified(app, "material.updated") == []


def _states(client, secretary, meeting_id, user_id):
    report = client.get(f"/api/v1/meetings/{meeting_id}/reads", headers=secretary)
    assert report.status_code == 200
    row = next(p for p in report.get_json()["people"] if p["user"]["id"] == user_id)
    return row["not_read"], [cell["state"] for cell in row["materials"]]


def test_read_receipts_and_the_not_read_list(app, client, meeting, secretary, people):
    first = upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=7), title="Tờ trình").get_json()
    upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=8), title="Dự thảo")
    publish(client, secretary, meeting["id"])
    chair = api_token(client, "pct")
    assert _states(client, secretary, meeting["id"], people.leader) == (2, ["unread", "unread"])
    assert client.get(f"/api/v1/materials/{first['id']}/file", headers=chair).status_code == 200
    assert _states(client, secretary, meeting["id"], people.leader) == (1, ["read", "unread"])
    _new_version(client, secretary, first["id"], pdfs.text_pdf(1, seed=9))
    assert _states(client, secretary, meeting["id"], people.leader) == (2, ["old_version", "unread"])
    report = client.get(f"/api/v1/meetings/{meeting['id']}/reads", headers=secretary).get_json()
    assert people.secretary not in [p["user"]["id"] for p in report["people"]]
    assert client.get(f"/api/v1/meetings/{meeting['id']}/reads", headers=chair).status_code == 403
    build_packs(app)
    assert client.get(f"/api/v1/meetings/{meeting['id']}/pack.pdf", headers=chair).status_code == 200
    assert _states(client, secretary, meeting["id"], people.leader) == (0, ["read", "read"])  # the pack opens all


def test_the_pack_is_built_in_the_background_with_progress(app, client, meeting, secretary, item):
    for seed in (10, 11, 12):
        upload(client, secretary, meeting["id"], pdfs.text_pdf(2, seed=seed), agenda_item_id=str(item["id"]))
    url = f"/api/v1/meetings/{meeting['id']}/pack"
    state = client.get(url, headers=secretary).get_json()
    assert (state["status"], state["progress"], state["total"], state["ready"]) == ("queued", 0, 4, False)
    waiting = client.get(url + ".pdf", headers=secretary)
    assert waiting.status_code == 202 and waiting.headers["Retry-After"] == "2"
    assert build_packs(app) == 1
    state = client.get(url, headers=secretary).get_json()
    assert (state["status"], state["progress"], state["page_count"], state["ready"]) == ("done", 4, 8, True)
    pack = client.get(url + ".pdf", headers=secretary)
    assert pack.status_code == 200 and len(PdfReader(BytesIO(pack.data)).pages) == 8
    upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=13))
    assert client.get(url, headers=secretary).get_json()["status"] == "queued"  # new content, new pack
    assert build_packs(app) == 1
    assert len(PdfReader(BytesIO(client.get(url + ".pdf", headers=secretary).data)).pages) == 9


def test_a_dead_build_is_taken_up_and_a_broken_one_recorded(app, client, meeting, secretary):
    from ecabinet.core import storage

    upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=14))
    client.get(f"/api/v1/meetings/{meeting['id']}/pack", headers=secretary)
    with app.app_context():
        build = db.session.scalar(sa.select(PackBuild))
        build.status, build.heartbeat_at = PackStatus.RUNNING, utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert build_packs(app) == 0  # still alive as far as anyone knows
    with app.app_context():
        build = db.session.scalar(sa.select(PackBuild))
        build.heartbeat_at = utcnow() - timedelta(minutes=10)
        db.session.commit()
    assert build_packs(app) == 1
    broken = upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=15), title="Phụ lục").get_json()
    client.get(f"/api/v1/meetings/{meeting['id']}/pack", headers=secretary)
    with app.app_context():
        storage.path_for(broken["versions"][0]["sha256"]).unlink()  # the disk lost it
    assert build_packs(app) == 1
    state = client.get(f"/api/v1/meetings/{meeting['id']}/pack", headers=secretary).get_json()
    assert state["status"] == "failed" and "StorageError" in state["error"]


def test_a_file_is_served_in_ranges_with_the_same_bytes_and_one_reading(app, client, meeting, secretary, people):
    from ecabinet.audit.models import AuditEvent

    secret = upload(client, secretary, meeting["id"], pdfs.text_pdf(3, seed=16), title="Phương án nhân sự",
                    confidentiality="confidential").get_json()
    publish(client, secretary, meeting["id"])
    chair = api_token(client, "pct")
    url = f"/api/v1/materials/{secret['id']}/file"
    whole = client.get(url, headers=chair)
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    piece = client.get(url, headers={**chair, "Range": "bytes=100-199"})
    assert piece.status_code == 206 and piece.data == whole.data[100:200]  # the watermarked copy is stable
    assert "MẬT" in PdfReader(BytesIO(whole.data)).pages[0].extract_text()
    with app.app_context():
        reads = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "read")).all()
        assert len(reads) == 1  # the pieces are not readings
    other = client.get(url, headers=secretary)  # another reader gets its own watermark
    assert other.status_code == 200 and other.data != whole.data


def test_unused_packs_and_old_watermarked_copies_are_pruned(app, client, meeting, secretary, people):
    import os
    import time

    from ecabinet.core import storage
    from ecabinet.materials import packs

    upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=17))
    secret = upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=18), title="Phương án nhân sự",
                    confidentiality="confidential").get_json()
    client.get(f"/api/v1/meetings/{meeting['id']}/pack", headers=secretary)
    build_packs(app)
    assert client.get(f"/api/v1/meetings/{meeting['id']}/pack.pdf", headers=secretary).status_code == 200
    assert client.get(f"/api/v1/materials/{secret['id']}/file", headers=secretary).status_code == 200
    with app.app_context():
        key = db.session.scalar(sa.select(PackBuild.key))
        pack = storage.cache_path("packs", key)
        [copy] = list((pack.parents[2] / "watermarked").glob("*/*"))
        assert packs.prune() == 0  # everything is in use
        month_ago = time.time() - 31 * 86400
        os.utime(pack, (month_ago, month_ago))
        os.utime(copy, (month_ago, month_ago))
        assert packs.prune() == 2
        db.session.commit()
        assert not pack.exists() and not copy.exists()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PackBuild)) == 0
    state = client.get(f"/api/v1/meetings/{meeting['id']}/pack", headers=secretary).get_json()
    assert state["status"] == "queued"  # asked for again: built again


def test_the_read_report_names_a_confidential_material_to_its_readers_only(app, client, meeting, secretary, people):
    secret = upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=3), title="Phương án nhân sự mật",
                    confidentiality="confidential").get_json()
    normal = upload(client, secretary, meeting["id"], pdfs.text_pdf(1, seed=4), title="Dự thảo công khai").get_json()
    publish(client, secretary, meeting["id"])
    office_leader = api_token(client, "chanhvp")  # may see who has read, but is no reader of the secret
    report = client.get(f"/api/v1/meetings/{meeting['id']}/reads", headers=office_leader).get_json()
    assert report["materials"] == [normal["id"]]
    assert {cell["material_id"] for person in report["people"] for cell in person["materials"]} == {normal["id"]}
    page = signed_in(app.test_client(), "chanhvp").get(f"/meetings/{meeting['id']}/reads")
    assert page.status_code == 200 and "Dự thảo công khai" in page.text and "nhân sự mật" not in page.text
    reader = client.get(f"/api/v1/meetings/{meeting['id']}/reads", headers=secretary).get_json()
    assert reader["materials"] == [secret["id"], normal["id"]]


def test_every_delivery_of_a_confidential_file_is_a_reading_however_it_is_asked(app, client, meeting, secretary,
                                                                                  people):
    from ecabinet.audit.models import AuditEvent

    def readings():
        with app.app_context():
            return list(db.session.scalars(sa.select(AuditEvent.changes).where(AuditEvent.action == "read")
                                           .order_by(AuditEvent.id)))

    secret = upload(client, secretary, meeting["id"], pdfs.text_pdf(3, seed=16), title="Phương án nhân sự",
                    confidentiality="confidential").get_json()
    publish(client, secretary, meeting["id"])
    chair = api_token(client, "pct")
    url = f"/api/v1/materials/{secret['id']}/file"
    assert client.head(url, headers=chair).status_code == 200 and readings() == []  # no bytes, no reading
    whole = client.get(url, headers={**chair, "Range": "bytes=0-"})
    size = len(whole.data)
    assert whole.status_code == 206 and whole.headers["Content-Range"] == f"bytes 0-{size - 1}/{size}"
    assert readings() == [{"version": 1, "bytes": f"bytes 0-{size - 1}/{size}"}]
    piece = client.get(url, headers={**chair, "Range": "bytes=100-199"})  # the same reading goes on
    assert piece.status_code == 206 and piece.data == whole.data[100:200] and len(readings()) == 1
    stale = client.get(url, headers={**chair, "Range": "bytes=100-199", "If-Range": '"not-the-etag"'})
    assert stale.status_code == 200 and stale.data == whole.data and len(readings()) == 2  # the whole file again
    assert client.get(url, headers={**chair, "Range": f"bytes={size}-"}).status_code == 416
    assert client.get(url, headers={**chair, "If-None-Match": whole.headers["ETag"]}).status_code == 304
    assert len(readings()) == 2
    build_packs(app)
    assert client.head(f"/api/v1/meetings/{meeting['id']}/pack.pdf", headers=chair).status_code == 200
    assert len(readings()) == 2
    assert client.get(f"/api/v1/meetings/{meeting['id']}/pack.pdf", headers=chair).status_code == 200
    assert len(readings()) == 3
