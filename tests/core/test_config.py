"""Configuration: embedded defaults, environment overrides, production refusals."""

import subprocess
import sys

import pytest

from config import DevelopmentConfig, config_for
from ecabinet import StartupRefused, create_app
from tests.fixtures import ROOT


def test_embedded_default_is_one_sqlite_file_under_instance():
    assert DevelopmentConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert DevelopmentConfig.SQLALCHEMY_DATABASE_URI.endswith("instance/ecabinet.sqlite3")
    assert DevelopmentConfig.STORAGE_DIR.endswith("instance/storage")
    assert DevelopmentConfig.REDIS_URL is None


def test_unknown_environment_is_refused():
    with pytest.raises(ValueError, match="unknown ECABINET_ENV"):
        config_for("staging")


def test_environment_variables_override_the_defaults(tmp_path):
    code = "from config import config_for; c = config_for(); print(c.SQLALCHEMY_DATABASE_URI, c.REDIS_URL, c.ENV_NAME)"
    env = {"ECABINET_ENV": "production", "ECABINET_DATABASE_URL": "postgresql+psycopg://u@h/db",
           "ECABINET_REDIS_URL": "redis://127.0.0.1:6379/0", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["postgresql+psycopg://u@h/db", "redis://127.0.0.1:6379/0", "production"]


def test_tesseract_data_is_found_where_the_system_put_it_unless_set(tmp_path):
    (tmp_path / "vie.traineddata").write_bytes(b"")
    code = "from config import Config; print(Config.TESSDATA_PATH)"

    def tessdata(**env: str) -> str:
        return subprocess.run([sys.executable, "-c", code], env={"PATH": "/usr/bin:/bin", **env}, cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()

    assert tessdata(TESSDATA_PREFIX=str(tmp_path)) == str(tmp_path)
    assert tessdata(TESSDATA_PREFIX=str(tmp_path), ECABINET_TESSDATA_PATH="/srv/tessdata") == "/srv/tessdata"
    assert tessdata(TESSDATA_PREFIX=str(tmp_path / "elsewhere")).endswith("/tessdata")


def test_production_refuses_the_default_secret_key(tmp_path):
    with pytest.raises(StartupRefused, match="SECRET_KEY"):
        create_app("production", SECRET_KEY="dev-only-change-me", STORAGE_DIR=str(tmp_path),
                   SQLALCHEMY_DATABASE_URI="sqlite://")


def test_production_refuses_demo_accounts(app, database_url, tmp_path):
    from ecabinet.core.db import db
    from ecabinet.demo import operations as demo

    with app.app_context():
        demo.seed("demo")
        db.session.commit()
    with pytest.raises(StartupRefused, match="demo accounts"):
        create_app("production", SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI=database_url,
                   STORAGE_DIR=str(tmp_path))


def test_production_starts_with_a_real_secret_and_no_demo_accounts(app, database_url, tmp_path):
    prod = create_app("production", SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI=database_url,
                      STORAGE_DIR=str(tmp_path))
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    assert prod.test_client().get("/healthz").status_code == 200


def test_forwarded_addresses_are_trusted_only_behind_the_configured_proxies():
    from flask import request

    seen = []
    for hops in (0, 1):
        app = create_app("testing", PROXY_HOPS=hops)
        app.add_url_rule("/whoami", "whoami", lambda: seen.append((request.remote_addr, request.scheme)) or "")
        app.test_client().get("/whoami", headers={"X-Forwarded-For": "10.1.2.3", "X-Forwarded-Proto": "https"})
    assert seen == [("127.0.0.1", "http"), ("10.1.2.3", "https")]
