"""notify(): one notification per event and recipient, ever; e-mails queued as preferences say."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core.db import db
from ecabinet.core.storage import path_for
from ecabinet.notify import operations as notify
from ecabinet.notify.models import DeliveryStatus, EmailDelivery, Notification

MESSAGE = notify.Message(kind="meeting.rescheduled", subject="Họp dời lịch: Giao ban tháng 12",
                         body="Cuộc họp chuyển sang 14:00 ngày 05/12/2026.", link="/meetings/12")


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_same_key_twice_creates_one_notification_and_one_email(ctx):
    first = notify.notify("meeting:12:rescheduled:v3", [ctx.leader, ctx.leader], MESSAGE)
    db.session.commit()
    again = notify.notify("meeting:12:rescheduled:v3", [ctx.leader], MESSAGE)
    db.session.commit()
    assert [n.user_id for n in first] == [ctx.leader] and again == []
    assert _count(Notification) == 1 and _count(EmailDelivery) == 1
    delivery = db.session.scalar(sa.select(EmailDelivery))
    assert delivery.status == DeliveryStatus.QUEUED and delivery.to_address == "pct@ubnd.example.vn"


def test_a_second_call_adds_only_the_new_recipients(ctx):
    notify.notify("meeting:12:invitation", [ctx.leader], MESSAGE)
    created = notify.notify("meeting:12:invitation", [ctx.leader, ctx.secretary], MESSAGE)
    db.session.commit()
    assert [n.user_id for n in created] == [ctx.secretary]
    assert _count(Notification) == 2


def test_concurrent_transactions_with_the_same_key_create_one(app, ctx):
    """The second transaction waits for the first (row lock / SQLite writer lock), then skips."""
    notify.notify("meeting:7:cancelled", [ctx.leader], MESSAGE)
    db.session.flush()  # the row is written but not committed: the other transaction must wait
    result: dict = {}

    def other() -> None:
        with app.app_context():
            result["created"] = [n.id for n in notify.notify("meeting:7:cancelled", [ctx.leader], MESSAGE)]
            db.session.commit()

    thread = threading.Thread(target=other)
    thread.start()
    time.sleep(0.5)
    assert thread.is_alive(), "the second transaction should wait for the first"
    db.session.commit()
    thread.join(timeout=10)
    assert result["created"] == []
    assert _count(Notification) == 1 and _count(EmailDelivery) == 1


def test_who_gets_an_email(ctx):
    """Only active users with an address; everyone known gets the in-app notification."""
    inactive = db.session.get(User, ctx.office_leader)
    inactive.active = False
    created = notify.notify("task:1:due", [ctx.leader, ctx.admin, ctx.office_leader, 999_999], MESSAGE)
    db.session.commit()
    assert sorted(n.user_id for n in created) == sorted([ctx.leader, ctx.admin, ctx.office_leader])
    addresses = db.session.scalars(sa.select(EmailDelivery.to_address)).all()
    assert addresses == ["pct@ubnd.example.vn"]  # the admin has no address, the office leader is inactive


def test_preferences_turn_email_off(ctx):
    notify.set_preferences(ctx.leader, [notify.Preference("*", in_app=True, email=False)])
    notify.set_preferences(ctx.secretary, [notify.Preference("meeting.*", in_app=True, email=False),
                                           notify.Preference("meeting.invitation", in_app=True, email=True)])
    notify.notify("m:1:rescheduled", [ctx.leader, ctx.secretary], MESSAGE)
    invitation = notify.Message(kind="meeting.invitation", subject="Giấy mời họp", body="")
    notify.notify("m:1:invitation", [ctx.leader, ctx.secretary], invitation)
    db.session.commit()
    sent_to = db.session.execute(sa.select(Notification.event_key, Notification.user_id)
                                 .join(EmailDelivery)).all()
    assert sent_to == [("m:1:invitation", ctx.secretary)]
    assert _count(Notification) == 4


def test_in_app_off_is_recorded_but_not_shown(ctx):
    """The row stays (a retry must not notify again, the e-mail hangs from it) but is hidden."""
    notify.set_preferences(ctx.leader, [notify.Preference("meeting.rescheduled", in_app=False, email=True)])
    created = notify.notify("m:2:rescheduled", [ctx.leader], MESSAGE)
    db.session.commit()
    assert len(created) == 1 and created[0].in_app is False
    assert notify.notifications_of(ctx.leader) == ([], 0)
    assert notify.unread_count(ctx.leader) == 0
    assert _count(EmailDelivery) == 1
    assert notify.notify("m:2:rescheduled", [ctx.leader], MESSAGE) == []


def test_the_attachment_is_stored_once_for_every_recipient(app, ctx):
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40
    message = notify.Message(kind="meeting.invitation", subject="Giấy mời", body="Kính mời",
                             attachment=notify.Attachment("giấy mời.pdf", "application/pdf", pdf))
    notify.notify("m:3:invitation", [ctx.leader, ctx.secretary, ctx.liaison], message)
    db.session.commit()
    digests = set(db.session.scalars(sa.select(EmailDelivery.attachment_sha256)))
    assert len(digests) == 1
    assert path_for(digests.pop()).read_bytes() == pdf
    assert set(db.session.scalars(sa.select(EmailDelivery.attachment_name))) == {"giấy mời.pdf"}


def test_reading_and_the_unread_count(ctx):
    for i in range(3):
        notify.notify(f"e:{i}", [ctx.leader], MESSAGE)
    notify.notify("e:other", [ctx.secretary], MESSAGE)
    db.session.commit()
    items, total = notify.notifications_of(ctx.leader)
    assert total == 3 and [n.event_key for n in items] == ["e:2", "e:1", "e:0"]  # newest first
    assert notify.mark_read(items[0]) is True and notify.mark_read(items[0]) is False
    db.session.commit()
    assert notify.unread_count(ctx.leader) == 2
    assert notify.notifications_of(ctx.leader, unread_only=True)[1] == 2
    assert notify.mark_all_read(ctx.leader) == 2
    db.session.commit()
    assert notify.unread_counts([ctx.leader, ctx.secretary]) == {ctx.leader: 0, ctx.secretary: 1}


@pytest.mark.parametrize("kwargs", [
    {"kind": "Meeting Rescheduled"}, {"kind": ""}, {"subject": "   "}, {"link": "https://evil.example"},
    {"link": "//evil.example/x"}, {"link": "meetings/1"},
])
def test_bad_messages_are_programming_errors(kwargs):
    fields = {"kind": "meeting.rescheduled", "subject": "Họp", "body": "", **kwargs}
    with pytest.raises(ValueError):
        notify.Message(**fields)


def test_a_long_subject_is_shortened_to_one_line():
    message = notify.Message(kind="meeting.invitation", subject="Giấy mời\nhọp " + "x" * 400, body="")
    assert len(message.subject) == 255 and "\n" not in message.subject and message.subject.endswith("…")
    attachment = notify.Attachment("../../etc/passwd", "application/pdf", b"x")
    assert "/" not in attachment.filename


def test_an_event_key_is_required(ctx):
    with pytest.raises(ValueError):
        notify.notify("", [ctx.leader], MESSAGE)
    with pytest.raises(ValueError):
        notify.notify("k" * 201, [ctx.leader], MESSAGE)


def test_many_recipients_are_inserted_in_batches(ctx, monkeypatch):
    monkeypatch.setattr(notify, "INSERT_BATCH", 2)
    notify.notify("e:batch", [ctx.secretary], MESSAGE)
    everyone = [ctx.admin, ctx.secretary, ctx.office_leader, ctx.leader, ctx.liaison, ctx.viewer]
    created = notify.notify("e:batch", everyone, MESSAGE)
    db.session.commit()
    assert sorted(n.user_id for n in created) == sorted(set(everyone) - {ctx.secretary})
    assert _count(Notification) == 6
