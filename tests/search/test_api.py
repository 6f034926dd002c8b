"""``GET /api/v1/search`` on the demo province: each bad parameter is refused naming it, a query without diacritics
answers highlighted hits that link to their pages, a kind narrows the hits but not the counts, and an agency's
liaison finds less than the Office, every hit one it may open (the engine's own tests go through every role). The
search page, without a script: its pages keep the kinds asked, and a bad filter is said in Vietnamese."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.fixtures.web import web_login

OFFICE = "chuyenvien1"
LIAISON = "xbinhson"
HIT_FIELDS = {"kind", "id", "title", "snippet", "url", "date", "page", "meeting_title"}


@pytest.fixture(scope="module")
def search(demo_province):
    client = demo_province.app.test_client()

    def get(username: str = OFFICE, **params):
        return client.get("/api/v1/search", query_string=params, headers=demo_province.token(username))

    return get


def test_each_bad_parameter_is_refused_naming_it(search):
    cases = [({}, "q"), ({"q": ""}, "q"), ({"q": "   "}, "q"), ({"q": "x" * 201}, "q"), ({"q": "a\x00"}, "q"),
             ({"q": "a", "kind": "meetings"}, "kind"), ({"q": "a", "date_from": "2026-13-01"}, "date_from"),
             ({"q": "a", "date_to": "31/02/2026"}, "date_to"), ({"q": "a", "page": "0"}, "page"),
             ({"q": "a", "per_page": "51"}, "per_page"), ({"q": "a", "agency_id": "-1"}, "agency_id")]
    wrong = []
    for params, field in cases:
        response = search(**params)
        error = response.get_json()["error"]
        named = {str(detail["field"]).split(".")[0] for detail in error["details"] or ()}
        if (response.status_code, error["code"]) != (422, "validation_error") or field not in named:
            wrong.append((params, response.status_code, error))
    assert wrong == []

    reversed_period = search(q="a", date_from="2026-12-31", date_to="2026-01-01")
    assert reversed_period.status_code == 422
    assert reversed_period.get_json()["error"]["code"] == "date_range_reversed"
    assert reversed_period.get_json()["error"]["details"][0]["field"] == "date_to"


def test_signing_in_is_required(demo_province):
    response = demo_province.app.test_client().get("/api/v1/search?q=ket+luan")
    assert response.status_code == 401


def test_a_query_without_diacritics_answers_highlighted_hits_linking_to_their_pages(search):
    body = search(q="dau tu", per_page="50").get_json()
    hits = body["hits"]
    assert hits and body["total"] >= len(hits) and body["query"]["q"] == "dau tu"
    assert all(set(hit) == HIT_FIELDS for hit in hits)
    assert all(hit["url"].startswith("/") for hit in hits) and any("<mark>" in hit["snippet"] for hit in hits)
    kinds = sorted({hit["kind"] for hit in hits})
    assert len(kinds) > 1, kinds

    narrowed = search(q="dau tu", kind=kinds[:2], per_page="50").get_json()
    assert narrowed["hits"] and {hit["kind"] for hit in narrowed["hits"]} <= set(kinds[:2])
    assert narrowed["total"] == sum(narrowed["counts"].get(kind, 0) for kind in kinds[:2]) < body["total"]
    assert narrowed["counts"] == body["counts"]  # every kind counted, whatever kinds were asked


def test_a_liaison_finds_less_than_the_office_and_may_open_every_hit(demo_province, search):
    office = search(q="dau tu", per_page="50").get_json()
    liaison = search(LIAISON, q="dau tu", per_page="50").get_json()
    assert 0 < liaison["total"] < office["total"]
    assert all(liaison["counts"].get(kind, 0) <= count for kind, count in office["counts"].items())

    pages = demo_province.app.test_client()
    assert web_login(pages, LIAISON, "demo").status_code == 302
    refused = [(hit["kind"], hit["url"], status) for hit in liaison["hits"][:20]
               if (status := pages.get(hit["url"]).status_code) != 200]
    assert refused == []


def test_the_page_keeps_the_kinds_across_its_pages_and_says_a_bad_date_in_vietnamese(demo_province):
    pages = demo_province.app.test_client()
    assert web_login(pages, OFFICE, "demo").status_code == 302
    html = pages.get("/search?q=dau+tu&kind=meeting&kind=task&per_page=2").get_data(as_text=True)
    links = [urlsplit(href.replace("&amp;", "&")) for href in re.findall(r'class="page-link" href="([^"]+)"', html)]
    assert links and all(parse_qs(link.query)["kind"] == ["meeting", "task"] for link in links)
    assert 'id="search-agency"' in html and 'id="search-leader"' in html

    refused = pages.get("/search?q=dau+tu&date_from=32/01/2026").get_data(as_text=True)
    assert "Nhập ngày theo dạng dd/mm/yyyy." in refused and 'id="search-hits"' not in refused
