"""Item 14 of issue 14: a new password is long enough, not a common one, not the username, not the current one."""

import pytest

from tests.fixtures.web import PASSWORD, api_token, ok, web_login

NEW_USER = {"username": "nguyenvanthanh", "full_name": "Nguyễn Văn Thành", "unit_id": 1, "roles": ["viewer"]}

REFUSED_NEW_PASSWORDS = [
    ("mat-khau-11", "ít nhất 12 ký tự"),           # 11 characters
    ("1qaz2wsx3edc", "mật khẩu phổ biến"),         # zxcvbn's list of common passwords
    ("Password1234", "mật khẩu phổ biến"),         # in the list whatever its case
    ("QWERTYUIOP123", "mật khẩu phổ biến"),
    (PASSWORD, "khác mật khẩu hiện tại"),          # the current one
]


def test_own_password_rules(client, people):
    headers = api_token(client, "pct")
    for new_password, message in REFUSED_NEW_PASSWORDS:
        response = client.post("/api/v1/me/password", headers=headers,
                               json={"current_password": PASSWORD, "new_password": new_password})
        error = response.get_json()["error"]
        assert response.status_code == 422 and error["code"] == "weak_password", new_password
        assert error["details"][0]["field"] == "new_password" and message in error["message"], error
    good = client.post("/api/v1/me/password", headers=headers,
                       json={"current_password": PASSWORD, "new_password": "Sông Trà Khúc 2026"})
    assert good.status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # the token in use stays valid
    api_token(client, "pct", "Sông Trà Khúc 2026")


@pytest.mark.parametrize("password", ["NguyenVanThanh", " nguyenvanthanh", "matkhau", "qwerty123456"])
def test_a_new_user_needs_a_strong_password(client, people, password):
    headers = api_token(client, "admin")
    response = client.post("/api/v1/users", headers=headers, json={**NEW_USER, "password": password})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "weak_password"


def test_an_admin_reset_follows_the_rules(client, people):
    headers = api_token(client, "admin")
    created = ok(client.post("/api/v1/users", headers=headers, json={**NEW_USER, "password": "Núi Ấn Sông Trà"}), 201)
    for password in ("Núi Ấn Sông Trà", "nguyenvanthanh", "short-one"):
        response = client.post(f"/api/v1/users/{created['id']}/password", headers=headers,
                               json={"new_password": password})
        assert response.status_code == 422, password
    assert client.post(f"/api/v1/users/{created['id']}/password", headers=headers,
                       json={"new_password": "Ba Làng An 2026"}).status_code == 204


def test_the_password_page_shows_the_rules_in_vietnamese(client, people):
    web_login(client, "pct")
    page = client.get("/account/password").get_data(as_text=True)
    assert "Ít nhất 12 ký tự, không phải mật khẩu phổ biến" in page
