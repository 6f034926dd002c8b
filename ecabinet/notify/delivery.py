"""Sending the queued e-mails: at most once each, with retries for failures that are known.

``deliver_pending`` is a plain function for the scheduler (called in an app context). For
each due row it

1. claims it: ``status = sending`` and ``claimed_at``, **committed** before any SMTP talk;
2. sends it over SMTP;
3. marks it ``sent``, or ``failed`` with the error (retried later with backoff).

A crash between 1 and 3 leaves the row in ``sending``. It is never re-sent automatically,
since the message may have left already: a restart cannot send anything twice. Such rows
are counted by ``stuck_count`` and logged as stuck for a person to look at. The
``Message-ID`` is derived from the event key and the recipient, so a receiving server or
client can still drop a duplicate that a person re-queued.

Two runners never claim the same row: PostgreSQL skips rows locked by another runner
(``FOR UPDATE SKIP LOCKED``), and the claim itself is a compare-and-set on the status.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email import encoders
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

MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
STUCK_AFTER = timedelta(minutes=10)
SMTP_TIMEOUT_SECONDS = 30


class PermanentFailure(Exception):
    """This message can never be sent as it is (bad address, refused for good): do not retry."""


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 1, 2, 4, 8 minutes…, at most an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(EmailDelivery.status == DeliveryStatus.QUEUED,
                  sa.and_(EmailDelivery.status == DeliveryStatus.FAILED, EmailDelivery.next_attempt_at <= now))


def deliver_pending(now: datetime | None = None, limit: int = 100) -> int:
    """Send up to ``limit`` due e-mails; the number sent. Commits its own work, row by row."""
    now = now or utcnow()
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
    stuck = stuck_count(now)
    if stuck:
        log.warning("%d e-mail(s) stuck in 'sending' for over %s: check and re-queue them by hand", stuck,
                    STUCK_AFTER)
    return sent


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
            .values(status=DeliveryStatus.SENDING, claimed_at=now)
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
        mailer.send(email)
    except PermanentFailure as exc:
        _finish(delivery, DeliveryStatus.FAILED, now, error=str(exc), retry=False)
    except (smtplib.SMTPException, OSError) as exc:
        _finish(delivery, DeliveryStatus.FAILED, now, error=f"{type(exc).__name__}: {exc}", retry=True)
    else:
        _finish(delivery, DeliveryStatus.SENT, now)
        return True
    return False


def _finish(delivery: EmailDelivery, status: DeliveryStatus, now: datetime, *, error: str | None = None,
            retry: bool = False) -> None:
    delivery.status = status
    if status == DeliveryStatus.SENT:
        delivery.sent_at = now
        delivery.last_error = None
        delivery.next_attempt_at = None
    elif status == DeliveryStatus.FAILED:
        delivery.attempts += 1
        delivery.last_error = (error or "")[:1000]
        again = retry and delivery.attempts < MAX_ATTEMPTS
        delivery.next_attempt_at = now + retry_delay(delivery.attempts) if again else None
        log.warning("e-mail %s to %s failed (attempt %d%s): %s", delivery.id, delivery.to_address,
                    delivery.attempts, "" if again else ", given up", error)
    else:
        delivery.last_error = error
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
        self._close()

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

    def send(self, message: Message) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.send_message(message, from_addr=_sender()[1])
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure(f"recipient refused: {exc.recipients}") from None
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500:
                raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from None
            self._close()
            raise
        except (smtplib.SMTPException, OSError):
            self._close()
            raise

    def _close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None


# --- watching the outbox -----------------------------------------------------------------------

def stuck_count(now: datetime | None = None) -> int:
    """Rows claimed over ``STUCK_AFTER`` ago and still ``sending``: a runner died mid-send."""
    limit = (now or utcnow()) - STUCK_AFTER
    return db.session.scalar(sa.select(sa.func.count(EmailDelivery.id)).where(
        EmailDelivery.status == DeliveryStatus.SENDING, EmailDelivery.claimed_at < limit)) or 0


def outbox_counts(now: datetime | None = None) -> dict[str, int]:
    """How many deliveries are in each status, plus ``stuck`` (for health pages and admins)."""
    rows = db.session.execute(sa.select(EmailDelivery.status, sa.func.count(EmailDelivery.id))
                              .group_by(EmailDelivery.status))
    counts = {status.value: 0 for status in DeliveryStatus} | {status.value: n for status, n in rows}
    return counts | {"stuck": stuck_count(now)}
