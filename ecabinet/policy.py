"""Every permission decision of ecabinet, in one place.

Pages, the JSON API and Socket.IO handlers ask ``allowed`` or ``require``; nothing else in
the code base looks at roles to decide what a user may do. A rule receives the (active,
authenticated) user and an optional target and answers yes or no.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from ecabinet.accounts.models import Role, User
from ecabinet.org.models import Unit


class Action(enum.StrEnum):
    VIEW_HOME = "view_home"
    VIEW_UNITS = "view_units"
    VIEW_USERS = "view_users"
    VIEW_USER = "view_user"
    MANAGE_USERS = "manage_users"
    MANAGE_ORG = "manage_org"
    MANAGE_PORTFOLIOS = "manage_portfolios"
    VIEW_AUDIT = "view_audit"
    SECRETARIAT_WORK = "secretariat_work"
    """Prepare agendas, collect materials, run the console, write minutes, urge agencies."""
    ACT_FOR_UNIT = "act_for_unit"
    """Upload materials and report progress on behalf of a unit (target: the Unit)."""


class PermissionDenied(Exception):
    def __init__(self, action: Action, target: Any = None) -> None:
        super().__init__(f"not allowed: {action.value}")
        self.action = action
        self.target = target


WRITE_ACTIONS = frozenset({
    Action.MANAGE_USERS, Action.MANAGE_ORG, Action.MANAGE_PORTFOLIOS,
    Action.SECRETARIAT_WORK, Action.ACT_FOR_UNIT,
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


RULES: dict[Action, Callable[[User, Any], bool]] = {
    Action.VIEW_HOME: _anyone,
    Action.VIEW_UNITS: _anyone,
    Action.VIEW_USERS: _roles(*STAFF_ROLES),
    Action.VIEW_USER: _view_user,
    Action.MANAGE_USERS: _roles(Role.ADMIN),
    Action.MANAGE_ORG: _roles(Role.ADMIN),
    Action.MANAGE_PORTFOLIOS: _roles(Role.ADMIN, Role.OFFICE_LEADER),
    Action.VIEW_AUDIT: _roles(Role.ADMIN),
    Action.SECRETARIAT_WORK: _roles(Role.SECRETARIAT, Role.OFFICE_LEADER),
    Action.ACT_FOR_UNIT: _act_for_unit,
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
    return frozenset(a for a in Action if a not in {Action.ACT_FOR_UNIT, Action.VIEW_USER} and allowed(user, a))
