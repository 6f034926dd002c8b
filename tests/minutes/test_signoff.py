"""The sign-off: the secretary after the meeting ended, then the chair (or a return with a reason); the frozen PDF."""

from __future__ import annotations

import sqlalchemy as sa

from ecabinet.audit.models import AuditEvent
from ecabinet.core import storage
from ecabinet.core.db import db
from ecabinet.minutes.models import Minutes
from tests.fixtures.minutes import SECTION_TEXT, get_minutes, run_meeting, save, sign


def _return(client, room, username, body, expect):
    response = client.post(f"/api/v1/meetings/{room.id}/minutes/return", headers=room.headers[username], json=body)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def test_the_secretary_signs_only_after_the_meeting_ended(client, room, people):
    assert sign(client, room, "chuyenvien", "secretary", 409)["error"]["code"] == "meeting_not_ended"
    run_meeting(client, room, people)
    assert sign(client, room, "chuyenvien", "secretary")["status"] == "secretary_signed"


def test_sign_off_order_refusals_and_return(app, client, room, people):
    run_meeting(client, room, people)
    section = get_minutes(client, room)["sections"][1]
    save(client, room, "chuyenvien", section, SECTION_TEXT, 0)
    assert sign(client, room, "pct", "chair", 409)["error"]["code"] == "not_secretary_signed"
    sign(client, room, "uyvien1", "secretary", 403)
    sign(client, room, "chanhvp", "secretary", 403)  # the meeting names its secretary
    signed = sign(client, room, "chuyenvien", "secretary")
    assert signed["secretary_signed_by"]["username"] == "chuyenvien" and signed["secretary_signed_at"]
    assert sign(client, room, "chuyenvien", "secretary", 409)["error"]["code"] == "not_draft"
    assert save(client, room, "chuyenvien", section, "Sửa sau khi ký", 1, 409)["error"]["code"] == "minutes_signed"
    sign(client, room, "chuyenvien", "chair", 403)

    _return(client, room, "chuyenvien", {"reason": "Thiếu ý kiến"}, 403)
    assert _return(client, room, "pct", {"reason": "   "}, 422)["error"]["code"] == "reason_required"
    assert _return(client, room, "pct", {}, 422)["error"]["code"] == "validation_error"
    returned = _return(client, room, "pct", {"reason": "Bổ sung ý kiến của Sở Y tế"}, 200)
    assert (returned["status"], returned["returned_reason"], returned["secretary_signed_by"]) == (
        "draft", "Bổ sung ý kiến của Sở Y tế", None)
    _return(client, room, "pct", {"reason": "Lần nữa"}, 409)
    save(client, room, "chuyenvien", section, SECTION_TEXT + " Bổ sung ý kiến của Sở Y tế.", 1)

    sign(client, room, "chuyenvien", "secretary")
    final = sign(client, room, "pct", "chair")
    assert final["status"] == "signed" and final["chair_signed_by"]["username"] == "pct"
    assert sign(client, room, "pct", "chair", 409)["error"]["code"] == "not_secretary_signed"
    assert _return(client, room, "pct", {"reason": "Muộn rồi"}, 409)["error"]["code"] == "not_secretary_signed"
    assert save(client, room, "chanhvp", section, "Không được", 2, 409)["error"]["code"] == "minutes_signed"

    pdf = client.get(f"/api/v1/meetings/{room.id}/minutes.pdf", headers=room.headers["uyvien1"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    with app.app_context():
        minutes = db.session.scalars(sa.select(Minutes)).one()
        assert pdf.data == storage.read_bytes(minutes.pdf_sha256)  # the frozen copy, not a new rendering
        actions = db.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.action.like("minutes_%")).order_by(AuditEvent.id)).all()
        assert actions == ["minutes_secretary_signed", "minutes_returned", "minutes_secretary_signed",
                           "minutes_chair_signed"]


def test_without_a_named_secretary_the_office_signs(client, room, people, app):
    from ecabinet.meetings.models import Meeting

    with app.app_context():
        db.session.get(Meeting, room.id).secretary_id = None
        db.session.commit()
    run_meeting(client, room, people)
    sign(client, room, "chuyenvien", "secretary", 200)  # an Office specialist
