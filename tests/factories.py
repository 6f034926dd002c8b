"""Building test data through the domains' own operations."""

from __future__ import annotations

from dataclasses import dataclass

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role, User
from ecabinet.core.db import db
from ecabinet.org import operations as org
from ecabinet.org.models import Unit, UnitKind
from tests.conftest import PASSWORD


def make_unit(code: str, kind: UnitKind = UnitKind.DEPARTMENT, parent: Unit | None = None,
              name: str | None = None) -> Unit:
    return org.create_unit(code=code, name=name or f"Đơn vị {code}", kind=kind,
                           parent_id=parent.id if parent else None)


def make_user(username: str, unit: Unit, *roles: Role, password: str = PASSWORD, full_name: str | None = None,
              position_title: str = "") -> User:
    return accounts.create_user(accounts.UserData(
        username=username, full_name=full_name or f"Nguyễn Văn {username.title()}", unit_id=unit.id,
        roles=list(roles), password=password, position_title=position_title,
    ))


@dataclass(frozen=True)
class People:
    """Ids of a small province's units and users (ids survive the app context that made them)."""

    province: int
    office: int
    department: int
    other_department: int
    district: int
    admin: int
    secretary: int
    office_leader: int
    leader: int
    liaison: int
    viewer: int


def make_people() -> People:
    province = make_unit("ubndtinh", UnitKind.PROVINCE, name="Ủy ban nhân dân tỉnh")
    office = make_unit("vpubnd", UnitKind.OFFICE, province, "Văn phòng UBND tỉnh")
    department = make_unit("sotc", UnitKind.DEPARTMENT, province, "Sở Tài chính")
    other = make_unit("soyt", UnitKind.DEPARTMENT, province, "Sở Y tế")
    district = make_unit("hbinhson", UnitKind.DISTRICT, province, "Ủy ban nhân dân huyện Bình Sơn")
    users = {
        "admin": make_user("admin", office, Role.ADMIN),
        "secretary": make_user("chuyenvien", office, Role.SECRETARIAT),
        "office_leader": make_user("chanhvp", office, Role.OFFICE_LEADER),
        "leader": make_user("pct", province, Role.LEADER, position_title="Phó Chủ tịch UBND tỉnh"),
        "liaison": make_user("sotc", department, Role.AGENCY_LIAISON),
        "viewer": make_user("quansat", office, Role.VIEWER),
    }
    db.session.commit()
    return People(province=province.id, office=office.id, department=department.id, other_department=other.id,
                  district=district.id, **{k: u.id for k, u in users.items()})


def make_kind(code: str = "hopchuyende", name: str = "Họp chuyên đề"):
    from ecabinet.meetings import operations as meetings

    return meetings.save_kind(None, {"code": code, "name": name, "default_minutes": 120, "active": True})


def make_room(code: str = "phong1", name: str = "Phòng họp số 1", capacity: int = 40):
    from ecabinet.meetings import operations as meetings

    return meetings.save_room(None, {"code": code, "name": name, "capacity": capacity, "location": "Tầng 3",
                                     "equipment": ["màn hình", "hệ thống trực tuyến"], "active": True})


@dataclass(frozen=True)
class Venue:
    kind: int
    room: int
    other_room: int
    second_leader: int


def make_venue(people: People) -> Venue:
    """Kinds and rooms, and a second leader (Chủ tịch) to invite."""
    kind = make_kind()
    room, other = make_room(), make_room("phong2", "Phòng họp số 2", 20)
    chairman = make_user("chutich", db.session.get(Unit, people.province), Role.LEADER,
                         position_title="Chủ tịch UBND tỉnh", full_name="Trần Minh Khoa")
    db.session.commit()
    return Venue(kind=kind.id, room=room.id, other_room=other.id, second_leader=chairman.id)
