"""Search over the demo province with the corpus reports as materials' pages, on SQLite and PostgreSQL: every
Vietnamese variant finds its passage, the policy filters every hit and count, the index follows each commit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.conclusions.models import Conclusion, Directive
from ecabinet.core.clock import local_date, utcnow
from ecabinet.core.db import db
from ecabinet.demo.pdfs import CORPUS_DIR
from ecabinet.materials.models import Confidentiality, Material, MaterialPublication, MaterialVersion, TextStatus
from ecabinet.meetings.models import Confidentiality as MeetingConfidentiality
from ecabinet.meetings.models import Meeting
from ecabinet.minutes.models import Minutes, MinutesSection
from ecabinet.notices.models import Notice
from ecabinet.policy import Action, allowed
from ecabinet.search.engines import engine_for
from ecabinet.search.folding import fold
from ecabinet.search.models import SearchEntry, SearchKind
from ecabinet.search.operations import search
from ecabinet.search.schemas import SearchQuery, SearchResults
from ecabinet.tasks.models import ProgressReport, Task
from tests.fixtures.demo import DemoProvince, rolling_back

MARKER = "zorblaxite"
"""A word of nothing but the restricted rows planted below."""
LINES_PER_PAGE = 40
OFFICE = "chanhvp"
READER = "chutich"
"""The only named reader of the confidential material."""
REPORTS = ("quang-ngai-2019", "quang-ngai-2021", "quang-ngai-2021-chuc-nang", "quang-ngai-2023-ocr", "vinh-phuc-2022")


@dataclass
class Planted:
    corpus: dict[str, int] = field(default_factory=dict)
    """Material id by corpus file."""
    restricted: list[tuple[SearchKind, Any]] = field(default_factory=list)


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _pages(name: str) -> str:
    lines = (CORPUS_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return "\f".join("\n".join(lines[start:start + LINES_PER_PAGE]) for start in range(0, len(lines), LINES_PER_PAGE))


def _material(meeting: Meeting, title: str, text: str, publication: MaterialPublication, **fields) -> Material:
    author = _user("chuyenvien1")
    material = Material(meeting=meeting, title=title, created_by_id=author.id, publication=publication, **fields)
    material.versions.append(MaterialVersion(number=1, sha256="0" * 64, size=1, page_count=text.count("\f") + 1,
                                             filename=f"{title}.pdf", uploaded_by_id=author.id,
                                             uploaded_at=utcnow(), text=text, text_status=TextStatus.DONE))
    db.session.add(material)
    return material


def _plant() -> Planted:
    """The corpus reports as published materials of the demo's first meeting (as text extraction records them),
    and the marker in a confidential material, a confidential meeting with its agenda's conclusion, a directive
    and a draft notice, the minutes of a meeting, and one agency's task with its report."""
    planted = Planted()
    meeting = db.session.get(Meeting, 1)
    publication = db.session.scalar(sa.select(MaterialPublication).where(MaterialPublication.meeting_id == 1))
    for name in REPORTS:
        planted.corpus[name] = _material(meeting, f"Báo cáo {name}", _pages(name), publication)
    secret = _material(meeting, f"Phương án nhân sự {MARKER}", f"Trang một\fNội dung {MARKER} mật",
                       publication, confidentiality=Confidentiality.CONFIDENTIAL, readers=[_user(READER)])
    closed = Meeting(title=f"Họp kín về {MARKER}", kind_id=meeting.kind_id, chair_id=_user(READER).id,
                     created_by_id=_user("chuyenvien1").id, starts_at=meeting.starts_at + timedelta(days=3),
                     ends_at=meeting.ends_at + timedelta(days=3), confidentiality=MeetingConfidentiality.CONFIDENTIAL)
    conclusion = Conclusion(meeting=closed, position=1, text=f"Kết luận {MARKER}", created_by_id=closed.created_by_id)
    conclusion.directives.append(Directive(position=1, content=f"Giao {MARKER}", lead_unit_id=_unit("pcamthanh")))
    notice = Notice(meeting=closed, summary=f"Thông báo {MARKER}")
    minutes = Minutes(meeting=db.session.get(Meeting, 2))
    minutes.sections.append(MinutesSection(position=1, title="Khai mạc", text=f"Ghi chép {MARKER}"))
    task = Task(content=f"Nhiệm vụ {MARKER}", lead_unit_id=_unit("sotc"), source_reference="Thông báo số 15/TB-UBND")
    db.session.add_all([closed, conclusion, notice, minutes, task])
    db.session.flush()
    report = ProgressReport(task_id=task.id, unit_id=task.lead_unit_id, author_id=_user("sotc").id,
                            text=f"Báo cáo {MARKER}", percent=50, created_at=utcnow())
    db.session.add(report)
    db.session.commit()
    planted.corpus = {name: material.id for name, material in planted.corpus.items()}
    planted.restricted = [(SearchKind.MATERIAL, secret.id), (SearchKind.MEETING, closed.id),
                          (SearchKind.CONCLUSION, conclusion.id), (SearchKind.DIRECTIVE, conclusion.directives[0].id),
                          (SearchKind.NOTICE, notice.id), (SearchKind.MINUTES, minutes.id), (SearchKind.TASK, task.id),
                          (SearchKind.TASK_REPORT, report.id)]
    return planted


def _unit(liaison: str) -> int:
    return _user(liaison).unit_id


@pytest.fixture(scope="module")
def province(demo_province: DemoProvince) -> Iterator[DemoProvince]:
    with demo_province.app.app_context():
        demo_province.planted = _plant()
    with rolling_back(demo_province):
        yield demo_province


def _search(username: str, q: str, **fields) -> SearchResults:
    return search(_user(username), SearchQuery(q=q, per_page=50, **fields))


def _text(snippet: str) -> str:
    return fold(re.sub(r"</?mark>", "", snippet))


def _corpus_hits(results: SearchResults, planted: Planted) -> dict[int, Any]:
    ids = set(planted.corpus.values())
    return {hit.id: hit for hit in results.hits if hit.kind == SearchKind.MATERIAL and hit.id in ids}


@pytest.mark.parametrize(("query", "report", "passage"), [
    ("ket luan", "quang-ngai-2019", "ket luan"),
    ("két luan", "quang-ngai-2021", "ket luan"),
    ("kết luận", "quang-ngai-2023-ocr", "ket luan"),
    ("Quyét dinh", "vinh-phuc-2022", "quyet dinh"),
    ("quyết định", "quang-ngai-2023-ocr", "quyet dinh"),
    ("đinh quyet", "quang-ngai-2019", "quyet dinh"),
    ("quyt dinh", "quang-ngai-2021", "quyet dinh"),
    ("ket luân", "quang-ngai-2023-ocr", "ket luan"),
    ("695/QĐ-UBND", "quang-ngai-2021-chuc-nang", "695/qd-ubnd"),
])
def test_every_variant_finds_its_passage(province, query, report, passage):
    """Without or with other diacritics, đ as d, a letter missing, a document number as typed: the report's page
    with the passage is found, the passage marked, and the reader opens at that page."""
    with province.app.app_context():
        hits = _corpus_hits(_search(OFFICE, query), province.planted)
        hit = hits.get(province.planted.corpus[report])
        assert hit is not None, f"{query!r} did not find {report}"
        assert passage in _text(hit.snippet) and "<mark>" in hit.snippet
        assert hit.page is not None and hit.url == f"/materials/{hit.id}/read?page={hit.page}"
        assert hit.meeting_title == db.session.get(Meeting, 1).title


def test_a_quoted_phrase_matches_only_as_a_phrase_and_the_phrase_ranks_first(province):
    with province.app.app_context():
        loose = _search(OFFICE, "luan ket")
        quoted = _search(OFFICE, '"luan ket"')
        phrase_first = _search(OFFICE, "ket luan")
    assert quoted.total < loose.total
    first = phrase_first.hits[0]
    assert "ket luan" in re.sub(r"\s+", " ", _text(first.snippet))


def test_a_longer_phrase_needs_its_words_in_a_row_not_only_its_pairs(province):
    """One task has the pairs of "plimvo trolex quandar" apart, one the phrase across a line: only the second
    matches it; a task's content and its source do not join into a phrase that is in neither."""
    with province.app.app_context(), province.rolled_back():
        apart = Task(content="Xây dựng plimvo trolex; trolex quandar", lead_unit_id=_unit("sotc"))
        in_a_row = Task(content="Kế hoạch plimvo\ntrolex quandar", lead_unit_id=_unit("sotc"),
                        source_reference="Văn bản vexmor")
        db.session.add_all([apart, in_a_row])
        db.session.commit()
        tasks = [SearchKind.TASK]
        assert [hit.id for hit in _search(OFFICE, '"plimvo trolex quandar"', kinds=tasks).hits] == [in_a_row.id]
        assert {hit.id for hit in _search(OFFICE, '"plimvo trolex"', kinds=tasks).hits} == {apart.id, in_a_row.id}
        assert _search(OFFICE, '"quandar van"', kinds=tasks).total == 0
        assert _search(OFFICE, '"quandar van ban"', kinds=tasks).total == 0


def test_a_phrase_deep_in_a_long_material_is_found(province):
    """Past the 16,384th word (where PostgreSQL's positions end) and after a word said 300 times."""
    filler = " ".join(["ngân sách"] * 300 + [f"mục {n}" for n in range(9000)])
    with province.app.app_context(), province.rolled_back():
        meeting = db.session.get(Meeting, 1)
        publication = db.session.scalar(sa.select(MaterialPublication).where(MaterialPublication.meeting_id == 1))
        long = _material(meeting, "Báo cáo dài", f"{filler}\fQuyết định số 731/QĐ-UBND về plimvo trolex quandar",
                         publication)
        db.session.commit()
        for query in ('"plimvo trolex quandar"', "731/QĐ-UBND", '"ngân sách mục 0"'):
            assert [hit.id for hit in _search(OFFICE, query, kinds=[SearchKind.MATERIAL]).hits] == [long.id], query


def test_a_document_number_is_found_as_typed(province):
    with province.app.app_context():
        found = _search(OFFICE, "15/TB-UBND", kinds=[SearchKind.TASK])
        assert [hit.id for hit in found.hits] == [province.planted.restricted[6][1]]
        assert _search(OFFICE, "15/TB-VP", kinds=[SearchKind.TASK]).total == 0


def test_filters_by_kind_date_agency_and_leader(province):
    with province.app.app_context():
        meeting = db.session.get(Meeting, 1)
        day = local_date(meeting.starts_at)
        everything = _search(OFFICE, "quyet dinh")
        materials = _search(OFFICE, "quyet dinh", kinds=[SearchKind.MATERIAL])
        assert {hit.kind for hit in materials.hits} == {SearchKind.MATERIAL}
        assert materials.counts == everything.counts and materials.total == everything.counts[SearchKind.MATERIAL]
        assert _corpus_hits(_search(OFFICE, "quyet dinh", date_from=day, date_to=day), province.planted)
        assert not _corpus_hits(_search(OFFICE, "quyet dinh", date_from=day + timedelta(days=1)), province.planted)
        assert _corpus_hits(_search(OFFICE, "quyet dinh", leader_id=meeting.chair_id), province.planted)
        assert not _corpus_hits(_search(OFFICE, "quyet dinh", leader_id=_user("pct3").id), province.planted)
        tasks = [SearchKind.TASK]
        assert _search(OFFICE, MARKER, kinds=tasks, agency_id=_unit("sotc")).total == 1
        assert _search(OFFICE, MARKER, kinds=tasks, agency_id=_unit("pcamthanh")).total == 0


def test_a_report_of_hundreds_of_pages_is_one_hit_at_its_best_page(province):
    with province.app.app_context():
        results = _search(OFFICE, "quyet dinh")
        ids = [hit.id for hit in results.hits if hit.kind == SearchKind.MATERIAL]
        assert len(ids) == len(set(ids))
        assert results.counts[SearchKind.MATERIAL] == len(ids)


ACTIONS = {SearchKind.MATERIAL: (Action.VIEW_MATERIAL, Material), SearchKind.MEETING: (Action.VIEW_MEETING, Meeting),
           SearchKind.CONCLUSION: (Action.VIEW_MEETING, Conclusion),
           SearchKind.DIRECTIVE: (Action.VIEW_MEETING, Directive), SearchKind.NOTICE: (Action.VIEW_NOTICE, Notice),
           SearchKind.MINUTES: (Action.VIEW_MINUTES, Minutes), SearchKind.TASK: (Action.VIEW_TASK, Task),
           SearchKind.TASK_REPORT: (Action.VIEW_TASK, ProgressReport)}
"""The per-object rule of each kind, and the model of its rows."""


def _target(kind: SearchKind, source_id: int) -> Any:
    """What the policy's per-object rule of ``kind`` is asked about."""
    row = db.session.get(ACTIONS[kind][1], source_id)
    if kind in (SearchKind.CONCLUSION, SearchKind.MINUTES):
        return row.meeting
    if kind == SearchKind.DIRECTIVE:
        return row.conclusion.meeting
    if kind == SearchKind.TASK_REPORT:
        return db.session.get(Task, row.task_id)
    return row


def test_the_marker_shows_only_where_the_policy_lets_each_demo_account_see(province):
    """Over every account: the hits and counts of the restricted rows are exactly those the per-object rules
    allow; the confidential material only for its reader, nowhere else (title, snippet, count)."""
    seen_by = {}
    with province.app.app_context():
        for user in db.session.scalars(sa.select(User)):
            expected: dict[SearchKind, set[int]] = {}
            for kind, source_id in province.planted.restricted:
                if allowed(user, ACTIONS[kind][0], _target(kind, source_id)):
                    expected.setdefault(kind, set()).add(source_id)
            results = search(user, SearchQuery(q=MARKER, per_page=50))
            found: dict[SearchKind, set[int]] = {}
            for hit in results.hits:
                found.setdefault(hit.kind, set()).add(hit.id)
            assert found == expected, user.username
            assert results.counts == {kind: len(expected.get(kind, ())) for kind in SearchKind}, user.username
            seen_by[user.username] = found
        for username in (OFFICE, "sotc", "soct"):  # the misspelt marker finds no more than the marker
            fuzzy = _search(username, "zorblaxit")
            assert fuzzy.hits and fuzzy.counts == _search(username, MARKER).counts
    secret = province.planted.restricted[0][1]
    assert [name for name, found in seen_by.items() if secret in found.get(SearchKind.MATERIAL, ())] == [READER]
    assert len({frozenset((k, frozenset(v)) for k, v in found.items()) for found in seen_by.values()}) >= 4


def _marker_hits(kind: SearchKind, word: str) -> list[int]:
    return [hit.id for hit in _search(OFFICE, word, kinds=[kind]).hits]


def test_the_index_follows_each_commit_without_a_rebuild(province):
    """Created, changed, deleted: a meeting, a material's new text, a task and its report, a conclusion and its
    directive, minutes, a notice; and a rescheduled meeting's entries move to its new day."""
    with province.app.app_context(), province.rolled_back():
        meeting = db.session.get(Meeting, 3)
        meeting.title = "Họp về quxwelt"
        material = db.session.get(Material, province.planted.corpus["quang-ngai-2019"])
        material.versions[0].text = "Trang mới quxwelt"
        task = Task(content="Nhiệm vụ quxwelt", lead_unit_id=_unit("sotc"))
        conclusion = Conclusion(meeting=meeting, position=9, text="Kết luận quxwelt", created_by_id=meeting.chair_id)
        db.session.add_all([task, conclusion])
        db.session.commit()
        assert _marker_hits(SearchKind.MEETING, "quxwelt") == [meeting.id]
        assert _marker_hits(SearchKind.MATERIAL, "quxwelt") == [material.id]
        assert _marker_hits(SearchKind.MATERIAL, "quyet dinh").count(material.id) == 0  # its old text is gone
        assert _marker_hits(SearchKind.TASK, "quxwelt") == [task.id]
        assert _marker_hits(SearchKind.CONCLUSION, "quxwelt") == [conclusion.id]

        old_day = local_date(meeting.starts_at)
        meeting.starts_at += timedelta(days=30)
        meeting.ends_at += timedelta(days=30)
        conclusion.text = "Kết luận khác"
        db.session.delete(task)
        db.session.commit()
        moved = _search(OFFICE, "quxwelt", kinds=[SearchKind.MEETING], date_from=old_day + timedelta(days=30))
        assert [hit.id for hit in moved.hits] == [meeting.id]
        assert _search(OFFICE, "quxwelt", kinds=[SearchKind.MEETING], date_to=old_day).total == 0
        assert _marker_hits(SearchKind.MEETING, "quxwelt") == [meeting.id]
        assert _marker_hits(SearchKind.CONCLUSION, "quxwelt") == [] and _marker_hits(SearchKind.TASK, "quxwelt") == []

        db.session.delete(material)
        db.session.commit()
        assert _marker_hits(SearchKind.MATERIAL, "quxwelt") == []
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchEntry)
                                 .where(SearchEntry.material_id == material.id)) == 0


def test_a_rolled_back_change_leaves_the_index_as_it_was(province):
    with province.app.app_context(), province.rolled_back():
        db.session.get(Meeting, 4).title = "Họp về plonquet"
        db.session.flush()
        db.session.rollback()
        db.session.get(Meeting, 5).status_reason = None
        db.session.commit()
        assert _search(OFFICE, "plonquet").total == 0


def test_the_rebuild_command_makes_the_same_index_again(province):
    queries = ("ket luan", "quyt dinh", MARKER, "ngân sách")
    with province.app.app_context(), province.rolled_back():
        before = [_search(OFFICE, q).model_dump() for q in queries]
        engine_for(db.session).clear(db.session)
        assert _search(OFFICE, "ket luan").total == 0
        result = province.app.test_cli_runner().invoke(args=["search", "rebuild"])
        assert result.exit_code == 0, result.output
        assert "material: " in result.output and "search index rebuilt" in result.output
        assert [_search(OFFICE, q).model_dump() for q in queries] == before
