"""The work programme: entering it, adjusting it with the chair's approval, feeding the sessions, following it up.

The secretariat enters the programme as adopted (or imports it from Excel); afterwards an item is added, moved
or dropped only by an adjustment it proposes with a reason and the programme's chair approves or refuses. Putting
an item on a meeting's agenda creates the agenda item and asks the lead agency for its materials (the material
requests' own operation). The job ``follow_up`` marks an item presented once the meeting that had it on its
agenda was held, and reminds the lead agency, once per period, of an item its period ended without.

Operations flush and never commit; their notifications are pushed after the caller's commit.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ecabinet import policy
from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role, User
from ecabinet.core import clock
from ecabinet.core.clock import utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.materials import operations as materials
from ecabinet.materials.models import AgendaItem, ItemStatus
from ecabinet.materials.requests import operations as material_requests
from ecabinet.meetings.models import Meeting, MeetingStatus
from ecabinet.notify import operations as notify
from ecabinet.org.models import Unit
from ecabinet.programme.models import (OPEN_STATES, Adjustment, AdjustmentKind, AdjustmentStatus, EventKind,
                                       ItemEvent, ItemKind, ItemState, PeriodKind, Programme, ProgrammeItem)

KIND_PROPOSED = "programme.adjustment_proposed"
KIND_DECIDED = "programme.adjustment_decided"
KIND_BEHIND = "programme.behind"
HELD = (MeetingStatus.ENDED, MeetingStatus.CLOSED)
"""A meeting in these states was held: the items on its agenda were presented, unless put off."""
SET_ASIDE = (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED)
"""A meeting in these states will not present its items: they may be put on another agenda."""
ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    number: int

    def check(self) -> None:
        top = 12 if self.kind == PeriodKind.MONTH else 4
        if not 1 <= self.number <= top:
            raise DomainError("bad_period", _("Choose a month from 1 to 12 or a quarter from 1 to 4."), "period")

    @property
    def last_month(self) -> int:
        return self.number if self.kind == PeriodKind.MONTH else self.number * 3

    def key(self, year: int) -> str:
        return f"{year}-{self.number:02d}" if self.kind == PeriodKind.MONTH else f"{year}-Q{self.number}"

    def label_vi(self) -> str:
        """As the programme's documents write it: "Tháng 3", "Quý II"."""
        return f"Tháng {self.number}" if self.kind == PeriodKind.MONTH else f"Quý {ROMAN[self.number - 1]}"

    def ends_on(self, year: int) -> date:
        return date(year, self.last_month, calendar.monthrange(year, self.last_month)[1])


def period_of(item: ProgrammeItem) -> Period:
    return Period(item.period_kind, item.period)


@dataclass(frozen=True)
class ItemData:
    title: str
    kind: ItemKind
    period: Period
    lead_unit_id: int
    leader_id: int | None = None


# --- the programme ---------------------------------------------------------------------------

def programme_of(year: int) -> Programme | None:
    return db.session.scalar(sa.select(Programme).where(Programme.year == year))


def _check_chair(chair_id: int) -> None:
    chair = db.session.get(User, chair_id)
    if chair is None or not chair.active or not chair.has_role(Role.LEADER):
        raise DomainError("bad_chair", _("The chair must be an active leader."), "chair_id")


def create_programme(year: int, title: str, chair_id: int, actor: User) -> Programme:
    if programme_of(year) is not None:
        raise DomainError("programme_exists", _("The programme of %(year)s already exists.", year=year), "year", 409)
    _check_chair(chair_id)
    programme = Programme(year=year, title=title.strip(), chair_id=chair_id, created_by_id=actor.id)
    db.session.add(programme)
    db.session.flush()
    return programme


def _record(item: ProgrammeItem, kind: EventKind, actor: User | None, note: str = "",
            details: dict | None = None) -> None:
    with db.session.no_autoflush:
        item.events.append(ItemEvent(kind=kind, at=utcnow(), by_id=actor.id if actor else None, note=note,
                                     details=details))


def _check_item(data: ItemData) -> None:
    if not data.title.strip():
        raise DomainError("no_title", _("Write the title of the item."), "title")
    data.period.check()
    unit = db.session.get(Unit, data.lead_unit_id)
    if unit is None or not unit.active:
        raise DomainError("unknown_unit", _("Choose an active lead agency."), "lead_unit_id")
    if data.leader_id is not None:
        leader = db.session.get(User, data.leader_id)
        if leader is None or not leader.active or not leader.has_role(Role.LEADER):
            raise DomainError("bad_leader", _("The leader in charge must be an active leader."), "leader_id")


def _new_item(programme: Programme, data: ItemData, state: ItemState) -> ProgrammeItem:
    _check_item(data)
    item = ProgrammeItem(programme_id=programme.id, title=data.title.strip(), kind=data.kind,
                         period_kind=data.period.kind, period=data.period.number, lead_unit_id=data.lead_unit_id,
                         leader_id=data.leader_id, state=state)
    db.session.add(item)
    return item


def enter_items(programme: Programme, items: list[ItemData], actor: User,
                how: EventKind = EventKind.ENTERED) -> list[ProgrammeItem]:
    """Items of the programme as adopted, planned at once (by hand or from an Excel sheet)."""
    created = [_new_item(programme, data, ItemState.PLANNED) for data in items]
    db.session.flush()
    for item in created:
        _record(item, how, actor)
    db.session.flush()
    return created


# --- adjustments -----------------------------------------------------------------------------

def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError("reason_required", _("Give the reason for the adjustment."), "reason")
    return reason


def pending_of(item: ProgrammeItem) -> Adjustment | None:
    return next((a for a in item.adjustments if a.status == AdjustmentStatus.PROPOSED), None)


def _propose(item: ProgrammeItem, kind: AdjustmentKind, reason: str, actor: User,
             period: Period | None = None) -> Adjustment:
    adjustment = Adjustment(item=item, kind=kind, reason=reason, proposed_by_id=actor.id,
                            new_period_kind=period.kind if period else None,
                            new_period=period.number if period else None, status=AdjustmentStatus.PROPOSED)
    db.session.add(adjustment)
    db.session.flush()
    details = {"adjustment_id": adjustment.id, "kind": kind.value}
    if period is not None:
        details["period"] = period.key(item.programme.year)
    _record(item, EventKind.PROPOSED, actor, reason, details)
    db.session.flush()
    _tell_chair(adjustment)
    return adjustment


def propose_addition(programme: Programme, data: ItemData, reason: str, actor: User) -> Adjustment:
    """A new item, proposed (not planned) until the chair approves its addition."""
    reason = _reason(reason)
    item = _new_item(programme, data, ItemState.PROPOSED)
    db.session.flush()
    return _propose(item, AdjustmentKind.ADD, reason, actor, data.period)


def _check_adjustable(item: ProgrammeItem) -> None:
    if item.state not in OPEN_STATES:
        raise DomainError("not_adjustable", _("Only an item still to be presented can be moved or dropped."),
                          "state", 409)
    if pending_of(item) is not None:
        raise DomainError("adjustment_pending", _("An adjustment of this item awaits the chair's decision."),
                          None, 409)


def propose_move(item: ProgrammeItem, period: Period, reason: str, actor: User) -> Adjustment:
    reason = _reason(reason)
    period.check()
    _check_adjustable(item)
    if period == period_of(item):
        raise DomainError("same_period", _("The item is already planned for that period."), "period")
    return _propose(item, AdjustmentKind.MOVE, reason, actor, period)


def propose_drop(item: ProgrammeItem, reason: str, actor: User) -> Adjustment:
    reason = _reason(reason)
    _check_adjustable(item)
    return _propose(item, AdjustmentKind.DROP, reason, actor)


def _apply(adjustment: Adjustment) -> None:
    item = adjustment.item
    if adjustment.kind == AdjustmentKind.ADD:
        item.state = ItemState.PLANNED
    elif adjustment.kind == AdjustmentKind.MOVE:
        item.period_kind, item.period = adjustment.new_period_kind, adjustment.new_period
        item.reminded_for = None
    else:
        item.state = ItemState.DROPPED


def decide(adjustment: Adjustment, approve: bool, actor: User, note: str = "") -> Adjustment:
    """The chair's decision: an approved adjustment changes the programme; a refused addition is not adopted."""
    if adjustment.status != AdjustmentStatus.PROPOSED:
        raise DomainError("already_decided", _("This adjustment has already been decided."), None, 409)
    adjustment.status = AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REFUSED
    adjustment.decided_by_id, adjustment.decided_at = actor.id, utcnow()
    adjustment.decision_note = " ".join(note.split())
    item = adjustment.item
    if approve:
        _apply(adjustment)
    elif adjustment.kind == AdjustmentKind.ADD:
        item.state = ItemState.DROPPED
    _record(item, EventKind.APPROVED if approve else EventKind.REFUSED, actor, adjustment.decision_note,
            {"adjustment_id": adjustment.id, "kind": adjustment.kind.value})
    db.session.flush()
    _tell_proposer(adjustment)
    return adjustment


def _item_link(item: ProgrammeItem) -> str:
    return f"/programme/items/{item.id}"


def _tell_chair(adjustment: Adjustment) -> None:
    item = adjustment.item
    notify.notify(f"programme-adjustment:{adjustment.id}", [item.programme.chair_id], notify.Message(
        kind=KIND_PROPOSED, link=_item_link(item),
        subject=_("Adjustment of the work programme to decide: %(title)s", title=item.title),
        body=_("The Office proposes to adjust the work programme (%(title)s). Reason: %(reason)s",
               title=item.title, reason=adjustment.reason)))


def _tell_proposer(adjustment: Adjustment) -> None:
    item = adjustment.item
    verdict = _("approved") if adjustment.status == AdjustmentStatus.APPROVED else _("refused")
    notify.notify(f"programme-adjustment:{adjustment.id}:decided", [adjustment.proposed_by_id], notify.Message(
        kind=KIND_DECIDED, link=_item_link(item),
        subject=_("Adjustment %(verdict)s: %(title)s", verdict=verdict, title=item.title),
        body=_("The chair has %(verdict)s the adjustment of “%(title)s”.", verdict=verdict, title=item.title)
        + (f"\n{adjustment.decision_note}" if adjustment.decision_note else "")))


def pending_adjustments(programme: Programme, user: User) -> list[Adjustment]:
    """The adjustments awaiting the chair, of the items ``user`` may see."""
    return list(db.session.scalars(
        sa.select(Adjustment).join(ProgrammeItem).where(ProgrammeItem.programme_id == programme.id,
                                                        Adjustment.status == AdjustmentStatus.PROPOSED,
                                                        policy.programme_item_visibility(user))
        .order_by(Adjustment.id)))


# --- feeding the sessions ------------------------------------------------------------------------

def _may_go_on_agenda(item: ProgrammeItem) -> bool:
    if item.state == ItemState.PLANNED:
        return True
    agenda_item = item.agenda_item
    return item.state == ItemState.ON_AGENDA and (
        agenda_item is None or agenda_item.status == ItemStatus.DEFERRED or agenda_item.meeting.status in SET_ASIDE)


def put_on_agenda(item: ProgrammeItem, meeting: Meeting, actor: User, due_on: date | None = None,
                  planned_minutes: int = 30) -> AgendaItem:
    """The item on ``meeting``'s agenda, presented by its lead agency, which is asked for the materials."""
    if not _may_go_on_agenda(item):
        raise DomainError("not_pickable", _("This item is not waiting to be put on an agenda."), "state", 409)
    if pending_of(item) is not None:
        raise DomainError("adjustment_pending", _("An adjustment of this item awaits the chair's decision."),
                          None, 409)
    leader = item.leader.full_name if item.leader else ""
    agenda_item = materials.add_item(meeting, title=item.title, presenting_unit_id=item.lead_unit_id,
                                     presenter=leader, planned_minutes=planned_minutes)
    material_requests.request_materials(agenda_item, [item.lead_unit_id], actor, due_on=due_on)
    item.agenda_item_id, item.state = agenda_item.id, ItemState.ON_AGENDA
    _record(item, EventKind.PUT_ON_AGENDA, actor, details={"meeting_id": meeting.id, "agenda_item_id": agenda_item.id})
    db.session.flush()
    return agenda_item


# --- following up ----------------------------------------------------------------------------

def last_month_of(item_period_kind: sa.ColumnElement, item_period: sa.ColumnElement) -> sa.ColumnElement[int]:
    return sa.case((item_period_kind == PeriodKind.MONTH, item_period), else_=item_period * 3)


def behind(today: date) -> sa.ColumnElement[bool]:
    """On ``ProgrammeItem`` joined to its ``Programme``: still to be presented after its period ended."""
    ended = sa.or_(Programme.year < today.year,
                   sa.and_(Programme.year == today.year,
                           last_month_of(ProgrammeItem.period_kind, ProgrammeItem.period) < today.month))
    return sa.and_(ProgrammeItem.state.in_(OPEN_STATES), ended)


def settle_presented(now: datetime | None = None) -> list[ProgrammeItem]:
    """Items on the agenda of a meeting that was held, and not put off there, are done."""
    now = now or utcnow()
    rows = db.session.execute(
        sa.select(ProgrammeItem, Meeting).join(AgendaItem, ProgrammeItem.agenda_item_id == AgendaItem.id)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(ProgrammeItem.state == ItemState.ON_AGENDA, Meeting.status.in_(HELD),
               AgendaItem.status != ItemStatus.DEFERRED)).all()
    for item, meeting in rows:
        item.state, item.presented_at = ItemState.DONE, meeting.ended_at or now
        _record(item, EventKind.PRESENTED, None, details={"meeting_id": meeting.id})
    db.session.flush()
    return [item for item, _meeting in rows]


def remind_behind(today: date) -> list[ProgrammeItem]:
    """Remind each lead agency of its items whose period ended unpresented: once per item and period (the
    period is recorded on the item in the same transaction; the notification key is a second guard)."""
    items = db.session.scalars(sa.select(ProgrammeItem).join(Programme).where(behind(today))).all()
    reminded = []
    for item in items:
        key = period_of(item).key(item.programme.year)
        if item.reminded_for == key:
            continue
        item.reminded_for = key
        _record(item, EventKind.REMINDED, None, key)
        notify.notify(f"programme-item:{item.id}:behind:{key}",
                      [u.id for u in accounts.liaisons_of([item.lead_unit_id])], notify.Message(
                          kind=KIND_BEHIND, link=_item_link(item),
                          subject=_("Behind the work programme: %(title)s", title=item.title),
                          body=_("“%(title)s” was planned to be presented to the UBND in %(period)s and has not "
                                 "been. Submit it to the Office, or ask for the programme to be adjusted.",
                                 title=item.title, period=period_of(item).label_vi().lower())))
        reminded.append(item)
    db.session.flush()
    return reminded


def follow_up(now: datetime | None = None) -> None:
    """The job "follow-programme": presented items settled, then the items behind reminded."""
    now = now or utcnow()
    settle_presented(now)
    remind_behind(clock.local_date(now))


# --- lists -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemFilter:
    state: ItemState | None = None
    behind: bool = False
    lead_unit_id: int | None = None
    quarter: int | None = None


def in_quarter(quarter: int) -> sa.ColumnElement[bool]:
    last = last_month_of(ProgrammeItem.period_kind, ProgrammeItem.period)
    return sa.and_(last > (quarter - 1) * 3, last <= quarter * 3)


def items_of(programme: Programme, user: User, item_filter: ItemFilter = ItemFilter(),
             today: date | None = None) -> list[ProgrammeItem]:
    """The programme's items ``user`` may see, in the order of the year."""
    query = (sa.select(ProgrammeItem).join(Programme)
             .where(ProgrammeItem.programme_id == programme.id, policy.programme_item_visibility(user)))
    if item_filter.state is not None:
        query = query.where(ProgrammeItem.state == item_filter.state)
    if item_filter.behind:
        query = query.where(behind(today or clock.today()))
    if item_filter.lead_unit_id is not None:
        query = query.where(ProgrammeItem.lead_unit_id == item_filter.lead_unit_id)
    if item_filter.quarter is not None:
        query = query.where(in_quarter(item_filter.quarter))
    last = last_month_of(ProgrammeItem.period_kind, ProgrammeItem.period)
    return list(db.session.scalars(query.order_by(last, ProgrammeItem.period_kind, ProgrammeItem.id)))


def is_behind(item: ProgrammeItem, today: date) -> bool:
    return item.state in OPEN_STATES and period_of(item).ends_on(item.programme.year) < today
