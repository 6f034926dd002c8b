"""Vietnamese first: every string translated, dates dd/mm/yyyy in Asia/Ho_Chi_Minh."""

import re
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from flask import current_app

from ecabinet.accounts.models import User
from ecabinet.core.db import db
from ecabinet.core.i18n import format_date, format_datetime
from ecabinet.materials.models import AgendaItem, Material
from ecabinet.meetings.models import Meeting, MeetingKind, Room
from ecabinet.notices.models import Notice
from ecabinet.org.models import Unit
from ecabinet.tasks import exports
from ecabinet.tasks.models import Task
from tests.fixtures import ROOT
from tests.fixtures.web import web_login

METHODS = [("ecabinet/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}  # as babel.cfg's extraction (-k _l -k lazy_gettext)


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_a_vietnamese_translation():
    with open(ROOT / "ecabinet/translations/vi/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                  if m.id and m.string and not m.fuzzy}
    missing = sorted(_source_messages() - translated)
    assert not missing, f"untranslated into Vietnamese: {missing}"


def test_times_are_shown_in_the_province_zone(app):
    moment = datetime(2026, 12, 31, 18, 30, tzinfo=timezone.utc)  # 01:30 on 1 January in Hà Nội
    with app.app_context():
        assert format_datetime(moment) == "01/01/2027 01:30"
        assert format_date(moment) == "01/01/2027"


def test_pages_are_vietnamese_by_default_and_english_on_request(client, people):
    web_login(client, "pct")
    assert "Trang chủ" in client.get("/").get_data(as_text=True)
    from tests.fixtures.web import csrf_from

    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/lang/en", data={"csrf_token": token, "next": "/"})
    html = client.get("/").get_data(as_text=True)
    assert "Home" in html and "Trang chủ" not in html


def test_no_translation_holds_a_bare_percent_sign():
    """Templates format every translation with ``%``: a lone "%" (as in "(%)") breaks the page with a 500."""
    with open(ROOT / "ecabinet/translations/vi/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    bare = re.compile(r"%(?!\(\w+\)[sd]|%)")
    broken = [m.id for m in catalog if m.id and isinstance(m.string, str) and bare.search(m.string)]
    assert not broken, f"translations with a lone %: {broken}"


# --- the English interface shows Vietnamese only in names and document bodies --------------------------

VIETNAMESE_LETTERS = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)
DEMO_VISITORS = ("admin", "chanhvp", "chuyenvien1", "vanthu", "chutich", "pcamthanh")
NAMED_IN_VIETNAMESE = (
    "Tiếng Việt",  # the language switch names each language in itself
    *exports.COLUMNS, *exports.SOURCE_LABELS.values(), *exports.RECURRENCE_LABELS.values(),  # the task sheet's
    *exports.PRIORITY_LABELS.values(),  # columns and values, which the import page names
    "Công văn số 123/VPCP-KTTH ngày 02/12/2026",  # a document reference, as an example in a form
)
HIDDEN = {"script", "style", "template"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
FIRST_ROW = {"meeting_id": Meeting, "user_id": User, "unit_id": Unit, "room_id": Room, "kind_id": MeetingKind,
             "material_id": Material, "notice_id": Notice, "task_id": Task, "item_id": AgendaItem}


class VisibleText(HTMLParser):
    """The text a reader sees, leaving out scripts and the parts marked ``lang="vi"`` (document bodies)."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self._skipping or tag in HIDDEN or attributes.get("lang") == "vi":
            if tag not in VOID_ELEMENTS:
                self._skipping.append(tag)
            return
        self.pieces += [attributes[name] for name in SHOWN_ATTRIBUTES if attributes.get(name)]

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.pieces.append(" ".join(data.split()))



def _stored_texts() -> list[str]:
    """Every Vietnamese text in the database (names of people, units, meetings, documents; what users wrote),
    longest first."""
    found: set[str] = set()

    def collect(value) -> None:
        if isinstance(value, str) and VIETNAMESE_LETTERS.search(value):
            found.update({value, " ".join(value.split())})
        elif isinstance(value, (list, tuple)):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)

    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            collect(tuple(row))
    return sorted(found, key=len, reverse=True)


def _pages() -> list[str]:
    """Every page a GET reaches: the rules without arguments, and those whose arguments a seeded row fills."""
    first = {name: db.session.scalar(sa.select(model.id).order_by(model.id).limit(1))
             for name, model in FIRST_ROW.items()}
    meeting = db.session.get(Meeting, db.session.scalar(sa.select(Notice.meeting_id).limit(1)))
    first["meeting_id"] = meeting.id
    first["item_id"] = db.session.scalar(sa.select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id).limit(1))
    pages = []
    for rule in current_app.url_map.iter_rules():
        documents = rule.rule.endswith((".pdf", ".xlsx", ".ics"))  # document bodies, in Vietnamese in any language
        if "GET" not in rule.methods or rule.rule.startswith("/api/") or rule.endpoint == "static" or documents:
            continue
        if all(first.get(name) is not None for name in rule.arguments):
            pages.append(rule.build({name: first[name] for name in rule.arguments})[1])
    return sorted(set(pages))


def _interface_vietnamese(text: str, stored: list[str]) -> str:
    """What is left of ``text`` once the stored texts are taken out, if it still has Vietnamese letters."""
    for value in stored:
        if value in text:
            text = text.replace(value, " ")
    for name in NAMED_IN_VIETNAMESE:
        text = text.replace(name, " ")
    return text.strip() if VIETNAMESE_LETTERS.search(text) else ""


def test_the_english_interface_shows_vietnamese_only_in_names_and_documents(app, backend):
    if backend != "sqlite":
        pytest.skip("the words of the pages do not depend on the database")
    assert app.test_cli_runner().invoke(args=["seed-demo", "--without-history"]).exit_code == 0
    with app.app_context():
        stored, pages = _stored_texts(), _pages()
    assert {"/tasks", "/notices", "/meetings", "/admin/users"} <= set(pages) and len(pages) > 35
    leftovers: dict[str, set[str]] = {}
    residue_of: dict[str, str] = {}
    visited = 0
    for username in DEMO_VISITORS:
        client = app.test_client()
        assert web_login(client, username, "demo").status_code == 302
        with client.session_transaction() as session:
            session["lang"] = "en"
        for page in pages:
            response = client.get(page)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            visited += 1
            parser = VisibleText()
            parser.feed(response.get_data(as_text=True))
            for piece in parser.pieces:
                if piece not in residue_of:
                    residue_of[piece] = _interface_vietnamese(piece, stored)
                if residue_of[piece]:
                    leftovers.setdefault(page, set()).add(residue_of[piece])
    assert visited > 100
    assert not leftovers, "Vietnamese in the English interface:\n" + "\n".join(
        f"{page}: {sorted(texts)}" for page, texts in sorted(leftovers.items()))


def test_an_api_client_gets_its_errors_in_the_language_it_asks_for(client, task_factory, task_people):
    task_id = task_factory()
    vietnamese = task_people.headers(client, "office")
    english = {**vietnamese, "Accept-Language": "en-GB,en;q=0.9,vi;q=0.5"}

    def message(path: str, headers: dict, **body) -> str:
        response = client.post(f"/api/v1/tasks/{task_id}/{path}", headers=headers, json={"version": 1, **body})
        assert response.status_code in (409, 422)
        return response.get_json()["error"]["message"]

    assert message("verify", english) == "Cannot verify it done: the task is “Newly assigned”."
    assert message("verify", vietnamese) == "Không thể xác nhận hoàn thành: nhiệm vụ đang ở trạng thái “Mới giao”."
    merge = {"reason": "Trùng lặp", "into_id": task_id}
    assert message("merge", english, **merge) == "A task cannot be merged into itself."
    assert message("merge", {**vietnamese, "Accept-Language": "fr"}, **merge) == "Không thể gộp nhiệm vụ vào chính nó."
