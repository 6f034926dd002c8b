"""The outgoing-document register (sổ đăng ký văn bản đi): numbers per year and document symbol.

``take_number`` raises the register's counter with one ``UPDATE … RETURNING``: on PostgreSQL the row stays
locked until the issuing transaction ends, so concurrent issuers get consecutive numbers; a rolled-back issue
undoes the raise, so no number is ever skipped, and the unique ``(register, number)`` key means none is given
twice. A number once committed stays used: a withdrawn document has its number *cancelled*, with the reason.

Operations flush and never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _

from ecabinet.accounts.models import User
from ecabinet.core.clock import local_date, utcnow
from ecabinet.core.db import db, upsert_insert, waiting_for_locks
from ecabinet.core.exceptions import DomainError
from ecabinet.documents.formatting import format_number_symbol
from ecabinet.registers.models import DocumentRegister, NumberStatus, RegisterNumber

MAX_REASON = 1000


def printed_number(number: int, symbol: str) -> str:
    """"15/TB-UBND", "01/TB-UBND": the number and symbol as the document prints them after "Số:"."""
    return format_number_symbol(number, symbol).removeprefix("Số:").strip()


def default_symbol() -> str:
    return current_app.config["NOTICE_SYMBOL"]


def this_year() -> int:
    """The current year in the province's calendar (registers restart each 1 January, local time)."""
    return local_date(utcnow()).year


def _ensure_register(symbol: str, year: int) -> None:
    statement = (upsert_insert(DocumentRegister.__table__).values(symbol=symbol, year=year, last_number=0)
                 .on_conflict_do_nothing(index_elements=["symbol", "year"]))
    db.session.execute(statement)


def take_number(symbol: str, year: int, summary: str, actor: User) -> RegisterNumber:
    """The next number of the ``symbol`` register of ``year``, recorded with the document's summary.

    The caller's transaction holds the register's row lock until it ends (PostgreSQL); roll it back and the
    number is given back.
    """
    symbol = symbol.strip().upper()
    with waiting_for_locks():
        _ensure_register(symbol, year)
        register_id, number = db.session.execute(
            sa.update(DocumentRegister)
            .where(DocumentRegister.symbol == symbol, DocumentRegister.year == year)
            .values(last_number=DocumentRegister.last_number + 1)
            .returning(DocumentRegister.id, DocumentRegister.last_number)
            .execution_options(synchronize_session=False)).one()
    taken = RegisterNumber(register_id=register_id, number=number, number_symbol=printed_number(number, symbol),
                           summary=summary[:500], status=NumberStatus.ISSUED, taken_at=utcnow(),
                           taken_by_id=actor.id)
    db.session.add(taken)
    db.session.flush()
    return taken


def expected_number(symbol: str, year: int) -> int:
    """The number ``take_number`` would give now, read without waiting for the register's lock: a guess that
    lets a document be rendered before its number is taken (others may take numbers meanwhile)."""
    last = db.session.scalar(sa.select(DocumentRegister.last_number)
                             .where(DocumentRegister.symbol == symbol.strip().upper(), DocumentRegister.year == year))
    return (last or 0) + 1


def cancel_number(taken: RegisterNumber, actor: User, reason: str) -> RegisterNumber:
    """Record the number as cancelled (the document was withdrawn); it stays used and is never given again.

    A number is cancelled only with its document withdrawn: one an issued notice holds is refused (409), since an
    issued notice stays in force (a mistake in it is put right by a correcting notice, which takes its own number).
    """
    if taken.id in _notice_ids([taken.id]):
        raise DomainError("number_in_use",
                          _("The number %(number)s belongs to an issued notice, which stays in force: a number is "
                            "cancelled only when its document is withdrawn. Put a mistake right with a correcting "
                            "notice.", number=taken.number_symbol), None, 409)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Give the reason for cancelling the number."), "reason")
    if len(reason) > MAX_REASON:
        raise DomainError("reason_too_long",
                          _("The reason for cancelling a number is at most %(limit)s characters long.",
                            limit=MAX_REASON), "reason")
    if taken.status == NumberStatus.CANCELLED:
        raise DomainError("already_cancelled",
                          _("The number %(number)s has already been cancelled.", number=taken.number_symbol), None, 409)
    actor_id = actor.id  # read before changing the row: a lazy load would autoflush it half-changed
    taken.cancel_reason, taken.cancelled_at, taken.cancelled_by_id = reason, utcnow(), actor_id
    taken.status = NumberStatus.CANCELLED
    db.session.flush()
    return taken


def find_register(symbol: str, year: int) -> DocumentRegister | None:
    return db.session.scalar(sa.select(DocumentRegister).where(DocumentRegister.symbol == symbol.strip().upper(),
                                                               DocumentRegister.year == year))


def registers() -> list[DocumentRegister]:
    """Every register, newest year first: the choices of the register page."""
    return list(db.session.scalars(sa.select(DocumentRegister)
                                   .order_by(DocumentRegister.year.desc(), DocumentRegister.symbol)))


@dataclass(frozen=True)
class RegisterRow:
    """A number of the register and the document that took it (a notice), if any."""

    entry: RegisterNumber
    notice_id: int | None


NoticeLookup = Callable[[list[int]], dict[int, int]]
"""Given register-number ids, the id of the notice that took each (numbers no notice holds left out)."""
NOTICE_LOOKUP = "ecabinet.registers.notice_lookup"


def install_notice_lookup(app: Flask, lookup: NoticeLookup) -> None:
    """Called once per app by the domain that owns the notices: notices take their numbers here (so that domain
    depends on registers), and the register lists which notice holds a number without knowing notices."""
    app.extensions[NOTICE_LOOKUP] = lookup


def register_listing(symbol: str, year: int) -> list[RegisterRow]:
    """The numbers of a register in order, each with the notice it belongs to."""
    entries = list(db.session.scalars(
        sa.select(RegisterNumber)
        .join(DocumentRegister, DocumentRegister.id == RegisterNumber.register_id)
        .where(DocumentRegister.symbol == symbol.strip().upper(), DocumentRegister.year == year)
        .order_by(RegisterNumber.number)))
    notice_ids = _notice_ids([entry.id for entry in entries])
    return [RegisterRow(entry, notice_ids.get(entry.id)) for entry in entries]


def _notice_ids(number_ids: list[int]) -> dict[int, int]:
    lookup = current_app.extensions.get(NOTICE_LOOKUP)
    return lookup(number_ids) if lookup is not None and number_ids else {}


def gaps(symbol: str, year: int) -> list[int]:
    """Numbers from 1 to the register's last number that no entry holds: must always be empty."""
    register = find_register(symbol, year)
    if register is None:
        return []
    used = set(db.session.scalars(sa.select(RegisterNumber.number)
                                  .where(RegisterNumber.register_id == register.id)))
    return [n for n in range(1, register.last_number + 1) if n not in used]
