"""Notifying people: one notification per event and recipient, e-mails queued, live pushes after commit.

Callers (meetings, tasks, reminders) do, inside their own transaction::

    notify.notify(f"meeting-change:{change.id}", recipient_ids, notify.Message(...))

and the caller's commit sends the live pushes (``core.aftercommit``); a rollback drops them.

``notify`` is idempotent, also between concurrent transactions: the database's unique
``(event_key, user_id)`` decides, through ``INSERT … ON CONFLICT DO NOTHING``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ecabinet.accounts.models import User
from ecabinet.core.aftercommit import after_commit
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db, upsert_insert
from ecabinet.core.exceptions import DomainError
from ecabinet.core.extensions import socketio, user_room
from ecabinet.core.storage import store_bytes
from ecabinet.notify.models import DeliveryStatus, EmailDelivery, Notification, NotificationPreference

log = logging.getLogger("ecabinet.notify")

KIND_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
"""A kind names an event family and the event: ``meeting.rescheduled``."""
PREFERENCE_KIND_RE = re.compile(r"^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$")
"""A preference is for a kind, a family of kinds (``meeting.*``) or every kind (``*``)."""
DEFAULT_KIND = "*"
MAX_KEY, MAX_KIND, MAX_SUBJECT, MAX_LINK = 200, 64, 255, 500
INSERT_BATCH = 500
"""Rows per INSERT statement (SQLite allows 32766 bound values in one)."""
CONTENT_TYPE_RE = re.compile(r"^[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*$")


class NotifyError(DomainError):
    pass


# --- what is said ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Attachment:
    """A file sent with the e-mail (not shown in the app), e.g. the invitation letter as PDF."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)

    def __post_init__(self) -> None:
        name = re.sub(r"[\x00-\x1f\x7f/\\]", "_", self.filename.strip()).lstrip(".")[:255]
        if not name:
            raise ValueError("an attachment needs a file name")
        if not CONTENT_TYPE_RE.match(self.content_type):
            raise ValueError(f"not a content type: {self.content_type!r}")
        if not isinstance(self.data, bytes):
            raise TypeError("attachment data must be bytes")
        object.__setattr__(self, "filename", name)


@dataclass(frozen=True)
class Message:
    """The text of a notification, already in the language it is to be read in.

    ``subject`` becomes one line (an e-mail header cannot hold line breaks) and is shortened
    to 255 characters; ``link`` is a path inside ecabinet such as ``/meetings/12``.
    """

    kind: str
    subject: str
    body: str
    link: str | None = None
    attachment: Attachment | None = None

    def __post_init__(self) -> None:
        if len(self.kind) > MAX_KIND or not KIND_RE.match(self.kind):
            raise ValueError(f"not a notification kind: {self.kind!r}")
        subject = " ".join(self.subject.split())
        if not subject:
            raise ValueError("a notification needs a subject")
        if len(subject) > MAX_SUBJECT:
            subject = subject[:MAX_SUBJECT - 1] + "…"
        object.__setattr__(self, "subject", subject)
        if self.link is not None and (not self.link.startswith("/") or self.link.startswith("//")
                                      or len(self.link) > MAX_LINK):
            raise ValueError(f"a notification link must be a path inside ecabinet: {self.link!r}")


# --- preferences -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Preference:
    kind: str
    in_app: bool = True
    email: bool = True


def kind_candidates(kind: str) -> list[str]:
    """Preference keys that apply to ``kind``, most specific first: ``a.b``, ``a.*``, ``*``."""
    parts = kind.split(".")
    return [kind] + [".".join(parts[:i]) + ".*" for i in range(len(parts) - 1, 0, -1)] + [DEFAULT_KIND]


def channels_for(prefs: Mapping[str, Preference], kind: str) -> Preference:
    """The most specific of ``prefs`` (by kind) that applies to ``kind``; both channels on by default."""
    for candidate in kind_candidates(kind):
        if candidate in prefs:
            return prefs[candidate]
    return Preference(DEFAULT_KIND)


def _stored_preferences(user_ids: Iterable[int]) -> dict[int, dict[str, Preference]]:
    rows = db.session.scalars(sa.select(NotificationPreference)
                              .where(NotificationPreference.user_id.in_(list(user_ids))))
    result: dict[int, dict[str, Preference]] = {}
    for row in rows:
        result.setdefault(row.user_id, {})[row.kind] = Preference(row.kind, row.in_app, row.email)
    return result


def preferences_of(user_id: int) -> list[Preference]:
    """The user's preferences, the default (``*``) first and always present."""
    stored = _stored_preferences([user_id]).get(user_id, {})
    default = stored.pop(DEFAULT_KIND, Preference(DEFAULT_KIND))
    return [default] + [stored[k] for k in sorted(stored)]


def set_preferences(user_id: int, preferences: Sequence[Preference]) -> list[Preference]:
    """Replace the user's preferences by ``preferences``; kinds left out fall back to the default."""
    wanted: dict[str, Preference] = {}
    for pref in preferences:
        if not PREFERENCE_KIND_RE.match(pref.kind) or len(pref.kind) > MAX_KIND:
            raise NotifyError("invalid_kind", _("Not a notification kind: %(kind)s", kind=pref.kind), "kind")
        if pref.kind in wanted:
            raise NotifyError("duplicate_kind", _("The kind %(kind)s is given twice.", kind=pref.kind), "kind")
        wanted[pref.kind] = pref
    existing = {row.kind: row for row in db.session.scalars(
        sa.select(NotificationPreference).where(NotificationPreference.user_id == user_id))}
    for kind, row in existing.items():
        if kind not in wanted:
            db.session.delete(row)
    for kind, pref in wanted.items():
        row = existing.get(kind)
        if row is None:
            db.session.add(NotificationPreference(user_id=user_id, kind=kind, in_app=pref.in_app, email=pref.email))
        else:
            row.in_app, row.email = pref.in_app, pref.email
    db.session.flush()
    return preferences_of(user_id)


# --- notifying ---------------------------------------------------------------------------------

def notify(event_key: str, recipient_ids: Iterable[int], message: Message) -> list[Notification]:
    """Tell each recipient about the event ``event_key`` once, ever; the caller commits.

    Recipients who already have a notification for ``event_key`` (from an earlier call, a
    retry, or a concurrent transaction) are left alone; unknown user ids are ignored. Each
    new notification is shown in the app unless the user's preference for the kind says
    no, and its e-mail is queued when the user is active, has an address and wants e-mail.
    The new notifications, returned, are pushed live after the commit.
    """
    if not 1 <= len(event_key) <= MAX_KEY:
        raise ValueError(f"an event key has 1 to {MAX_KEY} characters: {event_key!r}")
    ids = sorted({int(i) for i in recipient_ids if i is not None})
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))} if ids else {}
    if not users:
        return []
    prefs = _stored_preferences(users)
    channels = {uid: channels_for(prefs.get(uid, {}), message.kind) for uid in users}
    now = utcnow()
    rows = [{"user_id": uid, "event_key": event_key, "kind": message.kind, "subject": message.subject,
             "body": message.body, "link": message.link, "in_app": channels[uid].in_app, "created_at": now}
            for uid in sorted(users)]
    new_ids = _insert_missing(rows)
    if not new_ids:
        return []
    created = list(db.session.scalars(sa.select(Notification).where(Notification.id.in_(new_ids))
                                      .order_by(Notification.id)))
    _queue_emails(created, users, channels, message.attachment)
    after_commit(lambda: _push(created))
    return created


def not_yet_notified(event_key: str, recipient_ids: Iterable[int]) -> set[int]:
    """Those of ``recipient_ids`` without a notification for ``event_key``: lets a caller skip
    costly work (rendering an attachment) when nobody new is to be told."""
    ids = {int(i) for i in recipient_ids if i is not None}
    if not ids:
        return set()
    done = db.session.scalars(sa.select(Notification.user_id).where(Notification.event_key == event_key,
                                                                    Notification.user_id.in_(ids)))
    return ids - set(done)


def _insert_missing(rows: list[dict]) -> list[int]:
    """Insert the rows whose ``(event_key, user_id)`` is new; the ids of those inserted.

    ``ON CONFLICT DO NOTHING`` makes a concurrent transaction that inserted the same pair
    first win: PostgreSQL waits for it and skips the row; SQLite serialises writers. Rows
    go in user-id order, so two such transactions lock in the same order and cannot deadlock.
    """
    table = Notification.__table__
    inserted: list[int] = []
    for start in range(0, len(rows), INSERT_BATCH):
        statement = (upsert_insert(table).values(rows[start:start + INSERT_BATCH])
                     .on_conflict_do_nothing(index_elements=["event_key", "user_id"])
                     .returning(table.c.id))
        inserted += db.session.execute(statement).scalars()
    return inserted


def _email_address(user: User) -> str | None:
    address = (user.email or "").strip()
    return address if user.active and "@" in address else None


def _queue_emails(created: list[Notification], users: Mapping[int, User], channels: Mapping[int, Preference],
                  attachment: Attachment | None) -> None:
    sha256: str | None = None
    for notification in created:
        address = _email_address(users[notification.user_id])
        if address is None or not channels[notification.user_id].email:
            continue
        if attachment is not None and sha256 is None:
            sha256 = store_bytes(attachment.data)  # once, however many recipients
        db.session.add(EmailDelivery(
            notification=notification, to_address=address, status=DeliveryStatus.QUEUED, attempts=0,
            attachment_sha256=sha256, attachment_name=attachment.filename if attachment else None,
            attachment_type=attachment.content_type if attachment else None,
        ))
    db.session.flush()


# --- live push ---------------------------------------------------------------------------------

def payload(notification: Notification, unread: int) -> dict:
    return {"id": notification.id, "kind": notification.kind, "subject": notification.subject,
            "link": notification.link, "created_at": notification.created_at.isoformat(), "unread_count": unread}


def _push(notifications: Iterable[Notification]) -> None:
    """Emit ``notification`` to each recipient's room, after the commit; never raises.

    A push that fails (no message queue, say) is logged: the notification is saved and the
    user sees it on the next page load.
    """
    shown = [n for n in notifications if n.in_app]
    if not shown:
        return
    try:
        counts = unread_counts({n.user_id for n in shown})
        for notification in shown:
            socketio.emit("notification", payload(notification, counts.get(notification.user_id, 0)),
                          to=user_room(notification.user_id))
    except Exception:
        log.exception("could not push %d notification(s)", len(shown))


# --- the notification centre ---------------------------------------------------------------------

def _visible(user_id: int) -> sa.ColumnElement[bool]:
    return sa.and_(Notification.user_id == user_id, Notification.in_app.is_(True))


def notifications_of(user_id: int, *, unread_only: bool = False, page: int = 1,
                     per_page: int = 20) -> tuple[list[Notification], int]:
    """The user's in-app notifications, newest first, and how many there are in all."""
    condition = _visible(user_id)
    if unread_only:
        condition = sa.and_(condition, Notification.read_at.is_(None))
    total = db.session.scalar(sa.select(sa.func.count(Notification.id)).where(condition)) or 0
    items = db.session.scalars(sa.select(Notification).where(condition).order_by(Notification.id.desc())
                               .limit(per_page).offset((page - 1) * per_page))
    return list(items), total


def unread_counts(user_ids: Iterable[int]) -> dict[int, int]:
    ids = list(user_ids)
    rows = db.session.execute(
        sa.select(Notification.user_id, sa.func.count(Notification.id))
        .where(Notification.user_id.in_(ids), Notification.in_app.is_(True), Notification.read_at.is_(None))
        .group_by(Notification.user_id))
    return {uid: 0 for uid in ids} | {uid: count for uid, count in rows}


def unread_count(user_id: int) -> int:
    return unread_counts([user_id])[user_id]


def mark_read(notification: Notification, now: datetime | None = None) -> bool:
    """Mark one notification read; False when it already was."""
    if notification.read_at is not None:
        return False
    notification.read_at = now or utcnow()
    return True


def mark_all_read(user_id: int, now: datetime | None = None) -> int:
    """Mark every unread notification of the user read; how many were."""
    result = db.session.execute(sa.update(Notification)
                                .where(_visible(user_id), Notification.read_at.is_(None))
                                .values(read_at=now or utcnow()).execution_options(synchronize_session="fetch"))
    return result.rowcount or 0


def kinds_received(user_id: int) -> list[str]:
    """The kinds the user has had notifications of, for the preferences page."""
    return list(db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == user_id)
                                   .distinct().order_by(Notification.kind)))


def _specificity(kind: str) -> int:
    """``*`` < ``a.*`` < ``a`` < ``a.b.*`` < ``a.b`` …: the order in which preferences override."""
    if kind == DEFAULT_KIND:
        return 0
    parts = kind.split(".")
    return 2 * len(parts) - 1 if parts[-1] == "*" else 2 * len(parts)


def _inherited(kept: Mapping[str, Preference], kind: str) -> Preference:
    """What ``kind`` would get from the more general preferences in ``kept``."""
    if kind == DEFAULT_KIND:
        return Preference(DEFAULT_KIND)
    if kind.endswith(".*"):
        candidates = [c for c in kind_candidates(kind[:-2]) if c.endswith("*")]
    else:
        candidates = kind_candidates(kind)[1:]
    return next((kept[c] for c in candidates if c in kept), Preference(DEFAULT_KIND))


def without_redundant(preferences: Sequence[Preference]) -> list[Preference]:
    """Drop the preferences that say what a more general one says already (the page's rows)."""
    kept: dict[str, Preference] = {}
    for pref in sorted(preferences, key=lambda p: (_specificity(p.kind), p.kind)):
        inherited = _inherited(kept, pref.kind)
        if pref.kind == DEFAULT_KIND or (pref.in_app, pref.email) != (inherited.in_app, inherited.email):
            kept[pref.kind] = pref
    return list(kept.values())
