"""Sending the queued e-mails: at most once each, retried while a failure is certain.

``deliver_pending`` is a plain function for the scheduler (called in an app context). For
each due row it

1. claims it: ``status = sending`` and ``claimed_at``, **committed** before any SMTP talk;
2. sends it over SMTP, driving ``MAIL``, ``RCPT`` and ``DATA`` itself to know how far it got;
3. marks it ``sent``; ``failed`` when it certainly did not leave (refused connection, an error
   reply, a connection broken before the end of the message), retried with backoff for
   ``EMAIL_RETRY_HOURS``; or ``uncertain`` when the whole message was sent but the server's
   answer never came: the server may have accepted it, so it is never resent automatically.

A runner that stops between 1 and 3 (a crash, a kill) leaves the row ``sending``; the next run
after ``STUCK_AFTER`` marks it ``uncertain`` as well, since the message may have left. Uncertain
rows wait on the outbox page for a person to re-send or drop them. The ``Message-ID`` is derived
from the event key and the recipient, so a receiving server or client can still drop a
duplicate that a person re-sent.

Two runners never claim the same row: PostgreSQL skips rows locked by another runner
(``FOR UPDATE SKIP LOCKED``), and the claim itself is a compare-and-set on the status.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import smtplib
import ssl
from datetime import datetime, timedelta
from email import encoders
from email.generator import BytesGenerator
from email.header import Header
from email.headerregistry import Address
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr

import sqlalchemy as sa
from flask import current_app

from ecabinet.accounts.models import User
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.storage import read_bytes
from ecabinet.notify.models import DeliveryStatus, EmailDelivery, Notification

log = logging.getLogger("ecabinet.notify.delivery")

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(minutes=30)
STUCK_AFTER = timedelta(minutes=10)
"""Longer than any SMTP conversation can last (each step times out after ``SMTP_TIMEOUT_SECONDS``)."""
SMTP_TIMEOUT_SECONDS = 30


class PermanentFailure(Exception):
    """This message can never be sent as it is (bad address, refused for good): do not retry."""


class Uncertain(Exception):
    """The whole message went out but the server's answer did not come back: it may have been accepted."""


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 1, 2, 4, 8, 16 minutes, then every 30 minutes."""
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 16), LONGEST_RETRY)


def retry_window() -> timedelta:
    """How long after its first attempt a failing e-mail is still retried."""
    return timedelta(hours=current_app.config["EMAIL_RETRY_HOURS"])


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(EmailDelivery.status == DeliveryStatus.QUEUED,
                  sa.and_(EmailDelivery.status == DeliveryStatus.FAILED, EmailDelivery.next_attempt_at <= now))


def _abandoned(now: datetime) -> sa.ColumnElement[bool]:
    """Rows claimed over ``STUCK_AFTER`` ago and still ``sending``: their runner stopped mid-send."""
    return sa.and_(EmailDelivery.status == DeliveryStatus.SENDING, EmailDelivery.claimed_at < now - STUCK_AFTER)


def deliver_pending(now: datetime | None = None, limit: int = 100) -> int:
    """Send up to ``limit`` due e-mails; the number sent. Commits its own work, row by row."""
    now = now or utcnow()
    _mark_abandoned_uncertain(now)
    sent = 0
    with _Mailer() as mailer:
        for _ in range(limit):
            delivery_id = _claim_next(now)
            if delivery_id is None:
                break
            if _send_one(mailer, delivery_id, now):
                sent += 1
            elif mailer.down:
                break  # the server is unreachable: leave the rest queued for the next run
    return sent


def _mark_abandoned_uncertain(now: datetime) -> None:
    abandoned = db.session.execute(
        sa.update(EmailDelivery).where(_abandoned(now))
        .values(status=DeliveryStatus.UNCERTAIN, last_error="the sending process stopped mid-send")
        .execution_options(synchronize_session=False)).rowcount
    if not abandoned:
        db.session.rollback()
        return
    db.session.commit()
    log.warning("%d e-mail(s) left 'sending' by a stopped runner are now uncertain: re-send or drop them on "
                "the outbox page", abandoned)


def _claim_next(now: datetime) -> int | None:
    """Claim the oldest due row and commit the claim; its id, or None when nothing is due."""
    for _ in range(10):  # another runner may win a row between our select and update
        candidate = db.session.scalar(sa.select(EmailDelivery.id).where(_due(now)).order_by(EmailDelivery.id)
                                      .limit(1).with_for_update(skip_locked=True))
        if candidate is None:
            db.session.rollback()
            return None
        claimed = db.session.execute(
            sa.update(EmailDelivery).where(EmailDelivery.id == candidate, _due(now))
            .values(status=DeliveryStatus.SENDING, claimed_at=now,
                    first_attempt_at=sa.func.coalesce(EmailDelivery.first_attempt_at, now))
            .execution_options(synchronize_session=False))
        db.session.commit()
        if claimed.rowcount == 1:
            return candidate
    return None


def _send_one(mailer: _Mailer, delivery_id: int, now: datetime) -> bool:
    delivery = db.session.get(EmailDelivery, delivery_id, populate_existing=True)
    recipient = db.session.get(User, delivery.notification.user_id)
    if recipient is None or not recipient.active:
        _finish(delivery, DeliveryStatus.SKIPPED, now, error="recipient deactivated")
        return False
    try:
        email = compose(delivery, recipient.full_name)
    except Exception as exc:  # nothing has left yet: record it and go on with the others
        log.exception("e-mail %s cannot be composed", delivery_id)
        _finish(delivery, DeliveryStatus.FAILED, now, error=f"{type(exc).__name__}: {exc}", retry=False)
        return False
    try:
        mailer.send(email, delivery.to_address)
    except PermanentFailure as exc:
        _finish(delivery, DeliveryStatus.FAILED, now, error=str(exc), retry=False)
    except Uncertain as exc:
        _finish(delivery, DeliveryStatus.UNCERTAIN, now, error=str(exc))
    except (smtplib.SMTPException, OSError) as exc:
        _finish(delivery, DeliveryStatus.FAILED, now, error=f"{type(exc).__name__}: {exc}", retry=True)
    else:
        _finish(delivery, DeliveryStatus.SENT, now)
        return True
    return False


def _finish(delivery: EmailDelivery, status: DeliveryStatus, now: datetime, *, error: str | None = None,
            retry: bool = False) -> None:
    delivery.status = status
    delivery.next_attempt_at = None
    if status == DeliveryStatus.SENT:
        delivery.sent_at = now
        delivery.last_error = None
    elif status == DeliveryStatus.SKIPPED:
        delivery.last_error = error
    else:
        delivery.attempts += 1
        delivery.last_error = (error or "")[:1000]
        again = retry and now < (delivery.first_attempt_at or now) + retry_window()
        if again:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        outcome = "may have been delivered, not resent" if status == DeliveryStatus.UNCERTAIN else (
            "failed" if again else "failed, given up")
        log.warning("e-mail %s to %s %s (attempt %d): %s", delivery.id, delivery.to_address, outcome,
                    delivery.attempts, error)
    db.session.commit()


# --- the message -----------------------------------------------------------------------------

def _sender() -> tuple[str, str]:
    """The From header as configured and its bare address for the envelope."""
    configured = current_app.config["SMTP_SENDER"]
    return configured, parseaddr(configured)[1] or configured


def message_id(event_key: str, user_id: int) -> str:
    """The same Message-ID for the same event and recipient, whoever sends it and however often."""
    digest = hashlib.sha256(f"{event_key}\n{user_id}".encode()).hexdigest()[:40]
    domain = _sender()[1].rpartition("@")[2] or "ecabinet.local"
    return f"<notify.{digest}@{domain}>"


def _body(notification: Notification) -> str:
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if notification.link and base:
        return f"{notification.body}\n\n{base}{notification.link}\n"
    return notification.body + "\n"


def _address(display_name: str, address: str) -> str:
    Address(addr_spec=address)  # refuses what is not an address, before any SMTP talk
    return formataddr((display_name, address), charset="utf-8")


def compose(delivery: EmailDelivery, display_name: str = "") -> Message:
    """The e-mail of a delivery: UTF-8 subject and text, the stored attachment if any.

    Built with the ``email.mime`` classes and ``Header``: Python 3.11's newer ``EmailMessage``
    folds long encoded subjects without the spaces between words, which garbles Vietnamese
    subjects in every mail client. Raises when the message cannot be built (an address
    that is not one, a missing file).
    """
    notification = delivery.notification
    text = MIMEText(_body(notification), "plain", "utf-8")
    message: Message = text
    if delivery.attachment_sha256:
        maintype, _sep, subtype = (delivery.attachment_type or "application/octet-stream").partition("/")
        part = MIMEBase(maintype, subtype)
        part.set_payload(read_bytes(delivery.attachment_sha256))
        encoders.encode_base64(part)
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", delivery.attachment_name))
        message = MIMEMultipart()
        message.attach(text)
        message.attach(part)
    sender_name, sender_address = parseaddr(_sender()[0])
    message["Subject"] = Header(notification.subject, "utf-8")
    message["From"] = _address(sender_name, sender_address)
    message["To"] = _address(display_name, delivery.to_address)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id(notification.event_key, notification.user_id)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to this
    return message


# --- SMTP ------------------------------------------------------------------------------------

class _Mailer:
    """One SMTP connection for a run, opened on first use and reopened after an error."""

    def __init__(self) -> None:
        self.connection: smtplib.SMTP | None = None
        self.down = False
        """Set when connecting failed: the run stops instead of failing every row."""

    def __enter__(self) -> _Mailer:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None

    def _connect(self) -> smtplib.SMTP:
        cfg = current_app.config
        try:
            connection = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=SMTP_TIMEOUT_SECONDS)
            if cfg["SMTP_USE_TLS"]:
                connection.starttls(context=ssl.create_default_context())
            if cfg.get("SMTP_USERNAME"):
                connection.login(cfg["SMTP_USERNAME"], cfg.get("SMTP_PASSWORD") or "")
        except (smtplib.SMTPException, OSError):
            self.down = True
            raise
        return connection

    def send(self, message: Message, to_address: str) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            _transmit(self.connection, _sender()[1], to_address, _wire_bytes(message))
        except (smtplib.SMTPException, OSError, PermanentFailure, Uncertain):
            self.connection.close()  # no QUIT: the conversation is in an unknown state
            self.connection = None
            raise


def _transmit(connection: smtplib.SMTP, sender: str, to_address: str, payload: bytes) -> None:
    """One message over an open connection, step by step, so that a failure says whether it may have left.

    ``smtplib.sendmail`` cannot tell a connection lost while the message was still being written (it never
    left: retry) from one lost after its last line, while waiting for the server's answer (it may have
    been accepted: never retry); here the second raises ``Uncertain``.
    """
    connection.ehlo_or_helo_if_needed()
    _expect(connection.mail(sender), 250)
    _expect(connection.rcpt(to_address), 250, 251)
    _expect(connection.docmd("DATA"), 354)
    connection.send(payload)  # lost here: the end-of-data line did not leave, the server discards the message
    try:
        reply = connection.getreply()
    except (smtplib.SMTPException, OSError) as exc:
        raise Uncertain(f"no answer after the message was sent: {type(exc).__name__}: {exc}") from None
    _expect(reply, 250)


def _expect(reply: tuple[int, bytes], *accepted: int) -> None:
    code, text = reply
    if code in accepted:
        return
    if code >= 500:
        raise PermanentFailure(f"{code} {text!r}")
    raise smtplib.SMTPResponseException(code, text)


def _wire_bytes(message: Message) -> bytes:
    """The message as ``DATA`` carries it: CRLF lines, leading dots doubled, ended by a lone dot."""
    buffer = io.BytesIO()
    BytesGenerator(buffer, mangle_from_=False, policy=message.policy.clone(linesep="\r\n")).flatten(
        message, linesep="\r\n")
    text = re.sub(rb"(?m)^\.", b"..", buffer.getvalue())
    if not text.endswith(b"\r\n"):
        text += b"\r\n"
    return text + b".\r\n"


# --- watching the outbox -----------------------------------------------------------------------

def stuck_count(now: datetime | None = None) -> int:
    """Rows ``sending`` for over ``STUCK_AFTER`` that no run has marked uncertain yet: the job is not running."""
    return db.session.scalar(sa.select(sa.func.count(EmailDelivery.id)).where(_abandoned(now or utcnow()))) or 0


def outbox_counts(now: datetime | None = None) -> dict[str, int]:
    """How many deliveries are in each status, plus ``stuck`` (for health pages and admins)."""
    rows = db.session.execute(sa.select(EmailDelivery.status, sa.func.count(EmailDelivery.id))
                              .group_by(EmailDelivery.status))
    counts = {status.value: 0 for status in DeliveryStatus} | {status.value: n for status, n in rows}
    return counts | {"stuck": stuck_count(now)}
