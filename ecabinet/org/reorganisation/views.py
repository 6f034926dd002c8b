"""What the pages and the API both show of a reorganisation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from ecabinet.org.reorganisation import operations as ops
from ecabinet.org.reorganisation.models import Reorganisation, UnitRole
from ecabinet.org.reorganisation.references import unit_references
from ecabinet.policy import sees_all_work


def _shown_labels(user: Any) -> Callable[[str, str], str]:
    """The label of a moved row as ``user`` may read it: work (a task's content, a meeting's title) only for
    whoever may see every unit's work."""
    named = sees_all_work(user)
    shows_work = {reference.subject: reference.shows_work for reference in unit_references()}
    return lambda subject, label: label if named or not shows_work.get(subject, True) else ""


def preview_out(preview: ops.Preview, user: Any) -> dict[str, Any]:
    """The preview, the labels of work left out for whoever may not see every unit's work."""
    shown = _shown_labels(user)
    return {"fingerprint": preview.fingerprint, "counts": preview.counts, "moves": [
        {"subject": m.subject, "row_id": m.row_id, "label": shown(m.subject, m.label),
         "from_unit_id": m.from_unit_id, "to_unit_id": m.to_unit_id, "outcome": m.outcome} for m in preview.moves]}


def record_out(record: Reorganisation, user: Any) -> dict[str, Any]:
    shown = _shown_labels(user)
    return {"id": record.id, "kind": record.kind, "effective_on": record.effective_on, "decision": record.decision,
            "details": record.details, "applied_by_id": record.applied_by_id,
            "applied_by_name": record.applied_by_name, "applied_at": record.applied_at,
            "predecessor_ids": ops.units_of(record, UnitRole.PREDECESSOR),
            "successor_ids": ops.units_of(record, UnitRole.SUCCESSOR), "moves": [
                {"subject": m.subject, "row_id": m.row_id, "label": shown(m.subject, m.label),
                 "from_unit_id": m.from_unit_id, "to_unit_id": m.to_unit_id, "outcome": m.outcome}
                for m in record.moves]}


def subject_labels() -> dict[str, str]:
    return {"task": _("Open tasks"), "task_part": _("Open task parts"),
            "task_coordinator": _("Coordinating agency of open tasks"), "material_request": _("Open material requests"),
            "invitation": _("Invitations to coming meetings"), "agenda_item": _("Items presented at coming meetings"),
            "user": _("People of the unit"), "portfolio": _("Leaders' portfolios"),
            "directive": _("Directives of notices not issued yet"),
            "directive_coordinator": _("Coordinating agency of directives not issued yet"),
            "programme_item": _("Work programme items still to be presented"),
            "notice_recipient": _("Recipients of notices not issued yet"), "sub_unit": _("Sub-units")}


def kind_labels() -> dict[str, str]:
    return {"merge": _("Merge units"), "split": _("Split a unit"), "rename": _("Rename a unit")}
