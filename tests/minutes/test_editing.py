"""Sections kept in step with the agenda, autosave with revisions, coalescing and edit conflicts."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.meetings.models import Meeting
from ecabinet.minutes import operations as ops
from ecabinet.minutes.models import Minutes, MinutesRevision, MinutesSection
from tests.fixtures.minutes import SECTION_TEXT, get_minutes, save

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=timezone.utc)


def test_sections_follow_the_agenda(client, room, people):
    minutes = get_minutes(client, room)
    assert minutes["status"] == "draft"
    titles = [s["title"] for s in minutes["sections"]]
    assert titles == ["Phần mở đầu", "Kế hoạch đầu tư công năm 2027", "Đề án chuyển đổi số",
                      "Báo cáo tình hình kinh tế - xã hội", "Kết thúc cuộc họp"]
    assert [s["agenda_item_id"] for s in minutes["sections"]] == [None, *room.items, None]
    assert all(s["revision"] == 0 and s["text"] == "" for s in minutes["sections"])
    assert get_minutes(client, room)["id"] == minutes["id"]  # one per meeting

    response = client.post(f"/api/v1/meetings/{room.id}/agenda", headers=room.headers["chuyenvien"],
                           json={"title": "Công tác cải cách hành chính", "presenting_unit_id": people.department})
    assert response.status_code == 201
    again = get_minutes(client, room)["sections"]
    assert [s["title"] for s in again][-2:] == ["Công tác cải cách hành chính", "Kết thúc cuộc họp"]
    assert [s["id"] for s in again[:4]] == [s["id"] for s in minutes["sections"][:4]]

    renamed = client.patch(f"/api/v1/agenda-items/{room.items[1]}", headers=room.headers["chuyenvien"],
                           json={"title": "Đề án chuyển đổi số tỉnh giai đoạn 2026-2030"})
    assert renamed.status_code == 200, renamed.get_json()
    assert get_minutes(client, room)["sections"][2]["title"] == "Đề án chuyển đổi số tỉnh giai đoạn 2026-2030"

    order = [room.items[2], room.items[0], room.items[1], response.get_json()["id"]]
    moved = client.put(f"/api/v1/meetings/{room.id}/agenda/order", headers=room.headers["chuyenvien"],
                       json={"item_ids": order})
    assert moved.status_code == 200, moved.get_json()
    assert [s["agenda_item_id"] for s in get_minutes(client, room)["sections"]] == [None, *order, None]


def test_a_save_raises_the_revision_and_coalesces_within_the_window(app, client, room):
    get_minutes(client, room)
    app.config["MINUTES_COALESCE_SECONDS"] = 120
    with app.app_context():
        section = db.session.scalars(sa.select(MinutesSection).where(
            MinutesSection.agenda_item_id == room.items[0])).one()
        secretary = db.session.scalars(sa.select(User).where(User.username == "chuyenvien")).one()
        chair = db.session.scalars(sa.select(User).where(User.username == "pct")).one()
        ops.save_section(section, "Bản nháp", 0, secretary, now=T0)
        ops.save_section(section, "Bản nháp thứ hai", 1, secretary, now=T0 + timedelta(seconds=60))
        db.session.commit()
        assert [(r.number, r.text) for r in ops.revisions(section)] == [(1, "Bản nháp thứ hai")]
        ops.save_section(section, "Sau ba phút", 2, secretary, now=T0 + timedelta(seconds=240))
        ops.save_section(section, "Chủ trì sửa", 3, chair, now=T0 + timedelta(seconds=250))
        db.session.commit()
        history = ops.revisions(section)
        assert [(r.number, r.text, r.saved_by_id) for r in history] == [
            (3, "Chủ trì sửa", chair.id), (2, "Sau ba phút", secretary.id), (1, "Bản nháp thứ hai", secretary.id)]
        assert history[2].saved_at == T0 + timedelta(seconds=60)  # the amended revision keeps its last time
        assert (section.revision, section.text, section.updated_by_id) == (4, "Chủ trì sửa", chair.id)


def test_a_stale_base_revision_is_a_conflict_carrying_the_other_text(client, room):
    section = get_minutes(client, room)["sections"][1]
    first = save(client, room, "chuyenvien", section, SECTION_TEXT, 0)
    assert (first["revision"], first["text"], first["updated_by"]["username"]) == (1, SECTION_TEXT, "chuyenvien")
    refused = save(client, room, "pct", section, "Bản của Chủ trì", 0, expect=409)["error"]
    assert refused["code"] == "edit_conflict"
    [current] = refused["details"]
    assert (current["text"], current["revision"]) == (SECTION_TEXT, 1)
    assert current["updated_by"] == "Nguyễn Văn Chuyenvien" and current["updated_at"]
    assert "Nguyễn Văn Chuyenvien" in refused["message"]
    kept = save(client, room, "pct", section, "Bản của Chủ trì", current["revision"])  # "keep mine"
    assert (kept["revision"], kept["text"]) == (2, "Bản của Chủ trì")
    assert get_minutes(client, room)["sections"][1]["text"] == "Bản của Chủ trì"


def test_too_long_text_and_restoring_a_revision(client, room):
    section = get_minutes(client, room)["sections"][0]
    assert save(client, room, "chuyenvien", section, "x" * 100_001, 0, expect=422)["error"]["code"] == "too_long"
    save(client, room, "chuyenvien", section, "Khai mạc", 0)
    save(client, room, "pct", section, "Khai mạc (đã sửa)", 1)
    revisions = client.get(f"/api/v1/minutes/sections/{section['id']}/revisions", headers=room.headers["pct"])
    assert [(r["number"], r["text"]) for r in revisions.get_json()] == [(2, "Khai mạc (đã sửa)"), (1, "Khai mạc")]
    url = f"/api/v1/minutes/sections/{section['id']}/restore"
    stale = client.post(url, headers=room.headers["chuyenvien"], json={"number": 1, "base_revision": 1})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "edit_conflict"
    missing = client.post(url, headers=room.headers["chuyenvien"], json={"number": 9, "base_revision": 2})
    assert missing.status_code == 404
    restored = client.post(url, headers=room.headers["chuyenvien"], json={"number": 1, "base_revision": 2})
    assert restored.status_code == 200 and restored.get_json()["text"] == "Khai mạc"
    assert restored.get_json()["revision"] == 3


def test_who_may_read_and_edit(client, room):
    section = get_minutes(client, room)["sections"][0]
    assert get_minutes(client, room, "quansat", 403)["error"]["code"] == "forbidden"  # sees the meeting only
    assert get_minutes(client, room, "sotc")["status"] == "draft"  # an invited agency reads them
    save(client, room, "sotc", section, "Không được sửa", 0, expect=403)
    save(client, room, "uyvien1", section, "Không được sửa", 0, expect=403)
    save(client, room, "chanhvp", section, "Văn phòng sửa", 0)
    response = client.get("/api/v1/meetings/999999/minutes", headers=room.headers["chuyenvien"])
    assert response.status_code == 404


def test_a_confidential_meeting_is_404_for_those_who_may_not_see_it(client, room, schedule_meeting, people):
    [meeting] = schedule_meeting(title="Họp về công tác cán bộ", confidentiality="confidential",
                               starts_at="2026-12-01T01:00:00+00:00", ends_at="2026-12-01T03:00:00+00:00")
    assert client.get(f"/api/v1/meetings/{meeting['id']}/minutes", headers=room.headers["quansat"]).status_code == 404
    assert client.get(f"/api/v1/meetings/{meeting['id']}/minutes", headers=room.headers["pct"]).status_code == 200


def test_two_first_loads_make_one_minutes(app, client, room):
    with app.app_context():
        meeting = db.session.get(Meeting, room.id)
        first_id = ops.minutes_of(meeting).id
        db.session.commit()
        db.session.expunge_all()
        meeting = db.session.get(Meeting, room.id)
        assert ops._create(meeting).id == first_id  # the unique key refuses a twin; the loser gets the winner's
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Minutes)) == 1


def test_concurrent_saves_from_the_same_revision_cannot_both_win(app, client, room, backend):
    if backend != "postgresql":
        pytest.skip("two writers at once need row locks (PostgreSQL); SQLite serialises whole transactions")
    section_id = get_minutes(client, room)["sections"][1]["id"]
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def write(username: str) -> None:
        with app.app_context():
            section = db.session.get(MinutesSection, section_id)
            actor = db.session.scalars(sa.select(User).where(User.username == username)).one()
            barrier.wait()
            try:
                ops.save_section(section, f"Bản của {username}", 0, actor)
                time.sleep(0.3)  # hold the row while the other one tries
                db.session.commit()
                results[username] = "saved"
            except DomainError as exc:
                db.session.rollback()
                results[username] = exc.code
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write, args=(name,)) for name in ("chuyenvien", "pct")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == ["edit_conflict", "saved"]
    winner = next(name for name, outcome in results.items() if outcome == "saved")
    with app.app_context():
        section = db.session.get(MinutesSection, section_id)
        assert (section.revision, section.text) == (1, f"Bản của {winner}")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MinutesRevision)) == 1
