"""ecabinet: the paperless meeting and cabinet server of a provincial People's Committee."""

from __future__ import annotations

import logging
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parent.parent


class StartupRefused(RuntimeError):
    """Production configuration that must not serve: default secret, demo accounts…"""


def _version() -> str:
    try:
        return version("ecabinet")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0.0.0"


def create_app(config: Any = None, **overrides: Any) -> Flask:
    """Build the application.

    ``config`` is a class from ``config.py``, its name ("development", "testing",
    "production") or ``None`` for ``ECABINET_ENV``; ``overrides`` set single keys.
    """
    from ecabinet.core.memory import collector_paused

    with collector_paused():
        return _built_app(config, overrides)


def _built_app(config: Any, overrides: dict[str, Any]) -> Flask:
    from config import DEFAULT_SECRET_KEY, config_for

    from ecabinet.core.clock import CLOCK_OFFSET
    from ecabinet.core.urls import install_converters

    config_cls = config if isinstance(config, type) else config_for(config)
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"),
                instance_path=str(ROOT / "instance"))
    app.cli = _Commands(app.name)
    app.config.from_object(config_cls)
    app.config.update(VERSION=_version(), **overrides)
    if app.config["PRODUCTION"] and app.config["SECRET_KEY"] in (DEFAULT_SECRET_KEY, "", None):
        raise StartupRefused("ECABINET_SECRET_KEY must be set to a long random value in production")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if CLOCK_OFFSET:
        logging.getLogger("ecabinet").warning("the clock is shifted by %s (ECABINET_CLOCK_OFFSET_SECONDS)",
                                              CLOCK_OFFSET)
    _prepare_dirs(app)
    install_converters(app)
    _init_extensions(app)
    _register_blueprints(app)
    _trust_proxies(app)
    if app.config["PRODUCTION"]:
        _refuse_demo_accounts(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind nginx, take the client's address and scheme from the ``PROXY_HOPS`` proxies in front (the audit
    log and the sign-in throttle need the real address); with none, the headers are not trusted at all."""
    hops = app.config["PROXY_HOPS"]
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _prepare_dirs(app: Flask) -> None:
    Path(app.config["STORAGE_DIR"]).mkdir(parents=True, exist_ok=True)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and uri != "sqlite:///:memory:":
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _init_extensions(app: Flask) -> None:
    from ecabinet.accounts import sockets  # noqa: F401  (Socket.IO handlers: imported before socketio.init_app)
    from ecabinet.live import sockets as live_sockets  # noqa: F401
    from ecabinet import models  # noqa: F401  (every table in the metadata, whatever the blueprints import)
    from ecabinet.search import operations  # noqa: F401  (the index follows every commit and bulk rows)
    from ecabinet.accounts.routes import install_login
    from ecabinet.audit.operations import connect_signals
    from ecabinet.core import broker, i18n
    from ecabinet.core.db import db, engine_options
    from ecabinet.core.errors import register_error_handlers
    from ecabinet.core.extensions import babel, csrf, login_manager, socketio
    from ecabinet.core.headers import install_security_headers
    from ecabinet.core.templating import install_template_helpers

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    login_manager.init_app(app)
    install_login(login_manager)
    redis_url = app.config["REDIS_URL"]
    socketio.init_app(app, async_mode=app.config["SOCKETIO_ASYNC_MODE"], manage_session=False,
                      client_manager=broker.RedisQueue(app, redis_url) if redis_url else None)
    register_error_handlers(app)
    install_security_headers(app)
    install_template_helpers(app)
    connect_signals()


PAGE_MODULES = ("accounts.routes", "org.routes", "org.reorganisation.routes", "audit.routes", "schedules.routes",
                "notify.routes",
                "meetings.routes", "materials.routes", "materials.requests.routes", "materials.reader",
                "materials.briefcase.routes",
                "workdays.routes", "live.routes", "live.polls.routes", "minutes.routes", "conclusions.routes",
                "notices.routes", "registers.routes", "signing.routes", "tasks.routes",
                "tasks.statistics.routes", "tasks.importing.routes", "accounts.twofactor.routes", "search.routes",
                "programme.routes", "reports.routes")
API_MODULES = ("accounts.api", "org.api", "org.reorganisation.api", "audit.api", "meetings.api", "schedules.api",
               "materials.api",
               "materials.requests.api", "materials.briefcase.api", "notify.api", "workdays.api", "live.api",
               "live.polls.api", "live.notes.api",
               "minutes.api", "conclusions.api", "notices.api", "registers.api",
               "tasks.api", "tasks.statistics.api", "accounts.twofactor.api", "search.api", "programme.api",
               "reports.api")


def _register_blueprints(app: Flask) -> None:
    from ecabinet import home
    from ecabinet.core import routes as core_routes
    from ecabinet.core.extensions import csrf

    home.install(app)
    app.register_blueprint(core_routes.bp)
    for name in PAGE_MODULES:
        app.register_blueprint(import_module(f"ecabinet.{name}").bp)
    for name in API_MODULES:
        bp = import_module(f"ecabinet.{name}").bp
        csrf.exempt(bp)  # the API checks the X-CSRFToken header itself for cookie sessions
        app.register_blueprint(bp, url_prefix="/api/v1" + (bp.url_prefix or ""))


COMMANDS = {
    "db": "ecabinet.core.migrations:db_command",
    "seed-demo": "ecabinet.demo.cli:seed_demo_command",
    "seed-demo-years": "ecabinet.demo.cli:seed_demo_years_command",
    "scheduler": "ecabinet.scheduler:scheduler_command",
    "backup": "ecabinet.core.backup:backup_command",
    "restore": "ecabinet.core.backup:restore_command",
    "ocr-scans": "ecabinet.materials.cli:ocr_scans_command",
    "search": "ecabinet.search.cli:search_command",
}
"""The application's ``flask`` commands, by the name of the click command that runs each."""


class _Commands(AppGroup):
    """``app.cli`` with ``COMMANDS`` imported when one is run or listed, not when the app is built: a server
    never imports them (the demo's sample PDFs need fpdf2, ``flask db`` Alembic)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            module, _, name = COMMANDS[cmd_name].partition(":")
            self.add_command(getattr(import_module(module), name), cmd_name)
        return super().get_command(ctx, cmd_name)


def _refuse_demo_accounts(app: Flask) -> None:
    import sqlalchemy as sa

    from ecabinet.accounts.operations import demo_accounts_exist
    from ecabinet.core.db import db

    with app.app_context():
        if not sa.inspect(db.engine).has_table("users"):
            return  # not migrated yet: nothing to refuse
        if demo_accounts_exist():
            raise StartupRefused("demo accounts exist; production refuses to start with them")
