"""The working-day calendar's JSON API: the year, counting, and the admins' corrections."""

from __future__ import annotations

import pytest

from tests.fixtures.web import api_token


@pytest.fixture
def admin(client, people):
    return api_token(client, "admin")


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    return error


def test_any_signed_in_user_reads_a_year(client, people):
    response = client.get("/api/v1/workdays/2027", headers=api_token(client, "sotc"))
    assert response.status_code == 200
    data = response.get_json()
    assert data["year"] == 2027 and 240 <= data["working_days"] <= 255
    by_day = {d["day"]: d for d in data["days"]}
    assert by_day["2027-04-16"] == {"day": "2027-04-16", "kind": "day_off", "name": "Ngày Giỗ Tổ Hùng Vương",
                                    "source": "public", "public_name": None}
    assert "2027-02-06" not in by_day and "Tết" in by_day["2027-02-08"]["name"]
    assert [d["day"] for d in data["days"]] == sorted(by_day)


def test_the_year_needs_a_sign_in_and_a_supported_year(client, people):
    _error(client.get("/api/v1/workdays/2027"), 401, "unauthenticated")
    headers = api_token(client, "quansat")
    for year in (1999, 2101, 0):
        error = _error(client.get(f"/api/v1/workdays/{year}", headers=headers), 422, "validation_error")
        assert error["details"][0]["field"] == "year"
    assert client.get("/api/v1/workdays/2000", headers=headers).status_code == 200
    assert client.get("/api/v1/workdays/2100", headers=headers).status_code == 200


@pytest.mark.parametrize(("start", "days", "result", "calendar_days"), [
    ("2027-02-03", 1, "2027-02-11", 8),
    ("2027-02-11", -1, "2027-02-03", -8),
    ("2027-02-06", 0, "2027-02-11", 5),
    ("2027-04-29", 1, "2027-05-04", 5),
])
def test_counting_working_days(client, people, start, days, result, calendar_days):
    response = client.get(f"/api/v1/workdays/add?from={start}&days={days}", headers=api_token(client, "pct"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"start": start, "days": days, "date": result, "calendar_days": calendar_days}


@pytest.mark.parametrize("query", [
    "from=03/02/2027&days=1", "from=2027-02-30&days=1", "from=1999-12-31&days=1", "from=2027-2-3&days=1",
    "from=1700000000&days=1", "from=2027-02-03&days=1001", "from=2027-02-03&days=-1001", "from=2027-02-03&days=x",
    "days=1", "from=2027-02-03",
])
def test_counting_refuses_bad_input_with_a_422(client, people, query):
    error = _error(client.get(f"/api/v1/workdays/add?{query}", headers=api_token(client, "pct")),
                   422, "validation_error")
    assert error["details"][0]["field"] in ("from", "days")


def test_counting_accepts_the_limits(client, people):
    headers = api_token(client, "pct")
    for days in (1000, -1000):
        assert client.get(f"/api/v1/workdays/add?from=2027-02-03&days={days}", headers=headers).status_code == 200


def test_an_admin_records_changes_and_removes_a_day_off(client, admin, people):
    response = client.put("/api/v1/workdays/days/2027-04-29", headers=admin,
                          json={"kind": "day_off", "reason": "Nghỉ bù theo Thông báo số 5/TB-BNV"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["day"], body["kind"], body["reason"], body["created_by_id"]) == \
        ("2027-04-29", "day_off", "Nghỉ bù theo Thông báo số 5/TB-BNV", people.admin)
    counted = client.get("/api/v1/workdays/add?from=2027-04-28&days=1", headers=admin).get_json()
    assert counted["date"] == "2027-05-04"
    listed = {d["day"]: d for d in client.get("/api/v1/workdays/2027", headers=admin).get_json()["days"]}
    assert listed["2027-04-29"]["source"] == "admin"

    changed = client.put("/api/v1/workdays/days/2027-04-29", headers=admin,
                         json={"kind": "day_off", "reason": "Nghỉ theo Quyết định 12/QĐ-UBND"})
    assert changed.status_code == 200 and changed.get_json()["reason"] == "Nghỉ theo Quyết định 12/QĐ-UBND"

    assert client.delete("/api/v1/workdays/days/2027-04-29", headers=admin).status_code == 204
    assert client.get("/api/v1/workdays/add?from=2027-04-28&days=1", headers=admin).get_json()["date"] == \
        "2027-04-29"
    _error(client.delete("/api/v1/workdays/days/2027-04-29", headers=admin), 404, "not_found")


def test_an_office_leader_records_a_make_up_saturday(client, people):
    headers = api_token(client, "chanhvp")
    response = client.put("/api/v1/workdays/days/2027-05-08", headers=headers,
                          json={"kind": "working_day", "reason": "Làm bù cho ngày 29/4"})
    assert response.status_code == 200, response.get_json()
    assert client.get("/api/v1/workdays/add?from=2027-05-07&days=1", headers=headers).get_json()["date"] == \
        "2027-05-08"


@pytest.mark.parametrize("username", ["quansat", "sotc", "chuyenvien", "pct"])
def test_only_calendar_managers_change_the_calendar(client, admin, username):
    client.put("/api/v1/workdays/days/2027-04-29", headers=admin, json={"kind": "day_off", "reason": "Nghỉ bù"})
    headers = api_token(client, username)
    put = client.put("/api/v1/workdays/days/2027-04-28", headers=headers, json={"kind": "day_off", "reason": "x"})
    _error(put, 403, "forbidden")
    _error(client.delete("/api/v1/workdays/days/2027-04-29", headers=headers), 403, "forbidden")
    assert client.get("/api/v1/workdays/add?from=2027-04-28&days=1", headers=admin).get_json()["date"] == \
        "2027-05-04"


@pytest.mark.parametrize("day", ["2027-02-30", "30-04-2027", "29/04/2027", "abc", "2027-4-29", "1999-04-29",
                                 "20270429", "2027-04-29T00:00"])
def test_a_bad_date_in_the_path_is_a_422(client, admin, day):
    put = client.put(f"/api/v1/workdays/days/{day}", headers=admin, json={"kind": "day_off", "reason": "Nghỉ"})
    assert _error(put, 422, "validation_error")["details"][0]["field"] == "day"
    _error(client.delete(f"/api/v1/workdays/days/{day}", headers=admin), 422, "validation_error")


@pytest.mark.parametrize("body", [
    {"kind": "holiday", "reason": "Nghỉ"}, {"kind": "day_off"}, {"kind": "day_off", "reason": "  "},
    {"kind": "day_off", "reason": "x" * 256}, {"kind": "day_off", "reason": "Nghỉ", "source": "admin"},
])
def test_a_bad_body_is_a_422(client, admin, body):
    _error(client.put("/api/v1/workdays/days/2027-04-29", headers=admin, json=body), 422, "validation_error")


@pytest.mark.parametrize(("day", "kind"), [("2027-03-01", "working_day"), ("2027-03-07", "day_off"),
                                           ("2027-09-02", "day_off")])
def test_a_correction_that_changes_nothing_is_a_422(client, admin, day, kind):
    error = _error(client.put(f"/api/v1/workdays/days/{day}", headers=admin, json={"kind": kind, "reason": "Thử"}),
                   422, "no_change")
    assert error["details"][0]["field"] == "day"
    assert client.get("/api/v1/workdays/2027", headers=admin).get_json()["days"] == \
        [d for d in client.get("/api/v1/workdays/2027", headers=admin).get_json()["days"] if d["source"] == "public"]


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert {"/api/v1/workdays/{year}", "/api/v1/workdays/add", "/api/v1/workdays/days/{day}"} <= set(paths)
    assert {p["name"] for p in paths["/api/v1/workdays/add"]["get"]["parameters"]} == {"from", "days"}
