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
    _error(client.put(TOKEN_URL, json={}), 405, "method_not_allowed")


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


def test_api_docs_page_is_served_without_cdn(client):
    html = client.get("/api/docs").get_data(as_text=True)
    assert "swagger-ui" in html
    assert "https://" not in html and "http://" not in html
