"""What the programme's pages and its API both show: the items a user may see, with the filters applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from ecabinet.accounts.models import User
from ecabinet.core import clock
from ecabinet.programme import operations as ops
from ecabinet.programme.models import ItemKind, ItemState, PeriodKind, Programme, ProgrammeItem
from ecabinet.programme.schemas import ItemQuery


@dataclass(frozen=True)
class ProgrammeView:
    year: int
    programme: Programme | None
    items: list[ProgrammeItem]
    today: date

    def behind(self, item: ProgrammeItem) -> bool:
        return ops.is_behind(item, self.today)


def programme_view(user: User, query: ItemQuery) -> ProgrammeView:
    today = clock.today()
    year = query.year or today.year
    programme = ops.programme_of(year)
    item_filter = ops.ItemFilter(state=query.state, behind=query.behind, lead_unit_id=query.lead_unit_id,
                                 quarter=query.quarter)
    items = ops.items_of(programme, user, item_filter, today) if programme else []
    return ProgrammeView(year, programme, items, today)


def state_labels() -> dict[str, str]:
    return {ItemState.PROPOSED: _("Proposed addition"), ItemState.PLANNED: _("Planned"),
            ItemState.ON_AGENDA: _("On a session's agenda"), ItemState.DONE: _("Presented"),
            ItemState.DROPPED: _("Dropped")}


def kind_labels() -> dict[str, str]:
    return {ItemKind.SCHEME: _("Scheme"), ItemKind.REPORT: _("Report"), ItemKind.DECISION: _("Decision"),
            ItemKind.RESOLUTION: _("Resolution"), ItemKind.PLAN: _("Plan"), ItemKind.OTHER: _("Other")}


def period_label(period_kind: PeriodKind, period: int) -> str:
    if period_kind == PeriodKind.MONTH:
        return _("Month %(n)s", n=period)
    return _("Quarter %(n)s", n=ops.ROMAN[period - 1])


def event_labels() -> dict[str, str]:
    return {"entered": _("Entered"), "imported": _("Imported from Excel"), "proposed": _("Adjustment proposed"),
            "approved": _("Adjustment approved"), "refused": _("Adjustment refused"),
            "put_on_agenda": _("Put on a session's agenda"), "presented": _("Presented"),
            "reminded": _("Lead agency reminded")}


def adjustment_labels() -> dict[str, str]:
    return {"add": _("Add"), "move": _("Move"), "drop": _("Drop")}
