"""A notification per event and recipient, its e-mail in the outbox, and the user's preferences."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.db import CreatedAtMixin, db, enum_type, stored_file_column


class Notification(CreatedAtMixin, db.Model):
    """What one user was told about one event. ``(event_key, user_id)`` is unique: once, ever.

    The row is kept even when the user's preferences turn the in-app channel off
    (``in_app`` false): it is the record that the event was handled for this user, so a
    retry never notifies again, and the e-mail delivery hangs from it.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("event_key", "user_id"),
        sa.CheckConstraint("length(event_key) >= 1", name="event_key_not_empty"),
        sa.CheckConstraint("link IS NULL OR (link LIKE '/%' AND link NOT LIKE '//%')", name="link_relative"),
        sa.Index("ix_notifications_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    event_key: Mapped[str] = mapped_column(sa.String(200))
    """Idempotency key of the event, e.g. ``meeting:12:rescheduled:v3``."""
    kind: Mapped[str] = mapped_column(sa.String(64))
    """What sort of event, e.g. ``meeting.rescheduled``; preferences are chosen per kind."""
    subject: Mapped[str] = mapped_column(sa.String(255))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str | None] = mapped_column(sa.String(500))
    """A path inside ecabinet (``/meetings/12``), never an outside address."""
    in_app: Mapped[bool] = mapped_column(default=True)
    """Shown in the notification centre and pushed live; false when the user turned that off."""
    read_at: Mapped[datetime | None]

    delivery: Mapped[EmailDelivery | None] = relationship(back_populates="notification")

    def __repr__(self) -> str:
        return f"<Notification {self.event_key} → {self.user_id}>"


class DeliveryStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    """Claimed by a runner. Never sent again automatically: a runner that stopped here becomes ``uncertain``."""
    SENT = "sent"
    FAILED = "failed"
    """Tried and failed; retried at ``next_attempt_at`` unless that is empty (given up)."""
    UNCERTAIN = "uncertain"
    """The message may have left (the connection broke after the whole message was sent, or the runner stopped
    mid-send): never resent automatically, a person re-sends or drops it from the outbox page."""
    SKIPPED = "skipped"
    """Not sent on purpose: the recipient was deactivated meanwhile."""
    DROPPED = "dropped"
    """Taken out of the outbox by a person (audited)."""


class EmailDelivery(CreatedAtMixin, db.Model):
    """The e-mail of one notification: the outbox row that ``delivery.deliver_pending`` works on."""

    __tablename__ = "email_deliveries"
    __table_args__ = (
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_has_time"),
        sa.CheckConstraint("status <> 'sending' OR claimed_at IS NOT NULL", name="sending_is_claimed"),
        sa.CheckConstraint(
            "(attachment_sha256 IS NULL AND attachment_name IS NULL AND attachment_type IS NULL)"
            " OR (attachment_sha256 IS NOT NULL AND attachment_name IS NOT NULL AND attachment_type IS NOT NULL)",
            name="attachment_complete"),
        sa.Index("ix_email_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(sa.ForeignKey("notifications.id", ondelete="CASCADE"),
                                                 unique=True)
    to_address: Mapped[str] = mapped_column(sa.String(255))
    status: Mapped[DeliveryStatus] = mapped_column(enum_type(DeliveryStatus, "status"),
                                                   default=DeliveryStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(1000))
    claimed_at: Mapped[datetime | None]
    first_attempt_at: Mapped[datetime | None]
    """When the first attempt started: retries go on for ``EMAIL_RETRY_HOURS`` from here."""
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    attachment_sha256: Mapped[str | None] = stored_file_column()
    """A file in ``core.storage``, stored once however many recipients it goes to."""
    attachment_name: Mapped[str | None] = mapped_column(sa.String(255))
    attachment_type: Mapped[str | None] = mapped_column(sa.String(255))

    notification: Mapped[Notification] = relationship(back_populates="delivery")

    def __repr__(self) -> str:
        return f"<EmailDelivery {self.id} {self.status}>"


class NotificationPreference(db.Model):
    """Which channels a user wants for a kind: an exact kind, a family (``meeting.*``) or ``*``."""

    __tablename__ = "notification_preferences"
    __auditable__ = True
    __table_args__ = (sa.CheckConstraint("length(kind) BETWEEN 1 AND 64", name="kind_length"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    in_app: Mapped[bool] = mapped_column(default=True)
    email: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<NotificationPreference {self.user_id} {self.kind}>"
