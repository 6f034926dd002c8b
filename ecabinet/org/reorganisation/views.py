"""What the pages and the API both show of a reorganisation."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ecabinet.org.reorganisation import operations as ops
from ecabinet.org.reorganisation.models import Reorganisation, UnitRole
from ecabinet.policy import sees_all_work


def preview_out(preview: ops.Preview, user: Any) -> dict[str, Any]:
    """The preview, the labels of work left out for whoever may not see every unit's work."""
    named = sees_all_work(user)
    return {"fingerprint": preview.fingerprint, "counts": preview.counts, "moves": [
        {"subject": m.subject, "row_id": m.row_id, "label": m.label if named or not m.shows_work else "",
         "from_unit_id": m.from_unit_id, "to_unit_id": m.to_unit_id, "outcome": m.outcome} for m in preview.moves]}


def record_out(record: Reorganisation) -> dict[str, Any]:
    return {"id": record.id, "kind": record.kind, "effective_on": record.effective_on, "decision": record.decision,
            "details": record.details, "applied_by_id": record.applied_by_id, "applied_at": record.applied_at,
            "predecessor_ids": ops.units_of(record, UnitRole.PREDECESSOR),
            "successor_ids": ops.units_of(record, UnitRole.SUCCESSOR), "moves": record.moves}


def subject_labels() -> dict[str, str]:
    return {"task": _("Open tasks"), "task_part": _("Open task parts"),
            "task_coordinator": _("Coordinating agency of open tasks"), "material_request": _("Open material requests"),
            "invitation": _("Invitations to coming meetings"), "agenda_item": _("Items presented at coming meetings"),
            "user": _("People of the unit"), "portfolio": _("Leaders' portfolios"),
            "directive": _("Directives of notices not issued yet"),
            "directive_coordinator": _("Coordinating agency of directives not issued yet"),
            "programme_item": _("Work programme items still to be presented")}


def kind_labels() -> dict[str, str]:
    return {"merge": _("Merge units"), "split": _("Split a unit"), "rename": _("Rename a unit")}
