"""Writing a meeting's conclusions and their directives (chỉ đạo).

The conclusions are the body of the meeting's conclusion notice: they may be written while the meeting is in
progress or after it, as long as the meeting has no notice or its latest one (the original, or a correcting
notice) is still a draft. Every function here flushes and leaves the commit to its caller.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _

from ecabinet.accounts.models import User
from ecabinet.conclusions import realtime, wording
from ecabinet.conclusions.models import Conclusion, DeadlineKind, Directive
from ecabinet.conclusions.schemas import deadline_out
from ecabinet.core.aftercommit import after_commit
from ecabinet.core.clock import local_date
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.materials.models import AgendaItem
from ecabinet.meetings.models import Meeting, MeetingStatus
from ecabinet.org.models import Unit
from ecabinet.tasks.models import Task

WRITABLE_MEETING_STATUSES = (MeetingStatus.IN_PROGRESS, MeetingStatus.ENDED, MeetingStatus.CLOSED)


@dataclass(frozen=True)
class DirectiveData:
    """A directive as entered: ``deadline_kind`` "none", "date" (``deadline_on``) or "working_days"
    (``deadline_count``)."""

    content: str
    lead_unit_id: int
    coordinating_unit_ids: list[int] = field(default_factory=list)
    deadline_kind: str = "none"
    deadline_on: date | None = None
    deadline_count: int | None = None
    report_required: bool = False


# --- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class NoticeState:
    """A meeting's most recent conclusion notice (the original, or the latest correcting notice)."""

    id: int
    status: str
    draft: bool


NoticeFinder = Callable[[int], NoticeState | None]
"""Given a meeting id, the state of its most recent notice, or None when it has none."""
NOTICE_FINDER = "ecabinet.conclusions.notice_finder"


def install_notice_finder(app: Flask, finder: NoticeFinder) -> None:
    """Called once per app by the domain that owns the notices: a notice is made of the conclusions (so that
    domain depends on this one), and a notice sent for approval locks them without this domain knowing notices."""
    app.extensions[NOTICE_FINDER] = finder


def latest_notice(meeting_id: int) -> NoticeState | None:
    finder = current_app.extensions.get(NOTICE_FINDER)
    return finder(meeting_id) if finder is not None else None


def refuse_undoing_start(meeting: Meeting) -> None:
    """The conclusions' part in undoing an accidental start (``meetings.install_start_undoer``)."""
    if db.session.scalar(sa.select(sa.exists(sa.select(Conclusion.id).where(Conclusion.meeting_id == meeting.id)))):
        raise DomainError("undo_refused", _("Conclusions are already recorded for this meeting: its start cannot "
                                            "be undone."), "status", 409)


def meeting_conclusions(meeting_id: int) -> list[Conclusion]:
    return list(db.session.scalars(sa.select(Conclusion).where(Conclusion.meeting_id == meeting_id)
                                   .order_by(Conclusion.position, Conclusion.id)))


def lock_reason(meeting: Meeting) -> DomainError | None:
    """Why the meeting's conclusions cannot be written now, or None when they can."""
    if meeting.status not in WRITABLE_MEETING_STATUSES:
        return DomainError("meeting_not_held", _("Conclusions are written only while the meeting is in progress "
                                                 "or after it has ended."), "meeting", 409)
    notice = latest_notice(meeting.id)
    if notice is not None and not notice.draft:
        return DomainError("notice_locked", _("The conclusion notice has been submitted or issued: the conclusions "
                                              "cannot be changed. To change them, return the notice to draft or draft "
                                              "a correcting notice."), "notice", 409)
    return None


def require_writable(meeting: Meeting) -> None:
    error = lock_reason(meeting)
    if error is not None:
        raise error


def directives_with_tasks(directive_ids: list[int]) -> set[int]:
    if not directive_ids:
        return set()
    return set(db.session.scalars(sa.select(Task.directive_id).where(Task.directive_id.in_(directive_ids))))


def snapshot(meeting: Meeting) -> dict[str, Any]:
    """The meeting's conclusions with their directives and unit names, as the API and the live room show them."""
    conclusions = meeting_conclusions(meeting.id)
    titles = dict(db.session.execute(sa.select(AgendaItem.id, AgendaItem.title)
                                     .where(AgendaItem.meeting_id == meeting.id)).tuples().all())
    tasked = directives_with_tasks([d.id for c in conclusions for d in c.directives])
    notice = latest_notice(meeting.id)
    error = lock_reason(meeting)
    return {
        "meeting_id": meeting.id, "writable": error is None, "locked_reason": error.message if error else None,
        "notice_id": notice.id if notice else None, "notice_status": notice.status if notice else None,
        "conclusions": [_conclusion_row(c, titles, tasked) for c in conclusions],
    }


def _announce_after_commit(meeting: Meeting) -> None:
    """Every change reaches the meeting's live console once its transaction is committed (once for several)."""
    after_commit(lambda: realtime.announce(meeting, snapshot(meeting)), key=(realtime.CHANGED_EVENT, meeting.id))


def conclusion_row(conclusion: Conclusion) -> dict[str, Any]:
    """One conclusion as ``snapshot`` shows it."""
    item = db.session.get(AgendaItem, conclusion.agenda_item_id) if conclusion.agenda_item_id else None
    tasked = directives_with_tasks([d.id for d in conclusion.directives])
    return _conclusion_row(conclusion, {item.id: item.title} if item else {}, tasked)


def _conclusion_row(conclusion: Conclusion, titles: dict[int, str], tasked: set[int]) -> dict[str, Any]:
    return {"id": conclusion.id, "meeting_id": conclusion.meeting_id, "agenda_item_id": conclusion.agenda_item_id,
            "agenda_item_title": titles.get(conclusion.agenda_item_id or 0), "position": conclusion.position,
            "text": conclusion.text, "version": conclusion.version, "updated_at": conclusion.updated_at,
            "directives": [directive_row(d, d.id in tasked) for d in conclusion.directives]}


def directive_row(directive: Directive, has_task: bool) -> dict[str, Any]:
    return {"id": directive.id, "conclusion_id": directive.conclusion_id, "position": directive.position,
            "content": directive.content, "lead_unit": directive.lead_unit,
            "coordinating_units": list(directive.coordinating_units),
            "deadline": deadline_out(directive.deadline_kind.value, directive.deadline_on,
                                     directive.deadline_working_days),
            "report_required": directive.report_required, "has_task": has_task}


# --- conclusions -----------------------------------------------------------------------------

def _check_item(meeting: Meeting, agenda_item_id: int | None) -> None:
    if agenda_item_id is None:
        return
    item = db.session.get(AgendaItem, agenda_item_id)
    if item is None or item.meeting_id != meeting.id:
        raise DomainError("unknown_agenda_item", _("This item is not on the meeting's agenda."), "agenda_item_id")


def _check_version(conclusion: Conclusion, version: int) -> None:
    if conclusion.version != version:
        raise DomainError("edit_conflict", _("Someone else has changed the conclusion (version %(current)s, you "
                                             "edited version %(yours)s). Reload it and edit it again.",
                                             current=conclusion.version, yours=version), "version", 409)


def _next_position(column: Any, where: Any) -> int:
    return (db.session.scalar(sa.select(sa.func.max(column)).where(where)) or 0) + 1


def add_conclusion(meeting: Meeting, actor: User, agenda_item_id: int | None, text: str) -> Conclusion:
    """A new conclusion at the end of the meeting's list."""
    require_writable(meeting)
    _check_item(meeting, agenda_item_id)
    conclusion = Conclusion(meeting_id=meeting.id, agenda_item_id=agenda_item_id, text=text.strip(),
                            position=_next_position(Conclusion.position, Conclusion.meeting_id == meeting.id),
                            created_by_id=actor.id)
    db.session.add(conclusion)
    db.session.flush()
    _announce_after_commit(meeting)
    return conclusion


def update_conclusion(conclusion: Conclusion, actor: User, version: int, text: str,
                      agenda_item_id: int | None = None, move_item: bool = False) -> Conclusion:
    """Change the text (and, with ``move_item``, the agenda item) of a conclusion last seen at ``version``."""
    require_writable(conclusion.meeting)
    _check_version(conclusion, version)
    if move_item:
        _check_item(conclusion.meeting, agenda_item_id)
        conclusion.agenda_item_id = agenda_item_id
    conclusion.text = text.strip()
    conclusion.updated_by_id = actor.id
    db.session.flush()
    _announce_after_commit(conclusion.meeting)
    return conclusion


def delete_conclusion(conclusion: Conclusion) -> None:
    """Delete a conclusion and its directives, unless one of them already became a task."""
    meeting = conclusion.meeting
    require_writable(meeting)
    if directives_with_tasks([d.id for d in conclusion.directives]):
        raise _has_task()
    db.session.delete(conclusion)
    db.session.flush()
    _announce_after_commit(meeting)


def reorder_conclusions(meeting: Meeting, conclusion_ids: list[int]) -> None:
    """Put the meeting's conclusions in this order; the list must name each of them once."""
    require_writable(meeting)
    conclusions = {c.id: c for c in meeting_conclusions(meeting.id)}
    if len(set(conclusion_ids)) != len(conclusion_ids) or set(conclusion_ids) != set(conclusions):
        raise DomainError("incomplete_order", _("The list must name each of the meeting's conclusions exactly once."),
                          "conclusion_ids")
    for position, conclusion_id in enumerate(conclusion_ids, start=1):
        if conclusions[conclusion_id].position != position:
            conclusions[conclusion_id].position = position
    db.session.flush()
    _announce_after_commit(meeting)


# --- directives ------------------------------------------------------------------------------

def _has_task() -> DomainError:
    return DomainError("directive_has_task", _("The directive has already become a task, so it cannot be deleted."),
                       "directive", 409)


def _active_unit(unit_id: int) -> Unit | None:
    unit = db.session.get(Unit, unit_id)
    return unit if unit is not None and unit.active else None


def _unit_errors(data: DirectiveData) -> list[dict[str, str]]:
    errors = []
    if _active_unit(data.lead_unit_id) is None:
        errors.append(_detail("lead_unit_id", "unknown_unit",
                              _("The lead agency does not exist or is no longer active.")))
    coordinating = data.coordinating_unit_ids
    if len(set(coordinating)) != len(coordinating):
        errors.append(_detail("coordinating_unit_ids", "duplicate_unit",
                              _("Choose each coordinating agency only once.")))
    elif data.lead_unit_id in coordinating:
        errors.append(_detail("coordinating_unit_ids", "lead_is_coordinating",
                              _("The lead agency cannot also be a coordinating agency.")))
    elif any(_active_unit(unit_id) is None for unit_id in coordinating):
        errors.append(_detail("coordinating_unit_ids", "unknown_unit",
                              _("A coordinating agency does not exist or is no longer active.")))
    return errors


def _deadline_errors(meeting: Meeting, data: DirectiveData) -> list[dict[str, str]]:
    if data.deadline_kind == DeadlineKind.DATE:
        if data.deadline_on is None:
            return [_detail("deadline.on", "missing", _("Enter the completion date."))]
        meeting_day = local_date(meeting.held_at)
        if data.deadline_on < meeting_day:
            return [_detail("deadline.on", "before_meeting",
                            _("The deadline cannot be before the day of the meeting (%(day)s).",
                              day=f"{meeting_day:%d/%m/%Y}"))]
    if data.deadline_kind == DeadlineKind.WORKING_DAYS and not 1 <= (data.deadline_count or 0) <= 365:
        return [_detail("deadline.count", "out_of_range", _("The number of working days must be from 1 to 365."))]
    return []


def _detail(field_name: str, code: str, message: str) -> dict[str, str]:
    return {"field": field_name, "type": code, "message": message}


def _check_directive(meeting: Meeting, data: DirectiveData) -> None:
    """Every problem of the entry at once, as one 422 with a detail per field."""
    errors = _unit_errors(data) + _deadline_errors(meeting, data)
    lead = _active_unit(data.lead_unit_id)
    if not data.content.strip():
        errors.insert(0, _detail("content", "missing", _("Enter the directive.")))
    elif lead is not None and wording.names_another_lead(data.content, lead.name):
        errors.insert(0, _detail("content", "another_lead", _(
            "The directive gives the task to another agency than the lead agency: choose that agency as the lead "
            "agency, or write only what is to be done.")))
    if errors:
        raise DomainError(errors[0]["type"], errors[0]["message"], errors[0]["field"], 422, details=errors)


def _apply(directive: Directive, data: DirectiveData) -> None:
    kind = DeadlineKind(data.deadline_kind)
    with db.session.no_autoflush:  # a new directive is in the session (by its conclusion) before it is complete
        coordinating = [db.session.get(Unit, unit_id) for unit_id in data.coordinating_unit_ids]
        lead = db.session.get(Unit, data.lead_unit_id)
    directive.content = wording.task_wording(data.content, lead.name, [unit.name for unit in coordinating])
    directive.lead_unit_id = data.lead_unit_id
    directive.lead_unit = lead
    directive.coordinating_units = coordinating
    directive.deadline_kind = kind
    directive.deadline_on = data.deadline_on if kind == DeadlineKind.DATE else None
    directive.deadline_working_days = data.deadline_count if kind == DeadlineKind.WORKING_DAYS else None
    directive.report_required = data.report_required


def preview_directive(meeting: Meeting, data: DirectiveData) -> dict[str, str]:
    """The task's title and the notice's sentence the entry would make (deadlines in working days as a count,
    as in a draft); the same 422 as saving it when the entry is not complete."""
    _check_directive(meeting, data)
    directive = Directive()
    _apply(directive, data)
    return {"title": wording.directive_title(directive), "sentence": wording.directive_sentence(directive, None)}


def add_directive(conclusion: Conclusion, data: DirectiveData) -> Directive:
    """A new directive at the end of the conclusion's."""
    require_writable(conclusion.meeting)
    _check_directive(conclusion.meeting, data)
    position = _next_position(Directive.position, Directive.conclusion_id == conclusion.id)
    directive = Directive(position=position)
    _apply(directive, data)
    conclusion.directives.append(directive)
    db.session.flush()
    _announce_after_commit(conclusion.meeting)
    return directive


def update_directive(directive: Directive, data: DirectiveData) -> Directive:
    """Replace every field of the directive with ``data``."""
    require_writable(directive.conclusion.meeting)
    _check_directive(directive.conclusion.meeting, data)
    _apply(directive, data)
    db.session.flush()
    _announce_after_commit(directive.conclusion.meeting)
    return directive


def delete_directive(directive: Directive) -> None:
    """Delete a directive that has not become a task."""
    require_writable(directive.conclusion.meeting)
    if directives_with_tasks([directive.id]):
        raise _has_task()
    conclusion = directive.conclusion
    conclusion.directives.remove(directive)
    db.session.flush()
    _announce_after_commit(conclusion.meeting)
