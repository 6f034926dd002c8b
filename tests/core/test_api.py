"""The API answers bad input with JSON errors and the right 4xx, never a 500."""

import pytest

from tests.fixtures.web import api_token

TOKEN_URL = "/api/v1/auth/token"


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize("raw", [b"{", b"{'username': 'a'}", b"\xff\xfe", b'{"a": 1,}', b"[" * 5000])
def test_malformed_json_is_a_400(client, raw):
    response = client.post(TOKEN_URL, data=raw, content_type="application/json")
    _error(response, 400, "malformed_json")


def test_body_that_is_not_json_is_a_415(client):
    _error(client.post(TOKEN_URL, data="username=a&password=b"), 415, "unsupported_media_type")


@pytest.mark.parametrize("body, field", [
    ({"username": 12, "password": "x"}, "username"),
    ({"username": "a", "password": ["x"]}, "password"),
    ({"username": "a"}, "password"),
    ({"username": "a", "password": "x", "admin": True}, "admin"),
    (["username", "password"], None),
    ("just a string", None),
])
def test_wrong_types_and_fields_are_a_422_naming_the_field(client, body, field):
    error = _error(client.post(TOKEN_URL, json=body), 422, "validation_error")
    fields = [d["field"] for d in error["details"]]
    assert (field in fields) if field else error["details"]


def test_wrong_types_on_an_authenticated_endpoint(client, people):
    headers = api_token(client, "admin")
    error = _error(client.post("/api/v1/units", json={"code": "soxd", "name": "Sở Xây dựng", "kind": "planet"},
                               headers=headers), 422, "validation_error")
    assert [d["field"] for d in error["details"]] == ["kind"]
    error = _error(client.get("/api/v1/users?page=zero", headers=headers), 422, "validation_error")
    assert error["details"][0]["field"] == "page"


def test_unknown_route_and_method_are_json(client):
    _error(client.get("/api/v1/nothing-here"), 404, "not_found")
    response = client.put(TOKEN_URL, json={})
    _error(response, 405, "method_not_allowed")
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"POST", "DELETE"}  # RFC 9110


@pytest.mark.parametrize("method, collection", [("DELETE", "conclusions"), ("PUT", "conclusions"),
                                                ("DELETE", "directives"), ("GET", "tasks")])
def test_an_id_beyond_the_database_is_a_404(client, people, method, collection):
    """Each method of /conclusions/<id> is its own rule: werkzeug used to answer 405 when the id fitted none."""
    headers = api_token(client, "admin")
    for too_big in (2**31, 2**63, 10**30):
        _error(client.open(f"/api/v1/{collection}/{too_big}", method=method, headers=headers, json={}),
               404, "not_found")
    _error(client.open(f"/api/v1/{collection}/1.0", method=method, headers=headers, json={}), 404, "not_found")


def test_a_number_is_no_date_in_a_query(client, people):
    headers = api_token(client, "chanhvp")  # the Office's leader, who follows the tasks
    for value in ("0", "0.5", "1700000000"):
        error = _error(client.get(f"/api/v1/task-statistics?period_to={value}", headers=headers),
                       422, "validation_error")
        assert error["details"][0]["field"] == "period_to"
    assert client.get("/api/v1/task-statistics?period_to=2026-12-31", headers=headers).status_code == 200


def test_an_integral_float_is_an_integer_as_json_schema_says(client, people):
    headers = api_token(client, "admin")
    body = {"code": "soxd", "name": "Sở Xây dựng", "kind": "department", "sort_order": 5.0}
    assert client.post("/api/v1/units", json=body, headers=headers).status_code == 201
    error = _error(client.post("/api/v1/units", json={**body, "code": "sotc", "sort_order": 5.5}, headers=headers),
                   422, "validation_error")
    assert [d["field"] for d in error["details"]] == ["sort_order"]


def test_unauthenticated_api_call_is_a_401(client, people):
    error = _error(client.get("/api/v1/me"), 401, "unauthenticated")
    assert error["message"]
    _error(client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"}), 401, "unauthenticated")


def test_cookie_session_writes_need_the_csrf_header(client, people):
    from tests.fixtures.web import web_login

    web_login(client, "admin")
    body = {"code": "soxd", "name": "Sở Xây dựng", "kind": "department"}
    _error(client.post("/api/v1/units", json=body), 400, "csrf_failed")
    assert client.get("/api/v1/me").status_code == 200  # reads need no token


def test_openapi_document_is_generated_from_the_validating_schemas(client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    token = doc["paths"]["/api/v1/auth/token"]["post"]
    schema_ref = token["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
    assert set(schema["required"]) == {"username", "password"}
    assert schema["additionalProperties"] is False
    assert "/api/v1/units/{unit_id}" in doc["paths"]
    assert doc["paths"]["/api/v1/users"]["get"]["security"]


def test_openapi_document_states_the_rules_the_server_applies(client):
    doc = client.get("/api/openapi.json").get_json()
    unit_id = doc["paths"]["/api/v1/units/{unit_id}"]["get"]["parameters"][0]["schema"]
    assert unit_id == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    token = doc["components"]["schemas"]["TokenRequest"]["properties"]
    assert token["username"]["pattern"] == "^[^\\x00]*$"  # the server refuses NUL characters
    year = doc["paths"]["/api/v1/workdays/{year}"]["get"]["parameters"][0]["schema"]
    assert (year["minimum"], year["maximum"]) == (2000, 2100)
    enums = {tuple(s["enum"]) for name, s in doc["components"]["schemas"].items()
             if name.startswith("Confidentiality")}
    assert enums == {("normal", "confidential"), ("normal", "confidential", "paper_only")}


def test_api_docs_page_is_served_without_cdn(client):
    html = client.get("/api/docs").get_data(as_text=True)
    assert "swagger-ui" in html
    assert "https://" not in html and "http://" not in html
