"""Snippets: where a hit's text is marked (pure functions, no database)."""

from __future__ import annotations

import re

from ecabinet.search.query import ParsedQuery
from ecabinet.search.snippets import snippet


def _marks(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


def test_a_match_only_in_the_title_is_marked_in_the_title():
    shown = snippet(["Thông báo số 12/TB-UBND", "Rà soát kết luận thanh tra"], [["ket"], ["luan"]])
    assert _marks(shown) == ["kết", "luận"] and "Rà soát" in shown


def test_without_any_match_the_body_is_shown_plain():
    assert snippet(["Nội dung", "Tiêu đề"], [["zzz"]]) == "Nội dung"


def test_a_fuzzy_hit_marks_only_the_closest_word_its_text_has():
    query = ParsedQuery(phrases=[], words=[("quyt",), ("dinh",)], expansions={"quyt": ["quyet", "quy"]})
    fuzzy = query.marked(len(query.tiers()) - 1)
    text = "Quy chế mới; quyết định số 5 về quy hoạch"
    assert _marks(snippet([text], fuzzy)) == ["quyết", "định"]
    assert _marks(snippet(["Quy chế định kỳ"], fuzzy)) == ["Quy", "định"]
    assert _marks(snippet([text], query.marked(0))) == ["định"]
