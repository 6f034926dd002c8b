"""Every permission decision of ecabinet, in one place.

Pages, the JSON API and Socket.IO handlers ask ``allowed`` or ``require``; nothing else in
the code base looks at roles to decide what a user may do. A rule receives the (active,
authenticated) user and an optional target and answers yes or no.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from ecabinet.accounts.models import Role, User
from ecabinet.core.db import db
from ecabinet.core.exceptions import PermissionDenied
from ecabinet.live.models import OpinionPoll, opinion_recipients
from ecabinet.materials.models import AgendaItem, Confidentiality, Material, MaterialRequest, material_readers
from ecabinet.meetings.models import Confidentiality as MeetingConfidentiality
from ecabinet.meetings.models import Invitation, Meeting
from ecabinet.notices.models import Notice, NoticeRecipient, NoticeStatus
from ecabinet.org.models import Unit
from ecabinet.programme.models import ProgrammeItem


class Action(enum.StrEnum):
    VIEW_HOME = "view_home"
    VIEW_UNITS = "view_units"
    VIEW_USERS = "view_users"
    VIEW_USER = "view_user"
    MANAGE_USERS = "manage_users"
    MANAGE_ORG = "manage_org"
    PREVIEW_REORGANISATION = "preview_reorganisation"
    """See what a merge, split or rename of units would move, and the record of past ones: admins and the
    Office."""
    MANAGE_PORTFOLIOS = "manage_portfolios"
    VIEW_AUDIT = "view_audit"
    MANAGE_CALENDAR = "manage_calendar"
    """Record days off and make-up working days that the public-holiday calendar does not know."""
    KEEP_BRIEFCASE = "keep_briefcase"
    """Keep the materials of one's coming meetings offline on one's devices (the leaders' tablets)."""
    SECRETARIAT_WORK = "secretariat_work"
    """Prepare agendas, collect materials, run the console, write minutes, urge agencies."""
    ACT_FOR_UNIT = "act_for_unit"
    """Upload materials and report progress on behalf of a unit (target: the Unit)."""
    MANAGE_MEETINGS = "manage_meetings"
    """Create, edit, publish, reschedule, postpone and cancel meetings."""
    OVERRIDE_ROOM_CONFLICT = "override_room_conflict"
    MANAGE_ROOMS = "manage_rooms"
    """Rooms and meeting kinds."""
    VIEW_MEETING = "view_meeting"
    """See a meeting (target: the Meeting); confidential ones only by the people named in them."""
    VIEW_MATERIAL = "view_material"
    """Read a material (target: the Material); a confidential one only by its named readers."""
    EDIT_AGENDA = "edit_agenda"
    """Add, change and order agenda items (target: the Meeting)."""
    PUBLISH_MATERIALS = "publish_materials"
    """Publish a meeting's materials to its participants and see who has read them (target: the Meeting)."""
    UPLOAD_MATERIAL = "upload_material"
    """Add a material or a new version (target: the agenda item, or the meeting for a general one)."""
    VIEW_WEEKLY_SCHEDULE = "view_weekly_schedule"
    APPROVE_WEEKLY_SCHEDULE = "approve_weekly_schedule"
    ANSWER_INVITATION = "answer_invitation"
    """Answer an invitation (target: the Invitation): the invitee, its agency, or the secretariat."""
    FOLLOW_LIVE = "follow_live"
    """Join a meeting's live room and follow it (target: the Meeting)."""
    RUN_LIVE = "run_live"
    """Run the console: start, pause, end, move through the agenda, check people in, give the floor, open and
    close votes (target: the Meeting): its chair and secretary, and the Office."""
    TAKE_PART_LIVE = "take_part_live"
    """Check in, ask to speak and vote (target: the Meeting): a member holding a seat, or its delegate."""
    PRESENT_LIVE = "present_live"
    """Show a material at a page on every tablet (target: the Meeting): the console, or the presenting agency's
    person at the meeting."""
    MANAGE_POLLS = "manage_polls"
    """Create, close and export written opinion forms (phiếu lấy ý kiến)."""
    VIEW_POLL = "view_poll"
    """See a written opinion form and its answers (target: the OpinionPoll)."""
    ANSWER_POLL = "answer_poll"
    """Answer a written opinion form (target: the OpinionPoll): a member asked, or the Office entering a paper
    answer."""
    OWN_NOTE = "own_note"
    """Read or change a private note (target: the PrivateNote): its author, nobody else, ever."""
    TAKE_NOTES = "take_notes"
    """Write, change or delete one's private notes on a material (target: the Material): who may read it and
    follow its meeting's live room."""
    VIEW_MINUTES = "view_minutes"
    """Read a meeting's minutes (target: the Meeting): who may follow its live room."""
    EDIT_MINUTES = "edit_minutes"
    """Write the minutes' sections (target: the Meeting): its chair and secretary, and the Office."""
    SIGN_MINUTES_AS_SECRETARY = "sign_minutes_as_secretary"
    """Sign the minutes as their secretary (target: the Meeting): the meeting's secretary, or the Office's
    chuyên viên when none is named."""
    SIGN_MINUTES_AS_CHAIR = "sign_minutes_as_chair"
    """Sign, or return, the minutes as the chair (target: the Meeting): the chair only."""
    WRITE_CONCLUSIONS = "write_conclusions"
    """Write conclusions and their directives (target: the Meeting): its chair and secretary, and the Office."""
    VIEW_NOTICE = "view_notice"
    """See a conclusion notice (target: the Notice): while unissued, those who draft, review, approve and issue
    it; issued, also its recipients and whoever may see the meeting."""
    EDIT_NOTICE = "edit_notice"
    """Change a draft notice and submit it for review (target: the Notice): the Office and the meeting's
    secretary."""
    REVIEW_NOTICE = "review_notice"
    """Pass or reject a notice in review (target: the Notice): an office leader (Chánh / Phó Chánh VP)."""
    REJECT_NOTICE = "reject_notice"
    """Send a notice back to draft with the reason (target: the Notice): the decider of the step it stands at."""
    APPROVE_NOTICE = "approve_notice"
    """Approve or reject a reviewed notice (target: the Notice): the leader who chaired the meeting."""
    ISSUE_NOTICE = "issue_notice"
    """Give an approved notice its number and send it (target: the Notice): the văn thư and office leaders."""
    VIEW_REGISTER = "view_register"
    """See the outgoing-document register and its numbers."""
    CANCEL_REGISTER_NUMBER = "cancel_register_number"
    """Record a given number as cancelled, with the reason."""
    VIEW_TASK = "view_task"
    """See a task, its reports and history (target: the Task): see ``task_scope``."""
    MANAGE_TASKS = "manage_tasks"
    """Enter, change, split, cancel, merge, verify and import tasks; urge agencies: the Office."""
    REPORT_TASK = "report_task"
    """Report progress or completion (target: the Task): the lead agency's liaison, or the Office entering a
    report received on paper."""
    COMMENT_TASK = "comment_task"
    """Comment on a task (target: the Task): the coordinating and lead agencies' liaisons, the Office, the
    assigning leader."""
    REQUEST_EXTENSION = "request_extension"
    """Ask for more time (target: the Task): the lead agency's liaison (or the Office on its behalf)."""
    DECIDE_EXTENSION = "decide_extension"
    """Grant or refuse an extension (target: the Task): the assigning leader, or an office leader for it."""
    VIEW_TASK_STATISTICS = "view_task_statistics"
    """Statistics and exports of tasks: over the tasks the user may see, nothing more."""
    VIEW_OFFICE_REPORT = "view_office_report"
    """The Office's own report (meetings, notices, conclusions, tasks, pages not printed over a period): the Office
    and the leaders it reports to; an agency is reported on, it does not read it. Every count in it is of what the
    user may see (``office_report_materials`` for the pages)."""
    USE_NOTIFICATIONS = "use_notifications"
    """Read one's own notifications and set one's own notification preferences."""
    OPEN_NOTIFICATION = "open_notification"
    """See or mark read a notification (target: the Notification): only its recipient."""
    MANAGE_OUTBOX = "manage_outbox"
    """See the e-mail outbox (waiting, failed, stuck, uncertain) and re-send or drop its e-mails: the Office."""
    VIEW_PROGRAMME = "view_programme"
    """Open the year's work programme: anyone signed in, each seeing the items ``programme_item_visibility``
    lets them see."""
    VIEW_PROGRAMME_ITEM = "view_programme_item"
    """See a programme item and its history (target: the ProgrammeItem): the Office, the leaders and members,
    the lead agency's liaison."""
    MANAGE_PROGRAMME = "manage_programme"
    """Enter and import the programme, propose its adjustments, put its items on a session's agenda: the Office."""
    DECIDE_PROGRAMME_ADJUSTMENT = "decide_programme_adjustment"
    """Approve or refuse a proposed adjustment of the programme (target: the Adjustment): the programme's chair
    (Chủ tịch UBND tỉnh) only."""
    SEARCH = "search"
    """Search meetings, materials, minutes, conclusions, notices and tasks: anyone signed in, each finding only what
    the lists would show them (the search filters its hits by the same rules)."""


WRITE_ACTIONS = frozenset({
    Action.MANAGE_USERS, Action.MANAGE_ORG, Action.MANAGE_PORTFOLIOS, Action.MANAGE_CALENDAR,
    Action.SECRETARIAT_WORK, Action.ACT_FOR_UNIT, Action.MANAGE_MEETINGS, Action.OVERRIDE_ROOM_CONFLICT,
    Action.MANAGE_ROOMS, Action.ANSWER_INVITATION, Action.APPROVE_WEEKLY_SCHEDULE, Action.EDIT_AGENDA,
    Action.UPLOAD_MATERIAL, Action.PUBLISH_MATERIALS, Action.RUN_LIVE, Action.TAKE_PART_LIVE, Action.PRESENT_LIVE,
    Action.MANAGE_POLLS, Action.ANSWER_POLL, Action.EDIT_MINUTES, Action.SIGN_MINUTES_AS_SECRETARY,
    Action.SIGN_MINUTES_AS_CHAIR, Action.WRITE_CONCLUSIONS, Action.EDIT_NOTICE, Action.REVIEW_NOTICE,
    Action.APPROVE_NOTICE, Action.ISSUE_NOTICE, Action.CANCEL_REGISTER_NUMBER, Action.MANAGE_TASKS,
    Action.REPORT_TASK, Action.COMMENT_TASK, Action.REQUEST_EXTENSION, Action.DECIDE_EXTENSION,
    Action.TAKE_NOTES, Action.REJECT_NOTICE, Action.MANAGE_OUTBOX, Action.MANAGE_PROGRAMME,
    Action.DECIDE_PROGRAMME_ADJUSTMENT,
})
"""Actions that change data: a viewer is refused every one of them, whatever else it holds."""

STAFF_ROLES = (Role.ADMIN, Role.SECRETARIAT, Role.OFFICE_LEADER, Role.CLERK, Role.LEADER, Role.MEMBER)


def _anyone(user: User, target: Any) -> bool:
    return True


def _roles(*roles: Role) -> Callable[[User, Any], bool]:
    def rule(user: User, target: Any) -> bool:
        return user.has_role(*roles)
    return rule


def _view_user(user: User, target: Any) -> bool:
    return user.has_role(*STAFF_ROLES) or (isinstance(target, User) and target.id == user.id)


def _act_for_unit(user: User, target: Any) -> bool:
    if user.has_role(Role.SECRETARIAT, Role.OFFICE_LEADER):
        return True
    return user.has_role(Role.AGENCY_LIAISON) and isinstance(target, Unit) and target.id == user.unit_id


def involved_in_meeting(user: User, meeting: Any) -> bool:
    """Named in the meeting: chair, secretary, its leader, creator, invitee, delegate, attendee or agency."""
    if user.id in {meeting.chair_id, meeting.secretary_id, meeting.portfolio_leader_id, meeting.created_by_id}:
        return True
    for inv in meeting.invitations:
        if user.id in {inv.user_id, inv.delegate_id, inv.attendee_id}:
            return True
        if inv.unit_id == user.unit_id and user.has_role(Role.AGENCY_LIAISON):
            return True
    return user.has_role(Role.AGENCY_LIAISON) and any(
        request.unit_id == user.unit_id for request in getattr(meeting, "material_requests", ()))


MEETING_WIDE_ROLES = (Role.SECRETARIAT, Role.OFFICE_LEADER)
"""Who sees every meeting, confidential ones included."""
MEETING_READER_ROLES = (Role.LEADER, Role.MEMBER, Role.CLERK, Role.VIEWER)
"""Who sees every meeting that is not confidential."""


def _view_meeting(user: User, meeting: Any) -> bool:
    if meeting is None:
        return False
    if involved_in_meeting(user, meeting) or user.has_role(*MEETING_WIDE_ROLES):
        return True
    if meeting.confidentiality.value == "confidential":
        return False
    return user.has_role(*MEETING_READER_ROLES)


def _active_user(user: Any) -> bool:
    return isinstance(user, User) and user.active


def _involvement(user: User) -> sa.ColumnElement[bool]:
    """``involved_in_meeting`` in SQL, on ``Meeting``."""
    named = sa.or_(Invitation.user_id == user.id, Invitation.delegate_id == user.id,
                   Invitation.attendee_id == user.id)
    conditions = [Meeting.chair_id == user.id, Meeting.secretary_id == user.id,
                  Meeting.portfolio_leader_id == user.id, Meeting.created_by_id == user.id]
    if user.has_role(Role.AGENCY_LIAISON):
        named = sa.or_(named, Invitation.unit_id == user.unit_id)  # a unit-less liaison: IS NULL, as in Python
        conditions.append(Meeting.id.in_(sa.select(MaterialRequest.meeting_id)
                                         .where(MaterialRequest.unit_id == user.unit_id)))
    conditions.append(Meeting.id.in_(sa.select(Invitation.meeting_id).where(named)))
    return sa.or_(*conditions)


def meeting_visibility(user: Any) -> sa.ColumnElement[bool]:
    """``VIEW_MEETING`` in SQL, on ``Meeting``: every list and count of meetings is filtered with it where it
    is built, so a list shows exactly the meetings the per-object rule lets ``user`` open."""
    if not _active_user(user):
        return sa.false()
    if user.has_role(*MEETING_WIDE_ROLES):
        return sa.true()
    if user.has_role(*MEETING_READER_ROLES):
        return sa.or_(Meeting.confidentiality != MeetingConfidentiality.CONFIDENTIAL, _involvement(user))
    return _involvement(user)


def minutes_visibility(user: Any) -> sa.ColumnElement[bool]:
    """``VIEW_MINUTES`` (following the live room) in SQL, on ``Meeting``: the meetings whose minutes ``user`` may
    read (search filters the minutes with it)."""
    if not _active_user(user):
        return sa.false()
    if user.has_role(*MEETING_WIDE_ROLES):
        return sa.true()
    return _involvement(user)  # involved in a meeting, one sees it, confidential or not


def visible_meetings(user: Any, meeting_ids: set[int]) -> set[int]:
    """Which of ``meeting_ids`` ``user`` may see, in one statement: for lists that show every meeting but hide
    what ``user`` may not see of some (a calendar feed's busy blocks, the weekly schedule's confidential lines)."""
    if not meeting_ids:
        return set()
    return set(db.session.scalars(sa.select(Meeting.id).where(Meeting.id.in_(meeting_ids),
                                                              meeting_visibility(user))))


def _own_notification(user: User, notification: Any) -> bool:
    return notification is not None and getattr(notification, "user_id", None) == user.id


def _answer_invitation(user: User, invitation: Any) -> bool:
    if invitation is None:
        return False
    if user.has_role(Role.SECRETARIAT, Role.OFFICE_LEADER) or user.id == invitation.user_id:
        return True
    return (invitation.unit_id is not None and user.has_role(Role.AGENCY_LIAISON)
            and invitation.unit_id == user.unit_id)


def _submitted_material(user: User, material: Any) -> bool:
    """The secretariat, the uploader and the presenting agency's liaison: who sees a material before it is
    published to the participants."""
    if user.has_role(Role.SECRETARIAT, Role.OFFICE_LEADER) or user.id == material.created_by_id:
        return True
    item = material.agenda_item
    return (item is not None and item.presenting_unit_id == user.unit_id and user.has_role(Role.AGENCY_LIAISON))


def reads_confidential(user: Any, material: Any) -> bool:
    """May ``user`` learn anything of ``material`` (title, text, pages, that it exists) as far as confidentiality
    goes: a confidential material only its named readers may, whatever their roles (admins included)."""
    return material.confidentiality != Confidentiality.CONFIDENTIAL or any(r.id == user.id for r in material.readers)


def confidential_readable(user: Any) -> sa.ColumnElement[bool]:
    """``reads_confidential`` in SQL, on ``Material``: lists of materials are filtered with it where they are
    built."""
    named = sa.exists().where(material_readers.c.material_id == Material.id,
                              material_readers.c.user_id == getattr(user, "id", None))
    return sa.or_(Material.confidentiality != Confidentiality.CONFIDENTIAL, named)


def hidden_materials(user: Any, material_ids: set[int]) -> set[int]:
    """Which of ``material_ids`` ``user`` may not learn of: the confidential ones it is not a reader of, and those
    no longer stored (what they were is not known any more)."""
    if not material_ids:
        return set()
    shown = db.session.scalars(sa.select(Material.id).where(Material.id.in_(material_ids),
                                                            confidential_readable(user)))
    return material_ids - set(shown)


def material_visibility(user: Any) -> sa.ColumnElement[bool]:
    """``VIEW_MATERIAL`` in SQL, on ``Material``: a meeting's list of materials is filtered with it where it is
    built."""
    if not _active_user(user):
        return sa.false()
    shown = sa.and_(Material.meeting_id.in_(sa.select(Meeting.id).where(meeting_visibility(user))),
                    confidential_readable(user))
    if user.has_role(Role.SECRETARIAT, Role.OFFICE_LEADER):
        return shown
    seen_before_publication = [Material.publication_id.is_not(None), Material.created_by_id == user.id]
    if user.has_role(Role.AGENCY_LIAISON):  # a unit-less liaison: IS NULL, as in Python
        presented = sa.select(AgendaItem.id).where(AgendaItem.presenting_unit_id == user.unit_id)
        seen_before_publication.append(Material.agenda_item_id.in_(presented))
    return sa.and_(shown, sa.or_(*seen_before_publication))


def office_report_materials(user: Any) -> sa.ColumnElement[bool]:
    """The materials whose pages the Office's report counts for ``user``: published to the participants and
    visible to ``user`` (``material_visibility``), so a confidential material's pages count only for its named
    readers, and a draft's not at all."""
    return sa.and_(Material.publication_id.is_not(None), material_visibility(user))


def _view_material(user: User, material: Any) -> bool:
    """Confidential materials only for their named readers; unpublished ones only for those who submitted or
    prepare them."""
    if material is None or not _view_meeting(user, material.meeting) or not reads_confidential(user, material):
        return False
    return material.publication_id is not None or _submitted_material(user, material)


def _upload_material(user: User, target: Any) -> bool:
    """The secretariat for any meeting; an agency's liaison for the items its agency presents or is asked
    materials for."""
    if user.has_role(Role.SECRETARIAT, Role.OFFICE_LEADER):
        return True
    if not user.has_role(Role.AGENCY_LIAISON) or user.unit_id is None:
        return False
    if getattr(target, "presenting_unit_id", None) == user.unit_id:
        return True
    return any(request.unit_id == user.unit_id and request.status.value != "cancelled"
               for request in getattr(target, "material_requests", ()))


VOTING_ROLES = (Role.LEADER, Role.MEMBER)


def voting_seats(user: User, meeting: Any) -> set[int]:
    """The members whose seat ``user`` holds in ``meeting``: its own when it is the chair or an invited leader or
    member who has not delegated, and those of the members who delegated to it (ủy quyền)."""
    seats = set()
    if user.id == meeting.chair_id:
        seats.add(user.id)
    for inv in meeting.invitations:
        member = inv.user
        if member is None or not member.has_role(*VOTING_ROLES) or inv.response.value == "absent":
            continue
        delegated = inv.response.value == "delegated" and inv.delegate_id is not None
        if (inv.delegate_id if delegated else inv.user_id) == user.id:
            seats.add(inv.user_id)
    return seats


def _follow_live(user: User, meeting: Any) -> bool:
    return meeting is not None and _view_meeting(user, meeting) and (
        involved_in_meeting(user, meeting) or user.has_role(Role.SECRETARIAT, Role.OFFICE_LEADER))


def _run_live(user: User, meeting: Any) -> bool:
    return meeting is not None and (user.id in {meeting.chair_id, meeting.secretary_id}
                                    or user.has_role(Role.SECRETARIAT, Role.OFFICE_LEADER))


def _take_part_live(user: User, meeting: Any) -> bool:
    return meeting is not None and bool(voting_seats(user, meeting))


def _present_live(user: User, meeting: Any) -> bool:
    if _run_live(user, meeting):
        return True
    return meeting is not None and any(inv.unit_id is not None and user.id == inv.attendee_id
                                       for inv in meeting.invitations)


def _view_poll(user: User, poll: Any) -> bool:
    if poll is None:
        return False
    if user.has_role(*POLL_WIDE_ROLES) or user.id == poll.created_by_id:
        return True
    return any(member.id == user.id for member in poll.recipients)


POLL_WIDE_ROLES = (Role.SECRETARIAT, Role.OFFICE_LEADER)
"""Who sees every written opinion form."""


def poll_visibility(user: Any) -> sa.ColumnElement[bool]:
    """``VIEW_POLL`` in SQL, on ``OpinionPoll``: the list of forms is filtered with it where it is built."""
    if not _active_user(user):
        return sa.false()
    if user.has_role(*POLL_WIDE_ROLES):
        return sa.true()
    asked = sa.exists().where(opinion_recipients.c.poll_id == OpinionPoll.id, opinion_recipients.c.user_id == user.id)
    return sa.or_(OpinionPoll.created_by_id == user.id, asked)


def _answer_poll(user: User, poll: Any) -> bool:
    return poll is not None and (user.has_role(Role.SECRETARIAT, Role.OFFICE_LEADER)
                                 or any(member.id == user.id for member in poll.recipients))


def _own_note(user: User, note: Any) -> bool:
    return note is not None and getattr(note, "user_id", None) == user.id


def _take_notes(user: User, material: Any) -> bool:
    return _view_material(user, material) and _follow_live(user, material.meeting)


def _sign_minutes_as_secretary(user: User, meeting: Any) -> bool:
    if meeting is None:
        return False
    if meeting.secretary_id is not None:
        return user.id == meeting.secretary_id
    return user.has_role(Role.SECRETARIAT, Role.OFFICE_LEADER)


def _sign_minutes_as_chair(user: User, meeting: Any) -> bool:
    return meeting is not None and user.id == meeting.chair_id


NOTICE_DESK_ROLES = (Role.SECRETARIAT, Role.OFFICE_LEADER, Role.CLERK)
"""The Office's people who draft, review and issue notices: they see every notice at every step."""


def notice_recipient(user: User, notice: Any) -> bool:
    """Named among the notice's recipients, in person or as the liaison of a recipient agency."""
    for recipient in notice.recipients:
        if recipient.user_id == user.id:
            return True
        if (recipient.unit_id is not None and recipient.unit_id == user.unit_id
                and user.has_role(Role.AGENCY_LIAISON)):
            return True
    return False


def notice_visibility(user: Any) -> sa.ColumnElement[bool]:
    """``VIEW_NOTICE`` in SQL, on ``Notice``: every list and count of notices (page, API) is filtered with
    it, so a list shows exactly the notices the per-object rule lets ``user`` open."""
    if not _active_user(user):
        return sa.false()
    if user.has_role(*NOTICE_DESK_ROLES):
        return sa.true()
    drafted = sa.select(Meeting.id).where(sa.or_(Meeting.chair_id == user.id, Meeting.secretary_id == user.id))
    received = NoticeRecipient.user_id == user.id
    if user.has_role(Role.AGENCY_LIAISON) and user.unit_id is not None:
        received = sa.or_(received, NoticeRecipient.unit_id == user.unit_id)
    seen = sa.or_(Notice.id.in_(sa.select(NoticeRecipient.notice_id).where(received)),
                  Notice.meeting_id.in_(sa.select(Meeting.id).where(meeting_visibility(user))))
    return sa.or_(Notice.meeting_id.in_(drafted), sa.and_(Notice.status == NoticeStatus.ISSUED, seen))


def _view_notice(user: User, notice: Any) -> bool:
    if notice is None:
        return False
    meeting = notice.meeting
    if user.has_role(*NOTICE_DESK_ROLES) or user.id in {meeting.chair_id, meeting.secretary_id}:
        return _view_meeting(user, meeting) or user.has_role(*NOTICE_DESK_ROLES)
    if notice.status.value != "issued":
        return False
    return notice_recipient(user, notice) or _view_meeting(user, meeting)


def _edit_notice(user: User, notice: Any) -> bool:
    return notice is not None and (user.has_role(Role.SECRETARIAT, Role.OFFICE_LEADER)
                                   or user.id == notice.meeting.secretary_id)


def _approve_notice(user: User, notice: Any) -> bool:
    return notice is not None and user.id == notice.meeting.chair_id


def _issue_notice(user: User, notice: Any) -> bool:
    return notice is not None and user.has_role(Role.CLERK, Role.OFFICE_LEADER)


def _review_notice(user: User, notice: Any) -> bool:
    return notice is not None and user.has_role(Role.OFFICE_LEADER)


REJECT_STEPS = {"in_review": _review_notice, "awaiting_approval": _approve_notice, "approved": _issue_notice}
"""Where a notice stands → who decides that step, and so may send it back to draft."""


def _reject_notice(user: User, notice: Any) -> bool:
    """The decider of the notice's current step; when it stands where nothing can be sent back, the decider of
    any step, who is told it is the wrong moment (409) — nobody else gets that far."""
    if notice is None:
        return False
    step = REJECT_STEPS.get(notice.status.value)
    return step(user, notice) if step is not None else any(rule(user, notice) for rule in REJECT_STEPS.values())


class TaskScope(enum.StrEnum):
    ALL = "all"
    UNIT = "unit"
    """Only the tasks the user's unit leads or coordinates (its own part of a split directive included)."""
    NONE = "none"


TASK_WIDE_ROLES = (Role.SECRETARIAT, Role.OFFICE_LEADER, Role.LEADER)


def task_scope(user: Any) -> TaskScope:
    """Which tasks ``user`` sees, for lists, counts, statistics and exports alike (``ecabinet.tasks`` turns it
    into SQL): the Office and the leaders every task; an agency's liaison or a member (a director) the tasks
    of its own unit; nobody else any."""
    if not isinstance(user, User) or not user.active:
        return TaskScope.NONE
    if user.has_role(*TASK_WIDE_ROLES):
        return TaskScope.ALL
    if user.has_role(Role.AGENCY_LIAISON, Role.MEMBER):
        return TaskScope.UNIT
    return TaskScope.NONE


OFFICE_REPORT_ROLES = (Role.SECRETARIAT, Role.OFFICE_LEADER, Role.LEADER)


def task_portfolio_by_default(user: Any) -> bool:
    """Whether the task lists open on the user's portfolio (a leader's: tasks it assigned, its sectors and
    agencies) rather than on every task it may see (the Office's): a view's default, not a permission."""
    return (isinstance(user, User) and user.has_role(Role.LEADER)
            and not user.has_role(Role.SECRETARIAT, Role.OFFICE_LEADER))


def sees_all_work(user: Any) -> bool:
    """Whether a list of every unit's work (a reorganisation's preview) may name it (task contents, meeting
    titles, confidential ones included): the Office sees every task and meeting; others see ids only."""
    return (_active_user(user) and task_scope(user) == TaskScope.ALL
            and user.has_role(*MEETING_WIDE_ROLES))


def task_units(task: Any) -> set[int]:
    return {task.lead_unit_id, *(unit.id for unit in task.coordinating_units)}


def _view_task(user: User, task: Any) -> bool:
    if task is None:
        return False
    scope = task_scope(user)
    return scope == TaskScope.ALL or (scope == TaskScope.UNIT and user.unit_id in task_units(task))


def _lead_liaison(user: User, task: Any) -> bool:
    return user.has_role(Role.AGENCY_LIAISON) and task.lead_unit_id == user.unit_id


def _report_task(user: User, task: Any) -> bool:
    return task is not None and (user.has_role(Role.SECRETARIAT, Role.OFFICE_LEADER) or _lead_liaison(user, task))


def _comment_task(user: User, task: Any) -> bool:
    if task is None:
        return False
    if user.has_role(Role.SECRETARIAT, Role.OFFICE_LEADER) or user.id == task.assigned_by_id:
        return True
    return user.has_role(Role.AGENCY_LIAISON) and user.unit_id in task_units(task)


def _decide_extension(user: User, task: Any) -> bool:
    return task is not None and (user.id == task.assigned_by_id or user.has_role(Role.OFFICE_LEADER))


PROGRAMME_WIDE_ROLES = (Role.ADMIN, Role.SECRETARIAT, Role.OFFICE_LEADER, Role.CLERK, Role.LEADER, Role.MEMBER,
                        Role.VIEWER)
"""Who sees every item of the work programme; an agency's liaison sees the items its agency leads."""


def programme_item_visibility(user: Any) -> sa.ColumnElement[bool]:
    """``VIEW_PROGRAMME_ITEM`` in SQL, on ``ProgrammeItem``: the programme's lists, counts and exports are
    filtered with it."""
    if not _active_user(user):
        return sa.false()
    if user.has_role(*PROGRAMME_WIDE_ROLES):
        return sa.true()
    if user.has_role(Role.AGENCY_LIAISON) and user.unit_id is not None:
        return ProgrammeItem.lead_unit_id == user.unit_id
    return sa.false()


def _view_programme_item(user: User, item: Any) -> bool:
    if item is None:
        return False
    return user.has_role(*PROGRAMME_WIDE_ROLES) or (
        user.has_role(Role.AGENCY_LIAISON) and user.unit_id is not None and item.lead_unit_id == user.unit_id)


def _decide_programme_adjustment(user: User, adjustment: Any) -> bool:
    return adjustment is not None and user.id == adjustment.item.programme.chair_id


RULES: dict[Action, Callable[[User, Any], bool]] = {
    Action.VIEW_HOME: _anyone,
    Action.VIEW_UNITS: _anyone,
    Action.VIEW_USERS: _roles(*STAFF_ROLES),
    Action.VIEW_USER: _view_user,
    Action.MANAGE_USERS: _roles(Role.ADMIN),
    Action.MANAGE_ORG: _roles(Role.ADMIN),
    Action.PREVIEW_REORGANISATION: _roles(Role.ADMIN, Role.SECRETARIAT, Role.OFFICE_LEADER),
    Action.MANAGE_PORTFOLIOS: _roles(Role.ADMIN, Role.OFFICE_LEADER),
    Action.VIEW_AUDIT: _roles(Role.ADMIN),
    Action.MANAGE_CALENDAR: _roles(Role.ADMIN, Role.OFFICE_LEADER),
    Action.KEEP_BRIEFCASE: _roles(Role.LEADER, Role.MEMBER),
    Action.SECRETARIAT_WORK: _roles(Role.SECRETARIAT, Role.OFFICE_LEADER),
    Action.ACT_FOR_UNIT: _act_for_unit,
    Action.MANAGE_MEETINGS: _roles(Role.SECRETARIAT, Role.OFFICE_LEADER),
    Action.OVERRIDE_ROOM_CONFLICT: _roles(Role.OFFICE_LEADER),
    Action.MANAGE_ROOMS: _roles(Role.ADMIN, Role.OFFICE_LEADER),
    Action.VIEW_MEETING: _view_meeting,
    Action.VIEW_MATERIAL: _view_material,
    Action.EDIT_AGENDA: _roles(Role.SECRETARIAT, Role.OFFICE_LEADER),
    Action.UPLOAD_MATERIAL: _upload_material,
    Action.PUBLISH_MATERIALS: _roles(Role.SECRETARIAT, Role.OFFICE_LEADER),
    Action.VIEW_WEEKLY_SCHEDULE: _anyone,
    Action.APPROVE_WEEKLY_SCHEDULE: _roles(Role.OFFICE_LEADER),
    Action.ANSWER_INVITATION: _answer_invitation,
    Action.FOLLOW_LIVE: _follow_live,
    Action.RUN_LIVE: _run_live,
    Action.TAKE_PART_LIVE: _take_part_live,
    Action.PRESENT_LIVE: _present_live,
    Action.MANAGE_POLLS: _roles(Role.SECRETARIAT, Role.OFFICE_LEADER),
    Action.VIEW_POLL: _view_poll,
    Action.ANSWER_POLL: _answer_poll,
    Action.OWN_NOTE: _own_note,
    Action.TAKE_NOTES: _take_notes,
    Action.VIEW_MINUTES: _follow_live,
    Action.EDIT_MINUTES: _run_live,
    Action.SIGN_MINUTES_AS_SECRETARY: _sign_minutes_as_secretary,
    Action.SIGN_MINUTES_AS_CHAIR: _sign_minutes_as_chair,
    Action.WRITE_CONCLUSIONS: _run_live,
    Action.VIEW_NOTICE: _view_notice,
    Action.EDIT_NOTICE: _edit_notice,
    Action.REVIEW_NOTICE: _review_notice,
    Action.REJECT_NOTICE: _reject_notice,
    Action.APPROVE_NOTICE: _approve_notice,
    Action.ISSUE_NOTICE: _issue_notice,
    Action.VIEW_REGISTER: _roles(*NOTICE_DESK_ROLES),
    Action.CANCEL_REGISTER_NUMBER: _roles(Role.CLERK, Role.OFFICE_LEADER),
    Action.VIEW_TASK: _view_task,
    Action.MANAGE_TASKS: _roles(Role.SECRETARIAT, Role.OFFICE_LEADER),
    Action.REPORT_TASK: _report_task,
    Action.COMMENT_TASK: _comment_task,
    Action.REQUEST_EXTENSION: _report_task,
    Action.DECIDE_EXTENSION: _decide_extension,
    Action.VIEW_TASK_STATISTICS: lambda user, target: task_scope(user) != TaskScope.NONE,
    Action.VIEW_OFFICE_REPORT: _roles(*OFFICE_REPORT_ROLES),
    Action.USE_NOTIFICATIONS: _anyone,
    Action.OPEN_NOTIFICATION: _own_notification,
    Action.MANAGE_OUTBOX: _roles(Role.SECRETARIAT, Role.OFFICE_LEADER),
    Action.VIEW_PROGRAMME: _anyone,
    Action.VIEW_PROGRAMME_ITEM: _view_programme_item,
    Action.MANAGE_PROGRAMME: _roles(Role.SECRETARIAT, Role.OFFICE_LEADER),
    Action.DECIDE_PROGRAMME_ADJUSTMENT: _decide_programme_adjustment,
    Action.SEARCH: _anyone,
}


def allowed(user: Any, action: Action, target: Any = None) -> bool:
    """May ``user`` (possibly anonymous or deactivated) do ``action`` on ``target``?"""
    if not isinstance(user, User) or not user.active:
        return False
    if action in WRITE_ACTIONS and user.roles == {Role.VIEWER}:
        return False
    return RULES[action](user, target)


def require(user: Any, action: Action, target: Any = None) -> None:
    if not allowed(user, action, target):
        raise PermissionDenied(action, target)


def allowed_actions(user: Any) -> frozenset[Action]:
    """The target-free actions ``user`` may do: templates use it to show only usable links."""
    targeted = {Action.ACT_FOR_UNIT, Action.VIEW_USER, Action.VIEW_MEETING, Action.ANSWER_INVITATION,
                Action.OPEN_NOTIFICATION, Action.VIEW_MATERIAL, Action.UPLOAD_MATERIAL, Action.FOLLOW_LIVE,
                Action.RUN_LIVE, Action.TAKE_PART_LIVE, Action.PRESENT_LIVE, Action.VIEW_POLL, Action.ANSWER_POLL,
                Action.OWN_NOTE, Action.PUBLISH_MATERIALS, Action.VIEW_MINUTES, Action.EDIT_MINUTES,
                Action.SIGN_MINUTES_AS_SECRETARY, Action.SIGN_MINUTES_AS_CHAIR, Action.WRITE_CONCLUSIONS,
                Action.VIEW_NOTICE, Action.EDIT_NOTICE, Action.REVIEW_NOTICE, Action.APPROVE_NOTICE,
                Action.ISSUE_NOTICE, Action.VIEW_TASK, Action.REPORT_TASK, Action.COMMENT_TASK,
                Action.REQUEST_EXTENSION, Action.DECIDE_EXTENSION, Action.TAKE_NOTES, Action.REJECT_NOTICE,
                Action.VIEW_PROGRAMME_ITEM, Action.DECIDE_PROGRAMME_ADJUSTMENT}
    return frozenset(a for a in Action if a not in targeted and allowed(user, a))
