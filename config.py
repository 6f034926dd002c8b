"""Configuration classes for ecabinet.

Every setting can be overridden by an environment variable named ``ECABINET_<SETTING>``
(see the table in README.md). ``create_app`` picks the class named by ``ECABINET_ENV``
(``development`` by default).
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("ECABINET_INSTANCE_DIR", BASE_DIR / "instance"))

DEFAULT_SECRET_KEY = "dev-only-change-me"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"ECABINET_{name}", default)


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    return default if value is None else int(value)


def _tessdata_default() -> str:
    """Where the system's packages put Tesseract's language data (Debian's tesseract-ocr-vie:
    /usr/share/tesseract-ocr/5/tessdata): the first folder holding the Vietnamese data."""
    candidates = [os.environ.get("TESSDATA_PREFIX", ""),
                  *sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True),
                  "/usr/share/tessdata", "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata"]
    found = [path for path in candidates if path and Path(path, "vie.traineddata").is_file()]
    return found[0] if found else "/usr/share/tesseract-ocr/5/tessdata"


class Config:
    """Embedded defaults: one SQLite file and local storage under ``instance/``, no Redis."""

    ENV_NAME = "base"
    SECRET_KEY = _env("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'ecabinet.sqlite3'}")
    STORAGE_DIR = _env("STORAGE_DIR", str(INSTANCE_DIR / "storage"))
    STORAGE_SWEEP_GRACE_SECONDS = _env_int("STORAGE_SWEEP_GRACE_SECONDS", 24 * 3600)
    """The hourly sweep removes temporary files and files no row refers to once they are this old (a younger one
    may belong to a transaction not committed yet; an Excel sheet of tasks waits this long for its confirmation)."""
    REDIS_URL = _env("REDIS_URL")
    REDIS_TIMEOUT_MS = _env_int("REDIS_TIMEOUT_MS", 1000)
    """The longest a publish (a request that announces its change) waits for Redis; then it goes on without."""
    SOCKETIO_ASYNC_MODE = _env("SOCKETIO_ASYNC_MODE", "threading")

    SMTP_HOST = _env("SMTP_HOST", "localhost")
    SMTP_PORT = _env_int("SMTP_PORT", 25)
    SMTP_USERNAME = _env("SMTP_USERNAME")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    SMTP_USE_TLS = _env_bool("SMTP_USE_TLS", False)
    SMTP_SENDER = _env("SMTP_SENDER", "ecabinet@localhost")
    EMAIL_RETRY_HOURS = _env_int("EMAIL_RETRY_HOURS", 48)
    """An e-mail that fails is retried (every 30 minutes at most) for this long after its first attempt."""

    TIMEZONE = _env("TIMEZONE", "Asia/Ho_Chi_Minh")
    BABEL_DEFAULT_LOCALE = _env("DEFAULT_LOCALE", "vi")
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = ("vi", "en")

    API_TOKEN_TTL_SECONDS = _env_int("API_TOKEN_TTL_SECONDS", 8 * 3600)
    SOCKET_RECHECK_SECONDS = _env_int("SOCKET_RECHECK_SECONDS", 5)
    """Every so often each server process checks again every open socket's credential and rooms."""
    LOGIN_FREE_FAILURES = _env_int("LOGIN_FREE_FAILURES", 3)
    LOGIN_BASE_DELAY_SECONDS = _env_int("LOGIN_BASE_DELAY_SECONDS", 5)
    LOGIN_MAX_DELAY_SECONDS = _env_int("LOGIN_MAX_DELAY_SECONDS", 900)
    LOGIN_ACCOUNT_FREE_FAILURES = _env_int("LOGIN_ACCOUNT_FREE_FAILURES", 10)
    """Failed sign-ins to one account from any addresses before it waits (the budget of one address is
    ``LOGIN_FREE_FAILURES``)."""
    LOGIN_ADDRESS_FREE_FAILURES = _env_int("LOGIN_ADDRESS_FREE_FAILURES", 30)
    """Failed sign-ins from one address, whatever the usernames, before it waits."""
    LOGIN_FORGET_SECONDS = _env_int("LOGIN_FORGET_SECONDS", 3600)
    """A budget without a failure for this long counts from zero again."""
    PASSWORD_MIN_LENGTH = _env_int("PASSWORD_MIN_LENGTH", 12)
    """Characters a new password needs at least (existing passwords are not affected)."""
    TWO_FACTOR_REQUIRED_ROLES = _env("TWO_FACTOR_REQUIRED_ROLES", "admin,leader,office_leader")
    """Roles (comma-separated) that must sign in with a second factor: without one, a user is sent to set it up."""
    TWO_FACTOR_PENDING_SECONDS = _env_int("TWO_FACTOR_PENDING_SECONDS", 300)
    """Time between the right password and the code of the authenticator app."""
    TWO_FACTOR_MAX_FAILURES = _env_int("TWO_FACTOR_MAX_FAILURES", 5)
    TWO_FACTOR_FAILURE_WINDOW_SECONDS = _env_int("TWO_FACTOR_FAILURE_WINDOW_SECONDS", 300)
    """After ``TWO_FACTOR_MAX_FAILURES`` wrong codes in this window the account takes no code until it ends."""
    ARGON2_TIME_COST = _env_int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_KIB = _env_int("ARGON2_MEMORY_KIB", 65536)
    MAX_CONTENT_LENGTH = _env_int("MAX_REQUEST_BYTES", 110 * 1024 * 1024)

    SESSION_COOKIE_NAME = "ecabinet_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = _env_int("SESSION_LIFETIME_SECONDS", 12 * 3600)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    DB_POOL_SIZE = _env_int("DB_POOL_SIZE", 10)
    """Connections each server process keeps open to PostgreSQL; beyond them ``DB_POOL_OVERFLOW`` more are opened
    for a burst. Size both so that processes × (size + overflow) stays under PostgreSQL's max_connections."""
    DB_POOL_OVERFLOW = _env_int("DB_POOL_OVERFLOW", 20)
    DB_POOL_TIMEOUT_SECONDS = _env_int("DB_POOL_TIMEOUT_SECONDS", 10)
    """How long a request waits for a free connection before it is answered 503 with Retry-After."""
    DB_LOCK_TIMEOUT_SECONDS = _env_int("DB_LOCK_TIMEOUT_SECONDS", 10)
    """How long a statement waits for a row lock (a register's counter) before the request is answered 503."""
    DB_CONNECT_TIMEOUT_SECONDS = _env_int("DB_CONNECT_TIMEOUT_SECONDS", 5)
    """How long opening a connection to PostgreSQL may take (libpq's ``connect_timeout``, at least 2): a network
    that drops packets fails the request (503) in that time instead of the operating system's minutes."""
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    OFFLOAD_WORKERS = _env_int("OFFLOAD_WORKERS", os.cpu_count() or 2)
    """CPU work one server process runs at once off its event loop, each kind: worker processes for PDF and Excel
    files, threads for password hashing (``ecabinet/core/offload.py``); more waits its turn."""
    RETRY_AFTER_SECONDS = _env_int("RETRY_AFTER_SECONDS", 5)
    """The Retry-After of a 503 answered when the server is overloaded (no free connection, a lock timeout)."""
    HEALTH_REPORT_SECONDS = _env_int("HEALTH_REPORT_SECONDS", 10)
    """How long a process answers ``/healthz`` with the domains' reports it last made (the e-mail outbox's counts)
    before asking the database again; the database itself is checked on every call."""
    DEMO_PASSWORD = _env("DEMO_PASSWORD", "demo")
    PROVINCE_NAME = _env("PROVINCE_NAME", "Quảng Ngãi")
    PUBLIC_URL = _env("PUBLIC_URL")
    """Base address users reach the server at (e.g. https://ecabinet.quangngai.gov.vn), for links in e-mails."""
    PDF_FONT_DIR = _env("PDF_FONT_DIR")
    """Folder of the TTF fonts embedded in generated PDFs (default: static/vendor/fonts)."""
    WEEKLY_SCHEDULE_PUBLISH_HOUR = _env_int("WEEKLY_SCHEDULE_PUBLISH_HOUR", 15)
    MEETING_NOTICE_HOURS = _env_int("MEETING_NOTICE_HOURS", 72)
    """Invitations sent later than this before the meeting are "late": a reason is required and recorded."""
    MEETING_START_REASON_HOURS = _env_int("MEETING_START_REASON_HOURS", 2)
    """Starting a meeting on another day than scheduled, or more than this many hours from its time, needs a reason
    (0: never)."""
    MEETING_UNDO_START_MINUTES = _env_int("MEETING_UNDO_START_MINUTES", 10)
    """An accidental start can be undone this long after it, while no vote, speech or conclusion was recorded."""
    MATERIAL_MAX_BYTES = _env_int("MATERIAL_MAX_BYTES", 100 * 1024 * 1024)
    MATERIAL_MAX_PAGES = _env_int("MATERIAL_MAX_PAGES", 5000)
    TESSDATA_PATH = _env("TESSDATA_PATH") or _tessdata_default()
    """Folder of Tesseract's language data for OCR of scanned materials (found at start among the usual places)."""
    OCR_LANGUAGE = _env("OCR_LANGUAGE", "vie")
    """Tesseract's language (its ``<language>.traineddata`` in ``TESSDATA_PATH``)."""
    OCR_DPI = _env_int("OCR_DPI", 300)
    """Resolution at which a scanned page is rendered for OCR (a very large page at fewer dots)."""
    BRIEFCASE_KEEP_HOURS = _env_int("BRIEFCASE_KEEP_HOURS", 24)
    """A meeting's materials stay in the offline briefcase of the leaders' devices this long after its end."""
    BRIEFCASE_DAYS_AHEAD = _env_int("BRIEFCASE_DAYS_AHEAD", 14)
    """The briefcase holds the meetings starting within this many days."""
    BRIEFCASE_CONFIDENTIAL = _env_bool("BRIEFCASE_CONFIDENTIAL", False)
    """Whether confidential materials (and packs holding them) may be kept offline on devices."""
    SANDBOX_MEMORY_BYTES = _env_int("SANDBOX_MEMORY_BYTES", 2 * 1024 * 1024 * 1024)
    """Address space of the worker process that parses an upload (PDF, Excel): a file needing more is refused."""
    SANDBOX_CPU_SECONDS = _env_int("SANDBOX_CPU_SECONDS", 120)
    """CPU time of that worker (a meeting pack of many large materials is the longest parse)."""
    SANDBOX_TIMEOUT_SECONDS = _env_int("SANDBOX_TIMEOUT_SECONDS", 180)
    """Wall-clock time of that worker, waiting included."""
    MATERIAL_DEADLINE_WORKING_DAYS = _env_int("MATERIAL_DEADLINE_WORKING_DAYS", 5)
    """Default deadline of a material request: this many working days before the meeting's day."""
    MATERIAL_REMINDER_WORKING_DAYS = _env_int("MATERIAL_REMINDER_WORKING_DAYS", 1)
    """The first reminder of an open material request goes out this many working days before its deadline."""
    HSTS_SECONDS = _env_int("HSTS_SECONDS", 0)
    """Strict-Transport-Security's max-age: browsers then reach the server over HTTPS only (0: not sent)."""
    PROXY_HOPS = _env_int("PROXY_HOPS", 0)
    """Reverse proxies in front of the server whose X-Forwarded-For/-Proto/-Host are trusted (1 behind nginx)."""
    LIVE_QUORUM_RATIO = _env("LIVE_QUORUM_RATIO", "2/3")
    """Share of the expected members who must be present for the meeting to have its quorum (a fraction)."""
    OPINION_REMINDER_HOURS = _env_int("OPINION_REMINDER_HOURS", 24)
    """Members who have not answered a written opinion form are reminded this long before its deadline."""
    MINUTES_COALESCE_SECONDS = _env_int("MINUTES_COALESCE_SECONDS", 120)
    """Saves of a minutes section by the same person within this many seconds amend one revision."""
    NOTICE_SYMBOL = _env("NOTICE_SYMBOL", "TB-UBND")
    """The register a conclusion notice takes its number from: "TB-UBND", or the Office's own "TB-VP"."""
    NOTICE_REMINDER_WORKING_DAYS = _env_int("NOTICE_REMINDER_WORKING_DAYS", 2)
    """The secretary is reminded when a meeting's notice is not issued this many working days after it."""
    NOTICE_ESCALATION_WORKING_DAYS = _env_int("NOTICE_ESCALATION_WORKING_DAYS", 3)
    """The office leaders are told when the notice is still not issued this many working days after the meeting."""
    SIGNING_PKCS12_PATH = _env("SIGNING_PKCS12_PATH")
    """A PKCS#12 file (.p12/.pfx) with the Office's certificate and key: issued notices are signed with it."""
    SIGNING_PKCS12_PASSWORD = _env("SIGNING_PKCS12_PASSWORD")
    SIGNING_TRUST_ROOTS = _env("SIGNING_TRUST_ROOTS")
    """A PEM file of the certificate authorities whose signatures on uploaded PDFs are shown as trusted
    (for example the Government's CA, Ban Cơ yếu Chính phủ)."""
    TASK_DUE_SOON_DAYS = _env_int("TASK_DUE_SOON_DAYS", 7)
    """A task not done whose deadline falls within this many days from today is "due soon" (sắp đến hạn)."""
    TASK_REMINDER_WORKING_DAYS = _env_int("TASK_REMINDER_WORKING_DAYS", 3)
    """The lead agency is reminded this many working days before a task's deadline (and again on the day)."""
    TASK_OVERDUE_REMINDER_DAYS = _env_int("TASK_OVERDUE_REMINDER_DAYS", 7)
    """An overdue task is reminded when it falls overdue, then every this many days."""
    TASK_ESCALATION_WORKING_DAYS = _env_int("TASK_ESCALATION_WORKING_DAYS", 5)
    """After this many working days overdue the office leaders and the assigning leader are told (once)."""
    SCHEDULER_IN_PROCESS = _env_bool("SCHEDULER_IN_PROCESS", True)
    """Run the scheduled jobs inside the web server (one process); production runs ``flask scheduler``."""
    PRODUCTION = False


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    # The demo's leaders and admins sign in with the password alone unless this is set (README, two-factor)
    TWO_FACTOR_REQUIRED_ROLES = _env("TWO_FACTOR_REQUIRED_ROLES", "")


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SCHEDULER_IN_PROCESS = False
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", "sqlite://")
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_KIB = 1024  # hashing cost is not what the tests test
    SOCKET_RECHECK_SECONDS = 1
    HEALTH_REPORT_SECONDS = 0  # the outbox tests read the counts right after changing them
    TWO_FACTOR_REQUIRED_ROLES = ""  # the two-factor tests turn it on
    MEETING_START_REASON_HOURS = 0  # the fixtures' meetings have fixed dates; the tests of the rule turn it on


class ProductionConfig(Config):
    ENV_NAME = "production"
    PRODUCTION = True
    SCHEDULER_IN_PROCESS = _env_bool("SCHEDULER_IN_PROCESS", False)
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SOCKETIO_ASYNC_MODE = _env("SOCKETIO_ASYNC_MODE", "gevent")
    HSTS_SECONDS = _env_int("HSTS_SECONDS", 365 * 24 * 3600)


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> type[Config]:
    """The configuration class named ``name`` or by ``ECABINET_ENV``."""
    name = name or os.environ.get("ECABINET_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ValueError(f"unknown ECABINET_ENV {name!r}; expected one of {sorted(CONFIGS)}") from None
