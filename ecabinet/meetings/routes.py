"""Pages of meetings: calendars, a meeting with its invitations and history, the editor, rooms and kinds."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role, User
from ecabinet.core.clock import local_date, monday_of, start_of_day, utcnow
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.core.forms import page_filters, parse_form
from ecabinet.core.i18n import local_zone
from ecabinet.meetings import forms, letters, notices
from ecabinet.meetings import operations as ops
from ecabinet.meetings.loaders import load_meeting
from ecabinet.meetings.models import ChangeKind, Invitation, Meeting, MeetingKind, MeetingStatus, Room
from ecabinet.meetings.schemas import InvitationAnswer, StatusChange
from ecabinet.org import operations as org
from ecabinet.org.models import Unit
from ecabinet.policy import Action, allowed, meeting_visibility, require

bp = Blueprint("meetings", __name__)

STATUS_ACTIONS = {"publish": ChangeKind.PUBLISHED, "postpone": ChangeKind.POSTPONED, "cancel": ChangeKind.CANCELLED,
                  "start": ChangeKind.STARTED, "undo_start": ChangeKind.START_UNDONE, "end": ChangeKind.ENDED}
ANSWERABLE = (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED, MeetingStatus.POSTPONED, MeetingStatus.IN_PROGRESS)
EDITABLE = (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED, MeetingStatus.POSTPONED, MeetingStatus.IN_PROGRESS)


@bp.app_template_filter("localtime")
def localtime(value: datetime | str | None) -> datetime | None:
    """An instant (or its ISO text, as schedules and clash details carry it) in the province's zone."""
    if value is None or value == "":
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(local_zone())


# --- calendars -------------------------------------------------------------------------------

def _period(view: str, day: date) -> tuple[date, date, date, date]:
    """(first day shown, day after the last, previous period's day, next period's day)."""
    if view == "week":
        monday = monday_of(day)
        return monday, monday + timedelta(days=7), monday - timedelta(days=7), monday + timedelta(days=7)
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following, (first - timedelta(days=1)).replace(day=1), following


def _my_meetings(filters: ops.MeetingFilter) -> list[Meeting]:
    """What involves me (chair, secretary, invited, delegate, attendee) or, for a liaison, my agency."""
    shown = {"visible": meeting_visibility(current_user), "with_changes": True}
    found = {m.id: m for m in ops.list_meetings(replace(filters, involving_user_id=current_user.id), **shown)}
    if current_user.has_role(Role.AGENCY_LIAISON):
        found.update((m.id, m) for m in ops.list_meetings(replace(filters, unit_id=current_user.unit_id), **shown))
    return sorted(found.values(), key=lambda m: (m.starts_at, m.id))


def _calendar(mine: bool):
    query = page_filters(forms.CalendarQuery, request.args)
    today = local_date(utcnow())
    first, after, previous, following = _period(query.view, query.date or today)
    period = {"starts_from": start_of_day(first), "starts_before": start_of_day(after), "kind_id": query.kind_id}
    if mine:
        meetings = _my_meetings(ops.MeetingFilter(**period))
    else:
        meetings = ops.list_meetings(ops.MeetingFilter(**period, leader_id=query.leader_id, unit_id=query.unit_id),
                                     visible=meeting_visibility(current_user), with_changes=True)
    upcoming = _my_meetings(replace(ops.upcoming(utcnow()), kind_id=query.kind_id)) if mine else []
    by_day: dict[date, list[Meeting]] = {}
    for meeting in meetings:
        by_day.setdefault(local_date(meeting.starts_at), []).append(meeting)
    grid_start = monday_of(first)
    weeks = [[grid_start + timedelta(days=7 * w + d) for d in range(7)]
             for w in range(((after - grid_start).days + 6) // 7)]
    args = {k: v for k, v in (("view", query.view), ("leader_id", query.leader_id), ("unit_id", query.unit_id),
                              ("kind_id", query.kind_id)) if v}
    return render_template(
        "meetings/calendar.html", mine=mine, query=query, meetings=meetings, by_day=by_day, first=first,
        last=after - timedelta(days=1), weeks=weeks, days=forms.week_days(monday_of(first)), today=today,
        previous=previous, following=following, args=args, upcoming=upcoming,
        changed={m.id for m in (*meetings, *upcoming) if forms.changed_after_publication(m)},
        leaders=accounts.users_with_role(Role.LEADER), units=org.unit_choices(), kinds=ops.kinds(active_only=False))


@bp.get("/meetings")
@login_required
def calendar():
    """Everyone signed in has a calendar; each meeting on it is one they may see (VIEW_MEETING)."""
    return _calendar(mine=False)


@bp.get("/meetings/mine")
@login_required
def mine():
    """What involves me: chair, secretary, invited, delegate, attendee, or my agency (liaisons)."""
    return _calendar(mine=True)


# --- one meeting -----------------------------------------------------------------------------

def _names(meeting: Meeting) -> dict[str, dict]:
    """Names of the people, rooms, kinds and agencies that the history's details refer to by id."""
    ids: dict[str, set[int]] = {"users": set(), "rooms": set(), "kinds": set(), "units": set()}
    where = {"chair_id": "users", "secretary_id": "users", "portfolio_leader_id": "users", "room_id": "rooms",
             "kind_id": "kinds", "invitees_added": "users", "invitees_removed": "users", "agencies_added": "units",
             "agencies_removed": "units"}
    for change in meeting.changes:
        for field, value in (change.details or {}).items():
            if field in where:
                ids[where[field]].update(v for v in (value if isinstance(value, list) else [value])
                                         if isinstance(v, int))
    models = {"users": (User, "full_name"), "rooms": (Room, "name"), "kinds": (MeetingKind, "name"),
              "units": (Unit, "name")}
    return {key: {i: getattr(db.session.get(models[key][0], i), models[key][1], str(i)) for i in found}
            for key, found in ids.items()}


def _detail(meeting: Meeting, status: int = 200, answer_errors: dict | None = None, answer_form=None,
            status_errors: dict | None = None, status_form=None):
    answering = meeting.status in ANSWERABLE and any(
        allowed(current_user, Action.ANSWER_INVITATION, inv) for inv in meeting.invitations)
    people = accounts.list_users(active=True, per_page=2000)[0] if answering else []
    unit_people = {inv.unit_id: [u for u in people if u.unit_id == inv.unit_id]
                   for inv in meeting.invitations if inv.unit_id}
    return render_template(
        "meetings/detail.html", meeting=meeting, changed=forms.changed_after_publication(meeting),
        names=_names(meeting), people=people, unit_people=unit_people, answerable=meeting.status in ANSWERABLE,
        editable=meeting.status in EDITABLE, answer_errors=answer_errors or {},
        answer_form=answer_form or MultiDict(), status_errors=status_errors or {},
        status_form=status_form or MultiDict(),
        live=current_user.id in {meeting.secretary_id, meeting.created_by_id},
        late_if_published_now=meeting.status == MeetingStatus.DRAFT and ops.announced_late(meeting, utcnow()),
        start_needs_reason=meeting.status == MeetingStatus.PUBLISHED and ops.start_needs_reason(meeting, utcnow()),
        undo_until=_undo_until(meeting),
        announced_late=ops.announced_late(meeting)), status


def _undo_until(meeting: Meeting) -> datetime | None:
    deadline = ops.undo_deadline(meeting)
    return deadline if deadline is not None and utcnow() <= deadline else None


@bp.get("/meetings/<int:meeting_id>")
@login_required
def detail(meeting_id: int):
    return _detail(load_meeting(meeting_id))


@bp.get("/meetings/<int:meeting_id>/giay-moi.pdf")
@login_required
def letter(meeting_id: int):
    return letters.pdf_response(load_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/status")
@login_required
def change_status(meeting_id: int):
    meeting = load_meeting(meeting_id)
    require(current_user, Action.MANAGE_MEETINGS)
    body, errors = parse_form(StatusChange, request.form)
    if body is None or body.action not in STATUS_ACTIONS:
        flash(_("The request is not valid."), "danger")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    try:
        change = ops.change_status(meeting, body.version, STATUS_ACTIONS[body.action], current_user, body.reason)
        notices.announce(meeting, [change])
    except DomainError as exc:
        db.session.rollback()
        if exc.field == "reason":
            return _detail(meeting, 422, status_errors={"action": body.action, "reason": exc.message},
                           status_form=request.form)
        flash(exc.message, "danger")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    db.session.commit()
    messages = {"publish": _("The meeting is published and the invitations are sent."),
                "postpone": _("The meeting is postponed; the invitees are told."),
                "cancel": _("The meeting is cancelled; the invitees are told."),
                "start": _("The meeting has started."),
                "undo_start": _("The start is undone: the meeting has not started."),
                "end": _("The meeting has ended.")}
    flash(messages[body.action], "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.post("/meetings/invitations/<int:invitation_id>")
@login_required
def answer(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not allowed(current_user, Action.VIEW_MEETING, invitation.meeting):
        abort(404)
    require(current_user, Action.ANSWER_INVITATION, invitation)
    meeting = invitation.meeting
    body, errors = parse_form(InvitationAnswer, request.form)
    if body is not None:
        try:
            ops.answer_invitation(invitation, current_user, body.response, reason=body.reason,
                                  delegate_id=body.delegate_id, attendee_id=body.attendee_id)
        except DomainError as exc:
            db.session.rollback()
            errors = {exc.field or "__all__": exc.message}
        else:
            db.session.commit()
            flash(_("Your answer for %(name)s is recorded.", name=invitation.principal_label), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor=f"invitation-{invitation.id}"))
    return _detail(meeting, 422, answer_errors={invitation.id: errors}, answer_form=request.form)


# --- the editor ------------------------------------------------------------------------------

def _people_choices() -> tuple[list[User], list[User]]:
    """Active users, leaders first (for the chair and portfolio leader), then everyone else."""
    people, _total = accounts.list_users(active=True, per_page=2000)
    leaders = [u for u in people if u.has_role(Role.LEADER)]
    return leaders, [u for u in people if not u.has_role(Role.LEADER)]


def _editor(meeting: Meeting | None, form: MultiDict, errors: dict[str, str], status: int = 200,
            clash: DomainError | None = None):
    leaders, others = _people_choices()
    return render_template(
        "meetings/form.html", meeting=meeting, form=form, errors=errors, leaders=leaders, others=others,
        kinds=ops.kinds(), rooms=ops.rooms(), units=org.unit_choices(), clash=clash,
        conflicts=forms.conflicts_of(clash.details) if clash else [],
        may_override=allowed(current_user, Action.OVERRIDE_ROOM_CONFLICT)), status


def _clash_policy(form: MultiDict) -> ops.ClashPolicy:
    return ops.ClashPolicy(override_room=bool(form.get("override_room_conflict")),
                           confirm_people=bool(form.get("confirm_person_conflicts")),
                           may_override_room=allowed(current_user, Action.OVERRIDE_ROOM_CONFLICT))


def _refused(meeting: Meeting | None, exc: DomainError):
    """Show a refused save again: clashes with the clashing meetings, anything else next to its field."""
    db.session.rollback()
    if exc.code in ("room_conflict", "person_conflict"):
        return _editor(meeting, request.form, {}, 409, clash=exc)
    if exc.code == "version_conflict":
        return _editor(meeting, request.form, {"version": exc.message}, 409)
    return _editor(meeting, request.form, {forms.form_field(exc.field): exc.message},
                   exc.status if exc.status in (409, 422) else 422)


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def new():
    require(current_user, Action.MANAGE_MEETINGS)
    if request.method == "GET":
        day = parse_form(forms.CalendarQuery, request.args)[0]
        values = MultiDict({"start_time": "08:00", "end_time": "10:00", "confidentiality": "normal",
                            "date": f"{(day.date if day and day.date else local_date(utcnow())):%d/%m/%Y}"})
        if current_user.has_role(Role.SECRETARIAT):
            values["secretary_id"] = str(current_user.id)
        return _editor(None, values, {})
    data, rule, errors = forms.read_meeting_form(request.form, creating=True)
    if data is None:
        return _editor(None, request.form, errors, 422)
    values = ops.MeetingData(**forms.changes_of(data))
    try:
        created = ops.create_meeting(values, current_user, _clash_policy(request.form), rule)
    except DomainError as exc:
        return _refused(None, exc)
    db.session.commit()
    flash(_("The meeting is saved as a draft.") if len(created) == 1 else
          _("%(n)d meetings of the series are saved as drafts.", n=len(created)), "success")
    return redirect(url_for("meetings.detail", meeting_id=created[0].id))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = load_meeting(meeting_id)
    require(current_user, Action.MANAGE_MEETINGS)
    if meeting.status not in EDITABLE:
        flash(_("An ended, closed or cancelled meeting cannot be changed."), "warning")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    if request.method == "GET":
        return _editor(meeting, forms.meeting_values(meeting), {})
    data, _rule, errors = forms.read_meeting_form(request.form, creating=False)
    extras, extra_errors = parse_form(forms.EditExtras, request.form)
    errors.update(extra_errors)
    if data is None or extras is None:
        return _editor(meeting, request.form, errors, 422)
    try:
        recorded = ops.update_meeting(meeting, extras.version, forms.changes_of(data), current_user,
                                      _clash_policy(request.form), extras.reason)
        notices.announce(meeting, recorded)
    except DomainError as exc:
        return _refused(meeting, exc)
    db.session.commit()
    flash(_("The meeting is saved.") if recorded else _("Nothing was changed."), "success" if recorded else "info")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


# --- rooms and kinds -------------------------------------------------------------------------

@bp.get("/admin/rooms")
@login_required
def rooms():
    require(current_user, Action.MANAGE_ROOMS)
    return render_template("meetings/rooms.html", rooms=ops.rooms(active_only=False),
                           kinds=ops.kinds(active_only=False))


def _save_coded(template: str, obj, reader, saver, form_key: str):
    """Create or change a room or kind from its form; a taken code is shown next to the code."""
    data, errors = reader(request.form)
    if data is not None:
        try:
            obj = saver(obj, data.model_dump())
        except DomainError as exc:
            db.session.rollback()
            errors = {exc.field or "__all__": exc.message}
        else:
            db.session.commit()
            flash(_("%(name)s saved.", name=obj.name), "success")
            return redirect(url_for("meetings.rooms", _anchor=form_key))
    return render_template(template, item=obj, form=request.form, errors=errors), 422


def _room_values(room: Room | None) -> MultiDict:
    if room is None:
        return MultiDict({"active": "true", "capacity": "20"})
    return MultiDict({"code": room.code, "name": room.name, "capacity": str(room.capacity),
                      "location": room.location, "equipment": ", ".join(room.equipment or []),
                      "active": "true" if room.active else ""})


def _kind_values(kind: MeetingKind | None) -> MultiDict:
    if kind is None:
        return MultiDict({"active": "true", "default_minutes": "120"})
    return MultiDict({"code": kind.code, "name": kind.name, "default_minutes": str(kind.default_minutes),
                      "active": "true" if kind.active else ""})


@bp.route("/admin/rooms/new", methods=["GET", "POST"], defaults={"room_id": None})
@bp.route("/admin/rooms/<int:room_id>", methods=["GET", "POST"])
@login_required
def room_form(room_id: int | None):
    room = db.get_or_404(Room, room_id) if room_id is not None else None
    require(current_user, Action.MANAGE_ROOMS)
    if request.method == "GET":
        return render_template("meetings/room_form.html", item=room, form=_room_values(room), errors={})
    return _save_coded("meetings/room_form.html", room, forms.read_room_form, ops.save_room, "rooms")


@bp.route("/admin/meeting-kinds/new", methods=["GET", "POST"], defaults={"kind_id": None})
@bp.route("/admin/meeting-kinds/<int:kind_id>", methods=["GET", "POST"])
@login_required
def kind_form(kind_id: int | None):
    kind = db.get_or_404(MeetingKind, kind_id) if kind_id is not None else None
    require(current_user, Action.MANAGE_ROOMS)
    if request.method == "GET":
        return render_template("meetings/kind_form.html", item=kind, form=_kind_values(kind), errors={})
    return _save_coded("meetings/kind_form.html", kind, forms.read_kind_form, ops.save_kind, "kinds")

