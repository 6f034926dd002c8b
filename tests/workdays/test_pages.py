"""The working-day calendar page: the year month by month, in Vietnamese, and the managers' form."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.workdays.models import CalendarDay, DayKind
from tests.fixtures.web import csrf_from, web_login

PAGE = "/calendar/workdays?year=2027"


def _rows(app) -> list[tuple]:
    with app.app_context():
        return [tuple(r) for r in db.session.execute(sa.select(CalendarDay.day, CalendarDay.kind, CalendarDay.reason))]


def _post(client, **fields):
    token = csrf_from(client.get(PAGE).get_data(as_text=True))
    return client.post("/calendar/workdays", data={"csrf_token": token, "year": "2027", **fields})


def test_the_page_lists_the_year_month_by_month_in_vietnamese(client, people):
    web_login(client, "pct")
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Ngày nghỉ lễ và ngày làm việc 2027" in html
    assert "Tháng 02/2027" in html and "Tháng 04/2027" in html and "Tháng 03/2027" not in html
    assert html.index("Tháng 01/2027") < html.index("Tháng 02/2027") < html.index("Tháng 09/2027")
    assert 'id="day-2027-04-16"' in html and "Ngày Giỗ Tổ Hùng Vương" in html and "Thứ Sáu, 16/04/2027" in html
    assert "Ngày nghỉ lễ, Tết" in html and 'id="day-2027-02-06"' not in html
    assert "ngày làm việc" in html  # the year's count
    assert 'id="workday-form"' not in html and "remove-" not in html


@pytest.mark.parametrize("username", ["quansat", "sotc", "chuyenvien"])
def test_a_non_manager_sees_no_form_and_may_not_post(client, people, username):
    web_login(client, "admin")
    _post(client, day="29/04/2027", kind="day_off", reason="Nghỉ bù")
    client.post("/logout", data={"csrf_token": csrf_from(client.get(PAGE).get_data(as_text=True))})
    web_login(client, username)
    html = client.get(PAGE).get_data(as_text=True)
    assert 'id="day-2027-04-29"' in html and "Nghỉ bù" in html
    assert 'id="workday-form"' not in html and 'id="remove-2027-04-29"' not in html
    token = csrf_from(html)
    assert client.post("/calendar/workdays", data={"csrf_token": token, "day": "30/12/2027", "kind": "day_off",
                                                   "reason": "Nghỉ"}).status_code == 403
    assert client.post("/calendar/workdays/2027-04-29/delete", data={"csrf_token": token}).status_code == 403
    assert len(_rows(client.application)) == 1


def test_a_manager_adds_and_removes_a_day_off_and_a_make_up_day(client, people):
    web_login(client, "chanhvp")
    assert 'id="workday-form"' in client.get(PAGE).get_data(as_text=True)
    saved = _post(client, day="29/04/2027", kind="day_off", reason="Nghỉ bù theo Thông báo số 5/TB-BNV")
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/calendar/workdays?year=2027")
    assert "Đã lưu lịch ngày 29/04/2027." in client.get(saved.headers["Location"]).get_data(as_text=True)
    assert _post(client, day="08/05/2027", kind="working_day", reason="Làm bù cho ngày 29/4").status_code == 302
    assert sorted(r[1] for r in _rows(client.application)) == [DayKind.DAY_OFF, DayKind.WORKING_DAY]

    html = client.get(PAGE).get_data(as_text=True)
    assert "Đã lưu lịch ngày 08/05/2027." in html
    row = re.search(r'<tr id="day-2027-05-08".*?</tr>', html, re.S).group(0)
    assert "Ngày làm việc bù" in row and "Điều chỉnh của quản trị" in row and 'id="remove-2027-05-08"' in row
    assert 'id="remove-2027-04-16"' not in html  # a public holiday cannot be removed

    removed = client.post("/calendar/workdays/2027-05-08/delete", data={"csrf_token": csrf_from(html)})
    assert removed.status_code == 302
    assert [r[0].isoformat() for r in _rows(client.application)] == ["2027-04-29"]
    assert "Đã bỏ điều chỉnh của ngày 08/05/2027." in client.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"day": "31/02/2027", "kind": "day_off", "reason": "Nghỉ"}, "day", "Nhập ngày từ năm 2000 đến năm 2100"),
    ({"day": "2027/04/29", "kind": "day_off", "reason": "Nghỉ"}, "day", "Nhập ngày từ năm 2000 đến năm 2100"),
    ({"day": "29/04/1999", "kind": "day_off", "reason": "Nghỉ"}, "day", "Nhập ngày từ năm 2000 đến năm 2100"),
    ({"day": "", "kind": "day_off", "reason": "Nghỉ"}, "day", "Trường này là bắt buộc."),
    ({"day": "29/04/2027", "kind": "day_off", "reason": "   "}, "reason", "Trường này là bắt buộc."),
    ({"day": "29/04/2027", "kind": "holiday", "reason": "Nghỉ"}, "kind", None),
    ({"day": "01/03/2027", "kind": "working_day", "reason": "Làm bù"}, "day", "01/03/2027 đã là ngày làm việc"),
    ({"day": "07/03/2027", "kind": "day_off", "reason": "Nghỉ"}, "day", "07/03/2027 đã là ngày nghỉ"),
    ({"day": "30/04/2027", "kind": "day_off", "reason": "Nghỉ"}, "day", "Ngày Chiến thắng"),
])
def test_the_form_shows_vietnamese_errors_and_saves_nothing(client, people, fields, field, message):
    web_login(client, "admin")
    response = _post(client, **fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<div class="invalid-feedback d-block" id="{field}-error">(.*?)</div>', html, re.S)
    assert error, html
    if message:
        assert message in error.group(1)
    assert f'value="{fields["day"]}"' in html  # what was typed is shown again
    assert 'id="workday-form"' in html and "Ngày nghỉ lễ và ngày làm việc 2027" in html
    assert _rows(client.application) == []


def test_the_form_needs_its_csrf_token(client, people):
    web_login(client, "admin")
    response = client.post("/calendar/workdays", data={"day": "29/04/2027", "kind": "day_off", "reason": "Nghỉ"})
    assert response.status_code == 400
    assert _rows(client.application) == []


def test_removing_a_day_without_correction_says_so(client, people):
    web_login(client, "admin")
    token = csrf_from(client.get(PAGE).get_data(as_text=True))
    response = client.post("/calendar/workdays/2027-04-29/delete", data={"csrf_token": token}, follow_redirects=True)
    assert "Không có điều chỉnh nào cho ngày 29/04/2027." in response.get_data(as_text=True)
    assert client.post("/calendar/workdays/not-a-date/delete", data={"csrf_token": token}).status_code == 404


def test_a_bad_year_falls_back_to_this_year_with_a_warning(client, people):
    web_login(client, "pct")
    for year in ("abc", "1999", "2101"):
        response = client.get(f"/calendar/workdays?year={year}")
        assert response.status_code == 200
        assert 'alert-warning' in response.get_data(as_text=True)
    assert client.get("/calendar/workdays").status_code == 200


def test_the_page_needs_a_sign_in(client, people):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
