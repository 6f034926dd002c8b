"""A confidential material's title reaches its named readers only: every page and GET endpoint of the app, as
each demo account, after the activity that could surface it (the upload, the readers named, the publication and
its notifications and e-mails, a new version, reads, a private note, the meeting pack). PDF and Excel answers are
scanned by their text. One seeded demo per database, one app."""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO

import docx
import openpyxl
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from ecabinet.accounts.models import User
from ecabinet.core.clock import local_date, utcnow
from ecabinet.core.db import db
from ecabinet.demo.operations import demo_logins
from ecabinet.materials.models import AgendaItem
from ecabinet.meetings.models import Meeting
from ecabinet.notify.models import EmailDelivery, Notification
from tests.fixtures import pdfs
from tests.fixtures.browser import DEMO_MEETING, DEMO_PASSWORD, DEMO_SECRETARY
from tests.fixtures.materials import build_packs, publish, upload
from tests.fixtures.web import api_token, ok, web_login

MARKER = "ZQXMARKER7731"
NAMED_READER = "pct3"
"""Named by the secretariat; the meeting's secretary (the demo secretary) stays a reader. The chair is not one."""
READERS = {NAMED_READER, DEMO_SECRETARY}
MISSPELT = MARKER[:-2] + MARKER[-1] + MARKER[-2]
SEARCHES = (f"/search?q={MISSPELT}", f"/api/v1/search?q={MISSPELT}", f"/api/v1/search?q={MISSPELT}&kind=material")
"""The search for the title's word, misspelt (the query itself is shown) and so found as a close word: its hits,
snippets and counts."""
MAIN_PAGES = ("/meetings/{meeting}/agenda", "/materials/{material}/read", "/api/v1/meetings/{meeting}/materials",
              "/api/v1/materials/{material}", "/api/v1/meetings/{meeting}/pack.pdf", *SEARCHES)
"""Where every reader must find the title (and the named reader in its notifications too): the scan can fail."""
SKIPPED = {"/healthz", "/login", "/api/docs", "/api/openapi.json"}
EXPORT_READERS = READERS | {"admin", "chutich", "chanhvp", "chuyenvien2", "sotc"}
"""Who the PDF, Excel and Word answers are scanned for (each costs a second on the demo): the readers and a non-reader
of each kind that sees the meeting (administrator, chair, office leader, secretariat, invited agency)."""
PARAMETER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
EXPORT = re.compile(r"\.(pdf|xlsx|docx)$|/pdf$|/file$|/attachments/")


@dataclass(frozen=True)
class Planted:
    meeting: int
    material: int
    item: int
    note: int
    reader_ids: set[int]


def _first_id(model) -> int:
    return db.session.scalar(sa.select(sa.func.min(model.id))) or 1


@pytest.fixture
def planted(app, client, backend) -> Planted:
    if backend != "sqlite":
        pytest.skip("the scan's cost (half a minute of requests) is spent once; the rule is the same SQL on both")
    seeded = app.test_cli_runner().invoke(args=["seed-demo", "--without-history"])
    assert seeded.exit_code == 0, seeded.output
    with app.app_context():
        meeting = db.session.scalar(sa.select(Meeting.id).where(Meeting.title == DEMO_MEETING))
        item = db.session.scalar(sa.select(sa.func.min(AgendaItem.id)).where(AgendaItem.meeting_id == meeting))
        reader = db.session.scalar(sa.select(User.id).where(User.username == NAMED_READER))
    secretary = api_token(client, DEMO_SECRETARY, DEMO_PASSWORD)
    material = ok(upload(client, secretary, meeting, pdfs.text_pdf(2, seed=31), agenda_item_id=str(item),
                         title=f"Phương án nhân sự {MARKER}", confidentiality="confidential",
                         reader_ids=str(reader)), 201)
    publish(client, secretary, meeting, note="Tài liệu phiên họp")
    ok(client.post(f"/api/v1/materials/{material['id']}/versions", headers=secretary,
                   content_type="multipart/form-data",
                   data={"file": (BytesIO(pdfs.text_pdf(2, seed=32)), "ban-moi.pdf")}), 201)
    named = api_token(client, NAMED_READER, DEMO_PASSWORD)
    assert client.get(f"/api/v1/materials/{material['id']}/file", headers=named).status_code == 200
    note = ok(client.post(f"/api/v1/materials/{material['id']}/notes", headers=named,
                          json={"page": 1, "text": "Cần xem lại"}), 201)
    build_packs(app)
    return Planted(meeting, material["id"], item, note["id"], {r["id"] for r in material["readers"]})


def _filled(app, planted: Planted) -> dict[str, str]:
    """A value for every path parameter of the app: the planted objects, else the demo's first of its kind."""
    from ecabinet.live.models import OpinionPoll
    from ecabinet.meetings.models import MeetingKind, Room
    from ecabinet.minutes.models import MinutesSection
    from ecabinet.notices.models import Notice
    from ecabinet.org.models import Unit
    from ecabinet.org.reorganisation.models import Reorganisation
    from ecabinet.tasks.models import ReportAttachment, Task

    with app.app_context():
        today = local_date(utcnow())
        reader = min(planted.reader_ids)
        firsts = {name: _first_id(model) for name, model in (
            ("unit_id", Unit), ("kind_id", MeetingKind), ("room_id", Room), ("section_id", MinutesSection),
            ("notice_id", Notice), ("poll_id", OpinionPoll), ("task_id", Task), ("attachment_id", ReportAttachment),
            ("reorganisation_id", Reorganisation))}
    return {**firsts, "meeting_id": planted.meeting, "material_id": planted.material, "item_id": planted.item,
            "note_id": planted.note, "user_id": reader, "year": today.year, "week": today.isoformat(), "token": "x"}


def _urls(app, planted: Planted) -> list[str]:
    values = _filled(app, planted)
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.rule.startswith("/static") and rule.rule not in SKIPPED:
            if rule.rule.startswith("/api/") or not _export(rule.rule):  # a page's export has its twin in the API
                urls.add(PARAMETER.sub(lambda m: str(values[m.group(1)]), rule.rule))
    return sorted(urls) + ["/api/v1/audit?per_page=500", "/admin/audit?entity_type=materials", *SEARCHES]


def _export(url: str) -> bool:
    return EXPORT.search(url) is not None


def _text(response) -> str:
    """What a person could read in the answer: a PDF's, a workbook's and a Word document's text too."""
    data = response.get_data()
    if data.startswith(b"%PDF"):
        return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    if data.startswith(b"PK") and "wordprocessingml" in response.content_type:
        document = docx.Document(BytesIO(data))
        cells = (cell.text for table in document.tables for row in table.rows for cell in row.cells)
        return "\n".join([*(paragraph.text for paragraph in document.paragraphs), *cells])
    if data.startswith(b"PK"):
        book = openpyxl.load_workbook(BytesIO(data), read_only=True)
        return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
    return data.decode("utf-8", "replace")


def test_every_get_route_is_scanned(app):
    """The OpenAPI operations are a subset of the app's routes, which the scan walks."""
    spec = app.test_client().get("/api/openapi.json").get_json()
    routes = {PARAMETER.sub(r"{\1}", r.rule) for r in app.url_map.iter_rules() if "GET" in r.methods}
    assert {path for path, ops in spec["paths"].items() if "get" in ops} <= routes


@pytest.mark.long
def test_a_confidential_title_reaches_its_named_readers_only(app, planted):
    urls = _urls(app, planted)
    seen: dict[str, list[str]] = {}
    for username, _title in demo_logins():
        web = app.test_client()
        assert web_login(web, username, DEMO_PASSWORD).status_code == 302
        seen[username] = [url for url in urls if (username in EXPORT_READERS or not _export(url))
                          and MARKER in _text(web.get(url))]
    leaks = {name: found for name, found in seen.items() if found and name not in READERS}
    assert not leaks
    main = {page.format(meeting=planted.meeting, material=planted.material) for page in MAIN_PAGES}
    for reader in READERS:
        assert main - set(seen[reader]) == set(), reader
    assert "/notifications" in seen[NAMED_READER]
    with app.app_context():
        told = set(db.session.scalars(sa.select(Notification.user_id).where(
            sa.or_(Notification.subject.contains(MARKER), Notification.body.contains(MARKER)))))
        mailed = set(db.session.scalars(sa.select(EmailDelivery.to_address).join(Notification).where(
            sa.or_(Notification.subject.contains(MARKER), Notification.body.contains(MARKER)))))
        reader_mail = set(db.session.scalars(sa.select(User.email).where(User.id.in_(planted.reader_ids))))
    assert told and told <= planted.reader_ids and mailed <= reader_mail
