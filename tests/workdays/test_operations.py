"""Working-day arithmetic over the Vietnamese calendar, and the admins' corrections of it."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core.db import db
from ecabinet.core.exceptions import DomainError
from ecabinet.workdays import operations as ops
from ecabinet.workdays.models import CalendarDay, DayKind
from ecabinet.workdays.operations import add_working_days, is_working_day, working_days_between


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


@pytest.fixture
def admin(app, people, ctx) -> User:
    return db.session.get(User, people.admin)


def test_tet_2027_and_weekends_are_skipped_in_both_directions(ctx):
    # Tết Đinh Mùi: Thursday 4 to Wednesday 10 February 2027.
    assert [is_working_day(date(2027, 2, d)) for d in range(3, 12)] == [True] + [False] * 7 + [True]
    assert add_working_days(date(2027, 2, 3), 1) == date(2027, 2, 11)
    assert add_working_days(date(2027, 2, 11), -1) == date(2027, 2, 3)
    assert add_working_days(date(2027, 2, 1), 5) == date(2027, 2, 15)
    assert add_working_days(date(2027, 2, 15), -5) == date(2027, 2, 1)
    assert working_days_between(date(2027, 2, 3), date(2027, 2, 11)) == 1
    assert working_days_between(date(2027, 2, 11), date(2027, 2, 3)) == -1
    # an ordinary weekend
    assert add_working_days(date(2027, 1, 29), 1) == date(2027, 2, 1)
    assert add_working_days(date(2027, 2, 1), -1) == date(2027, 1, 29)


def test_hung_kings_day_and_its_observed_day(ctx):
    # 2026: the 10th of the third lunar month is Sunday 26 April, observed on Monday 27 April.
    assert not is_working_day(date(2026, 4, 26)) and not is_working_day(date(2026, 4, 27))
    assert add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)
    assert add_working_days(date(2026, 4, 28), -1) == date(2026, 4, 24)
    # 2027: Friday 16 April.
    assert not is_working_day(date(2027, 4, 16))
    assert add_working_days(date(2027, 4, 15), 1) == date(2027, 4, 19)
    names = {e.day: e.name for e in ops.year_calendar(2026)}
    assert "Giỗ Tổ Hùng Vương" in names[date(2026, 4, 27)]


def test_reunification_and_labour_day(ctx):
    # 2026: Thursday 30 April and Friday 1 May.
    assert add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)
    # 2027: Friday 30 April, Saturday 1 May observed on Monday 3 May.
    assert [is_working_day(date(2027, 4, 30)), is_working_day(date(2027, 5, 3))] == [False, False]
    assert add_working_days(date(2027, 4, 29), 1) == date(2027, 5, 4)
    assert add_working_days(date(2027, 5, 4), -1) == date(2027, 4, 29)
    assert working_days_between(date(2027, 4, 29), date(2027, 5, 4)) == 1


def test_count_zero_gives_the_day_itself_or_the_next_working_day(ctx):
    assert add_working_days(date(2027, 2, 3), 0) == date(2027, 2, 3)
    assert add_working_days(date(2027, 2, 4), 0) == date(2027, 2, 11)
    assert add_working_days(date(2027, 2, 6), 0) == date(2027, 2, 11)
    assert add_working_days(date(2027, 5, 1), 0) == date(2027, 5, 4)


def test_an_admin_day_off_and_a_make_up_saturday_change_the_counts(admin):
    assert working_days_between(date(2027, 4, 26), date(2027, 5, 7)) == 7
    assert working_days_between(date(2027, 5, 7), date(2027, 5, 10)) == 1
    ops.set_day(date(2027, 4, 29), DayKind.DAY_OFF, "Nghỉ bù theo Thông báo của Bộ Nội vụ", admin)
    ops.set_day(date(2027, 5, 8), "working_day", "Làm bù cho ngày 29/4", admin)
    db.session.commit()

    assert not is_working_day(date(2027, 4, 29)) and is_working_day(date(2027, 5, 8))
    assert add_working_days(date(2027, 4, 28), 1) == date(2027, 5, 4)
    assert add_working_days(date(2027, 5, 7), 1) == date(2027, 5, 8)
    assert add_working_days(date(2027, 5, 10), -1) == date(2027, 5, 8)
    assert add_working_days(date(2027, 4, 29), 0) == date(2027, 5, 4)
    assert working_days_between(date(2027, 4, 26), date(2027, 5, 7)) == 6
    assert working_days_between(date(2027, 5, 7), date(2027, 5, 10)) == 2
    row = db.session.get(CalendarDay, date(2027, 4, 29))
    assert (row.kind, row.created_by_id) == (DayKind.DAY_OFF, admin.id)


@pytest.mark.parametrize(("day", "kind"), [
    (date(2027, 3, 1), DayKind.WORKING_DAY),   # an ordinary Monday
    (date(2027, 3, 7), DayKind.DAY_OFF),       # a Sunday
    (date(2027, 4, 30), DayKind.DAY_OFF),      # already a public holiday
])
def test_a_correction_that_changes_nothing_is_refused(admin, day, kind):
    with pytest.raises(DomainError) as refused:
        ops.set_day(day, kind, "Không cần thiết", admin)
    assert (refused.value.code, refused.value.field, refused.value.status) == ("no_change", "day", 422)
    assert day.strftime("%d/%m/%Y") in refused.value.message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarDay)) == 0


def test_a_correction_is_changed_in_place_and_removed(admin):
    ops.set_day(date(2027, 12, 31), DayKind.DAY_OFF, "Nghỉ cuối năm", admin)
    ops.set_day(date(2027, 12, 31), DayKind.DAY_OFF, "  Nghỉ theo Quyết định số 12/QĐ-UBND  ", admin)
    db.session.commit()
    [row] = db.session.scalars(sa.select(CalendarDay)).all()
    assert row.reason == "Nghỉ theo Quyết định số 12/QĐ-UBND"
    with pytest.raises(DomainError) as refused:
        ops.set_day(date(2027, 12, 31), DayKind.DAY_OFF, "   ", admin)
    assert refused.value.field == "reason"

    ops.remove_day(date(2027, 12, 31))
    db.session.commit()
    assert is_working_day(date(2027, 12, 31))
    with pytest.raises(DomainError) as missing:
        ops.remove_day(date(2027, 12, 31))
    assert (missing.value.code, missing.value.status) == ("not_found", 404)


def test_the_year_calendar_lists_weekdays_off_and_make_up_days_in_order(admin):
    entries = ops.year_calendar(2027)
    days = [e.day for e in entries]
    assert days == sorted(days)
    assert {date(2027, 1, 1), date(2027, 2, 4), date(2027, 2, 5), date(2027, 2, 8), date(2027, 2, 9),
            date(2027, 2, 10), date(2027, 4, 16), date(2027, 4, 30), date(2027, 5, 3), date(2027, 9, 2)} <= set(days)
    assert date(2027, 2, 6) not in days and date(2027, 5, 1) not in days  # on a weekend: changes nothing
    assert all(e.source == ops.Source.PUBLIC and e.kind == DayKind.DAY_OFF for e in entries)

    ops.set_day(date(2027, 5, 8), DayKind.WORKING_DAY, "Làm bù", admin)
    ops.set_day(date(2027, 2, 10), DayKind.WORKING_DAY, "Đi làm sớm sau Tết", admin)
    ops.set_day(date(2027, 4, 29), DayKind.DAY_OFF, "Nghỉ bù", admin)
    db.session.commit()
    by_day = {e.day: e for e in ops.year_calendar(2027)}
    assert by_day[date(2027, 5, 8)] == ops.CalendarEntry(date(2027, 5, 8), DayKind.WORKING_DAY, "Làm bù",
                                                         ops.Source.ADMIN)
    assert by_day[date(2027, 2, 10)].public_name == "Mùng năm Tết Nguyên Đán"
    assert by_day[date(2027, 2, 10)].source == ops.Source.ADMIN
    assert by_day[date(2027, 4, 29)].kind == DayKind.DAY_OFF
    assert all(e.source == ops.Source.PUBLIC for e in ops.year_calendar(2028))


def test_working_days_in_a_year_follow_the_corrections(admin):
    before = ops.working_days_in_year(2027)
    assert 240 <= before <= 255
    ops.set_day(date(2027, 5, 8), DayKind.WORKING_DAY, "Làm bù", admin)
    ops.set_day(date(2027, 4, 29), DayKind.DAY_OFF, "Nghỉ bù", admin)
    ops.set_day(date(2027, 12, 31), DayKind.DAY_OFF, "Nghỉ cuối năm", admin)
    assert ops.working_days_in_year(2027) == before - 1
