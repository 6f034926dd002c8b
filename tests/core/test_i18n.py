"""Vietnamese first: every string translated, dates dd/mm/yyyy in Asia/Ho_Chi_Minh."""

from datetime import datetime, timezone

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from ecabinet.core.i18n import format_date, format_datetime
from tests.conftest import ROOT, web_login

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
    from tests.conftest import csrf_from

    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/lang/en", data={"csrf_token": token, "next": "/"})
    html = client.get("/").get_data(as_text=True)
    assert "Home" in html and "Trang chủ" not in html


def test_no_translation_holds_a_bare_percent_sign():
    """Templates format every translation with ``%``: a lone "%" (as in "(%)") breaks the page with a 500."""
    import re

    with open(ROOT / "ecabinet/translations/vi/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    bare = re.compile(r"%(?!\(\w+\)[sd]|%)")
    broken = [m.id for m in catalog if m.id and isinstance(m.string, str) and bare.search(m.string)]
    assert not broken, f"translations with a lone %: {broken}"
