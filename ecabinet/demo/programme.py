"""The demo's work programme of the current year: the province's usual đề án, reports and decisions, led by the
demo's departments and communes (found by their kind, whatever the map), some behind, one move awaiting the chair.
Seeded once: a year that has its programme is left as it is."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role, User
from ecabinet.core.db import db
from ecabinet.org.models import Unit, UnitKind
from ecabinet.programme import operations as programme
from ecabinet.programme.models import ItemKind, PeriodKind

MONTH, QUARTER = PeriodKind.MONTH, PeriodKind.QUARTER
ITEMS = (
    ("Báo cáo tình hình kinh tế - xã hội tháng 1 và nhiệm vụ trọng tâm tháng 2", ItemKind.REPORT, MONTH, 1),
    ("Kế hoạch thực hiện Nghị quyết của HĐND tỉnh về kế hoạch đầu tư công năm", ItemKind.PLAN, MONTH, 2),
    ("Đề án phát triển nguồn nhân lực chất lượng cao giai đoạn 2026 - 2030", ItemKind.SCHEME, QUARTER, 1),
    ("Quyết định ban hành quy định phân cấp quản lý đường giao thông nông thôn", ItemKind.DECISION, MONTH, 4),
    ("Đề án sắp xếp, tổ chức lại đơn vị sự nghiệp công lập", ItemKind.SCHEME, QUARTER, 2),
    ("Báo cáo sơ kết 6 tháng thực hiện chương trình chuyển đổi số", ItemKind.REPORT, MONTH, 6),
    ("Đề án phát triển du lịch biển, đảo gắn với đặc khu Lý Sơn", ItemKind.SCHEME, QUARTER, 3),
    ("Nghị quyết quy định mức hỗ trợ phát triển sản xuất nông nghiệp", ItemKind.RESOLUTION, MONTH, 9),
    ("Kế hoạch phòng, chống thiên tai mùa mưa bão", ItemKind.PLAN, MONTH, 10),
    ("Báo cáo tình hình thực hiện nhiệm vụ năm và kế hoạch năm sau", ItemKind.REPORT, MONTH, 12),
    ("Đề án xây dựng xã, phường điển hình về cải cách hành chính", ItemKind.SCHEME, QUARTER, 4),
    ("Quyết định phê duyệt quy hoạch chung đô thị mới", ItemKind.DECISION, QUARTER, 4),
)
"""(title, kind, period kind, period); every fourth is led by a commune, the others by departments."""
DEPARTMENTS, COMMUNES = 8, 3


def _chair(leaders: list[User]) -> User:
    """The Chủ tịch: the leader whose position says so, else the first leader."""
    return next((u for u in leaders if u.position_title.casefold().startswith("chủ tịch")), leaders[0])


def _units(kind: UnitKind, count: int) -> list[int]:
    return list(db.session.scalars(sa.select(Unit.id).where(Unit.kind == kind, Unit.active.is_(True))
                                   .order_by(Unit.sort_order, Unit.id).limit(count)))


def seed(today: date) -> None:
    leaders, office = accounts.users_with_role(Role.LEADER), accounts.users_with_role(Role.SECRETARIAT)
    departments = _units(UnitKind.DEPARTMENT, DEPARTMENTS)
    communes = _units(UnitKind.COMMUNE, COMMUNES) or departments
    if programme.programme_of(today.year) is not None or not (leaders and office and departments):
        return
    chair, secretary = _chair(leaders), office[0]
    deputies = [leader for leader in leaders if leader.id != chair.id] or [chair]
    year = programme.create_programme(today.year, f"Chương trình công tác năm {today.year} của UBND tỉnh",
                                      chair.id, secretary)
    entered = programme.enter_items(year, [
        programme.ItemData(title, kind, programme.Period(period_kind, period),
                           communes[n % len(communes)] if n % 4 == 3 else departments[n % len(departments)],
                           deputies[n % len(deputies)].id)
        for n, (title, kind, period_kind, period) in enumerate(ITEMS)], secretary)
    coming = [item for item in entered if not programme.is_behind(item, today)]
    if coming:
        last = coming[-1]
        programme.propose_move(last, programme.Period(QUARTER, 4) if last.period_kind == MONTH
                               else programme.Period(MONTH, 12), "Chờ ý kiến thẩm định của các bộ, ngành Trung ương",
                               secretary)
