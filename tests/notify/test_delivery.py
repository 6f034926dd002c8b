"""The e-mail outbox against a real SMTP server: at most once, retried when it failed for sure."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core import clock
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.notify import delivery
from ecabinet.notify import operations as notify
from ecabinet.notify.models import DeliveryStatus, EmailDelivery

SUBJECT = "Giấy mời họp: Phiên họp thường kỳ UBND tỉnh tháng 12 — đề án phát triển đô thị"
BODY = "Kính mời đồng chí dự họp lúc 08:00 ngày 15/12/2026 tại Phòng họp số 1.\nTrân trọng."


def _message(attachment: notify.Attachment | None = None) -> notify.Message:
    return notify.Message(kind="meeting.invitation", subject=SUBJECT, body=BODY, link="/meetings/12",
                          attachment=attachment)


def _deliveries() -> list[EmailDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(EmailDelivery).order_by(EmailDelivery.id)))


def _ids_by_recipient(smtp) -> dict[str, int]:
    counts: dict[str, int] = {}
    for recipients in smtp.recipients:
        for address in recipients:
            counts[address] = counts.get(address, 0) + 1
    return counts


def test_notify_twice_then_deliver_twice_and_restart_sends_each_email_once(app, mailable, smtp_server, fresh_app):
    people = [mailable.leader, mailable.secretary, mailable.liaison]
    with app.app_context():
        notify.notify("meeting:12:invitation", people, _message())
        db.session.commit()
        notify.notify("meeting:12:invitation", people, _message())  # a retried request
        db.session.commit()
        assert delivery.deliver_pending() == 3
        assert delivery.deliver_pending() == 0
    with fresh_app().app_context():  # the process restarted
        assert delivery.deliver_pending() == 0
    assert _ids_by_recipient(smtp_server) == {"pct@ubnd.example.vn": 1, "chuyenvien@ubnd.example.vn": 1,
                                              "sotc@sotc.example.vn": 1}
    with app.app_context():
        assert {d.status for d in _deliveries()} == {DeliveryStatus.SENT}


def test_vietnamese_subject_and_attachment_arrive_intact(app, mailable, smtp_server):
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 64 + b"\n%%EOF"
    with app.app_context():
        app.config["PUBLIC_URL"] = "https://ecabinet.ubnd.example.vn/"
        notify.notify("meeting:12:invitation", [mailable.leader],
                      _message(notify.Attachment("giấy-mời-12.pdf", "application/pdf", pdf)))
        db.session.commit()
        assert delivery.deliver_pending() == 1
        expected_id = delivery.message_id("meeting:12:invitation", mailable.leader)
    (message,) = smtp_server.messages
    assert message["Subject"] == SUBJECT
    assert message["To"].addresses[0].addr_spec == "pct@ubnd.example.vn"
    assert message["To"].addresses[0].display_name == "Nguyễn Văn Pct"
    assert message["From"].addresses[0].display_name == "Văn phòng UBND tỉnh"
    assert message["Message-ID"] == expected_id
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_body(("plain",)).get_content()
    assert BODY in text and "https://ecabinet.ubnd.example.vn/meetings/12" in text
    (attached,) = list(message.iter_attachments())
    assert attached.get_filename() == "giấy-mời-12.pdf"
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_content() == pdf


def test_the_message_id_is_the_same_for_the_same_event_and_recipient(app):
    with app.app_context():
        first = delivery.message_id("meeting:1:invitation", 5)
        assert first == delivery.message_id("meeting:1:invitation", 5)
        assert first != delivery.message_id("meeting:1:invitation", 6)
        assert first != delivery.message_id("meeting:2:invitation", 5)


def test_a_row_left_sending_by_a_crash_is_never_resent_but_becomes_uncertain(app, mailable, smtp_server,
                                                                             fresh_app):
    with app.app_context():
        notify.notify("meeting:12:invitation", [mailable.leader, mailable.secretary], _message())
        db.session.commit()
        crashed = next(d for d in _deliveries() if d.to_address == "pct@ubnd.example.vn")
        crashed.status, crashed.claimed_at = DeliveryStatus.SENDING, utcnow()  # claimed, then the process died
        db.session.commit()
    with fresh_app().app_context():
        now = utcnow()
        assert delivery.deliver_pending(now=now) == 1
        assert delivery.stuck_count(now) == 0  # not yet: it may still be sending
        later = now + delivery.STUCK_AFTER + timedelta(seconds=1)
        assert delivery.stuck_count(later) == 1  # no run has looked at it since
        assert delivery.deliver_pending(now=later) == 0
        assert delivery.deliver_pending(now=later + timedelta(days=3)) == 0
        counts = delivery.outbox_counts(later)
        assert counts["uncertain"] == 1 and counts["sent"] == 1 and counts["sending"] == counts["stuck"] == 0
    assert _ids_by_recipient(smtp_server) == {"chuyenvien@ubnd.example.vn": 1}


def test_a_connection_lost_after_the_message_was_sent_is_uncertain_and_never_resent(app, mailable, smtp_server):
    smtp_server.break_connection(at="DATA")  # the server accepts the first message, the client never hears so
    with app.app_context():
        notify.notify("meeting:12:invitation", [mailable.leader, mailable.secretary], _message())
        db.session.commit()
        now = utcnow()
        assert delivery.deliver_pending(now=now) == 1
        first, second = _deliveries()
        assert first.status == DeliveryStatus.UNCERTAIN and first.next_attempt_at is None and first.attempts == 1
        assert "no answer after the message was sent" in first.last_error
        assert second.status == DeliveryStatus.SENT
        for hours in (1, 49):
            assert delivery.deliver_pending(now=now + timedelta(hours=hours)) == 0
        assert delivery.outbox_counts(now)["uncertain"] == 1
    assert _ids_by_recipient(smtp_server) == {"pct@ubnd.example.vn": 1, "chuyenvien@ubnd.example.vn": 1}


def test_a_connection_lost_before_the_message_was_sent_is_retried(app, mailable, smtp_server):
    smtp_server.break_connection(at="RCPT")
    with app.app_context():
        notify.notify("meeting:12:invitation", [mailable.leader], _message())
        db.session.commit()
        now = utcnow()
        assert delivery.deliver_pending(now=now) == 0
        (row,) = _deliveries()
        assert row.status == DeliveryStatus.FAILED and row.next_attempt_at == now + delivery.retry_delay(1)
        assert delivery.deliver_pending(now=row.next_attempt_at) == 1
    assert _ids_by_recipient(smtp_server) == {"pct@ubnd.example.vn": 1}


def test_smtp_down_fails_counts_attempts_and_retries_later(app, mailable, smtp_server):
    smtp_server.stop()
    with app.app_context():
        notify.notify("meeting:12:invitation", [mailable.leader, mailable.secretary], _message())
        db.session.commit()
        t0 = utcnow()
        assert delivery.deliver_pending(now=t0) == 0
        first, second = _deliveries()  # the first is tried first: its failure stops the run
        assert first.status == DeliveryStatus.FAILED and first.attempts == 1 and first.last_error
        assert first.next_attempt_at == t0 + delivery.retry_delay(1)
        assert second.status == DeliveryStatus.QUEUED and second.attempts == 0  # the run stopped at the outage
        smtp_server.start()
        assert delivery.deliver_pending(now=t0 + timedelta(seconds=30)) == 1  # only the queued one
        assert delivery.deliver_pending(now=t0 + delivery.retry_delay(1)) == 1  # its backoff is over
        first, second = _deliveries()
        assert first.status == second.status == DeliveryStatus.SENT
        assert first.attempts == 1 and first.last_error is None
    assert _ids_by_recipient(smtp_server) == {"pct@ubnd.example.vn": 1, "chuyenvien@ubnd.example.vn": 1}


def test_retries_go_on_with_capped_backoff_for_the_retry_window_then_end(app, mailable, smtp_server):
    smtp_server.stop()
    app.config["EMAIL_RETRY_HOURS"] = 6  # 48 by default: the same rule, a quarter of the attempts to wait for
    with app.app_context():
        notify.notify("meeting:12:invitation", [mailable.leader], _message())
        db.session.commit()
        started = now = utcnow()
        waits = []
        while True:
            delivery.deliver_pending(now=now)
            (row,) = _deliveries()
            if row.next_attempt_at is None:
                break
            waits.append(row.next_attempt_at - now)
            now = row.next_attempt_at
        assert row.status == DeliveryStatus.FAILED and row.first_attempt_at == started
        assert now >= started + timedelta(hours=app.config["EMAIL_RETRY_HOURS"]) > now - delivery.LONGEST_RETRY
        assert waits[:7] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 30, 30)]
        assert max(waits) == delivery.LONGEST_RETRY and row.attempts == len(waits) + 1 > 15


def test_a_60_minute_outage_delivers_every_email_exactly_once_afterwards(app, mailable, smtp_server, monkeypatch):
    """The delivery job every minute on the shifted clock (every 30 s in production: the same, at half the cost
    here): an hour down, then until everything has left."""
    people = [mailable.leader, mailable.secretary, mailable.liaison, mailable.office_leader]
    every = timedelta(minutes=1)

    def run_job() -> dict[str, int]:
        delivery.deliver_pending()
        monkeypatch.setattr(clock, "CLOCK_OFFSET", clock.CLOCK_OFFSET + every)
        return delivery.outbox_counts()

    with app.app_context():
        for meeting in range(11):
            notify.notify(f"meeting:{meeting}:invitation", people, _message())
        db.session.commit()
        smtp_server.stop()
        during = [run_job() for _ in range(60)]
        assert during[-1]["sent"] == 0 and during[-1]["failed"] > 5
        smtp_server.start()
        runs = 0
        while run_job()["sent"] < 44:
            runs += 1
            assert runs <= 31, "every e-mail should have left once the longest backoff is over"
        assert {d.status for d in _deliveries()} == {DeliveryStatus.SENT}
    assert set(_ids_by_recipient(smtp_server).values()) == {11} and len(_ids_by_recipient(smtp_server)) == 4
    assert len({m["Message-ID"] for m in smtp_server.messages}) == len(smtp_server.messages) == 44


def test_a_deactivated_recipient_is_skipped(app, mailable, smtp_server):
    with app.app_context():
        notify.notify("meeting:12:invitation", [mailable.leader], _message())
        db.session.get(User, mailable.leader).active = False
        db.session.commit()
        assert delivery.deliver_pending() == 0
        assert _deliveries()[0].status == DeliveryStatus.SKIPPED
    assert smtp_server.messages == []


def test_an_address_that_is_not_one_fails_for_good(app, mailable, smtp_server):
    with app.app_context():
        notify.notify("meeting:12:invitation", [mailable.leader], _message())
        db.session.commit()
        row = _deliveries()[0]
        row.to_address = "not an address@@"
        db.session.commit()
        delivery.deliver_pending()
        row = _deliveries()[0]
        assert row.status == DeliveryStatus.FAILED and row.next_attempt_at is None and row.attempts == 1


@pytest.mark.parametrize("runners", [2])
def test_two_runners_never_send_the_same_email(app, mailable, smtp_server, runners):
    with app.app_context():
        for i in range(12):
            notify.notify(f"reminder:{i}", [mailable.leader, mailable.secretary], _message())
        db.session.commit()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                delivery.deliver_pending()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == 24 and len(set(ids)) == 24
