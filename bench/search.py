"""Search at five years of a province, as an agency's liaison and as the Office, on SQLite (a file on tmpfs) and
on PostgreSQL (a throwaway database on ``ECABINET_BENCH_PG_URL``, default the test server); on the same province,
first the pages of ``bench/years.py`` (one province per engine for both).

The demo province is seeded, ``seed-demo-years``'s generator adds five years of meetings, agenda items, notices and
tasks, which ``flask search rebuild``'s operation indexes; then 100,000 pages of material text cut from the corpus
reports are inserted in bulk (2,000 published materials of 50 pages) with their index entries, as
``sources.material_entries`` makes them. The pages repeat (a window of the corpus every seven lines), so each is
folded once. The process is then set as a server runs (``memory.tune_gc``, as ``serve.serving_app`` does) and every
query run once. Each run times every query of ``QUERIES`` ``ROUNDS`` times per person through ``search()`` (a
request's work without HTTP) and takes the 95th percentile; the reference is ``/healthz`` through a test client of
the same app. Runs are interleaved (``bench.method``).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from itertools import cycle

import sqlalchemy as sa

from bench.__main__ import median_ms, publish
from bench.method import Comparison, interleave
from bench.tasks import on_both_databases
from bench import years
from bench.years import YEARS, province_over_years
from ecabinet.accounts.models import User
from ecabinet.core import memory
from ecabinet.core.clock import local_date, utcnow
from ecabinet.core.db import db
from ecabinet.demo.pdfs import CORPUS_DIR
from ecabinet.materials.models import Material, MaterialPublication, MaterialVersion
from ecabinet.meetings.models import Meeting
from ecabinet.search.engines import engine_for
from ecabinet.search.folding import index_text
from ecabinet.search.indexing import add_terms
from ecabinet.search.models import SearchEntry, SearchKind
from ecabinet.search.operations import rebuild, search
from ecabinet.search.sources import entry
from ecabinet.search.schemas import SearchQuery

MATERIALS, PAGES_PER_MATERIAL, LINES_PER_PAGE = 2_000, 50, 14
BATCH = 200
ROUNDS = 3
REPEAT = 20
TARGET_MS = 100
PEOPLE = {"liaison": "sotc", "office": "chuyenvien1"}
QUERIES = ("ket luan", "quyết định", "Quyét dinh", "quyt dinh", '"kết luận" thông báo', "695/QĐ-UBND",
           "ngân sách nhà nước", "cai cach hanh chinh", "chuyển đổi số", "giải ngân vốn đầu tư công")
"""What people type: without diacritics, OCR-garbled, a letter missing, a quoted phrase, a document number."""


def _pages() -> list[tuple[str, str]]:
    """Every window of ``LINES_PER_PAGE`` lines of the corpus reports (overlapping: more pages than the corpus has),
    with its indexed text."""
    lines = [line for path in sorted(CORPUS_DIR.glob("*.txt")) if path.name != "README.md"
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pages = ["\n".join(lines[start:start + LINES_PER_PAGE]) for start in range(0, len(lines) - LINES_PER_PAGE, 7)]
    return [(page, index_text(page)) for page in pages]


def _entries(material_id: int, title: str, meeting: sa.Row, pages: list[tuple[str, str]]) -> Iterator[tuple]:
    """A material's entries (``sources.material_entries``: its whole text, then each page) with their indexed
    title and body."""
    ids = {"meeting_id": meeting.id, "leader_id": meeting.chair_id, "day": local_date(meeting.starts_at),
           "material_id": material_id}
    yield (entry(SearchKind.MATERIAL, material_id, title, "\n".join(text for text, _ in pages), **ids),
           (index_text(title), " ".join(indexed for _, indexed in pages)))
    for number, (text, indexed) in enumerate(pages, start=1):
        yield entry(SearchKind.MATERIAL, material_id, "", text, page=number, **ids), ("", indexed)


def _add_materials() -> int:
    """``MATERIALS`` published materials of extracted text on the generated meetings, inserted in bulk and
    indexed."""
    author = db.session.scalar(sa.select(User.id).where(User.username == PEOPLE["office"]))
    meetings = db.session.execute(sa.select(Meeting.id, Meeting.chair_id, Meeting.starts_at)
                                  .order_by(Meeting.id.desc()).limit(MATERIALS)).all()
    windows = _pages()
    pages, now, engine = cycle(windows), utcnow(), engine_for(db.session)
    for start in range(0, MATERIALS, BATCH):
        chunk = meetings[start:start + BATCH]
        publications = db.session.execute(sa.insert(MaterialPublication).returning(
            MaterialPublication.id, sort_by_parameter_order=True),
            [{"meeting_id": meeting.id, "published_by_id": author, "note": "", "created_at": now}
             for meeting in chunk]).scalars().all()
        titles = [f"Báo cáo số {start + n + 1}/BC-UBND" for n in range(len(chunk))]  # the vocabulary: the last
        materials = db.session.execute(sa.insert(Material).returning(Material.id, sort_by_parameter_order=True), [
            {"meeting_id": meeting.id, "title": title, "doc_type": "report", "confidentiality": "normal",
             "created_by_id": author, "publication_id": publication, "created_at": now, "updated_at": now}
            for meeting, title, publication in zip(chunk, titles, publications)]).scalars().all()
        texts = [[next(pages) for _ in range(PAGES_PER_MATERIAL)] for _ in materials]
        db.session.execute(sa.insert(MaterialVersion), [
            {"material_id": material, "number": 1, "sha256": "0" * 64, "size": 1, "page_count": PAGES_PER_MATERIAL,
             "filename": "bao-cao.pdf", "uploaded_by_id": author, "uploaded_at": now, "text_status": "done",
             "extracted_at": now, "text": "\f".join(text for text, _ in material_pages)}
            for material, material_pages in zip(materials, texts)])
        rows, indexed = zip(*(made for material, title, meeting, material_pages in zip(materials, titles, chunk, texts)
                              for made in _entries(material, title, meeting, material_pages)))
        engine.insert(db.session, list(rows), list(indexed))
    add_terms(db.session, {word for text in [*titles, *(indexed for _, indexed in windows)]
                           for word in index_text(text).split()})
    return MATERIALS * PAGES_PER_MATERIAL


def _timed(user: User, query: str) -> float:
    started = time.perf_counter()
    search(user, SearchQuery(q=query))
    elapsed = (time.perf_counter() - started) * 1000
    db.session.rollback()  # a request's end
    return elapsed


def _p95(user: User) -> float:
    return statistics.quantiles([_timed(user, query) for _ in range(ROUNDS) for query in QUERIES], n=20)[-1]


def _as_a_server_runs(people: dict[str, User]) -> None:
    """The process as ``serve.serving_app`` leaves it (the collector tuned: no full collection of the app's
    long-lived objects in the middle of a search) and warm: each query's statements compiled once, as a server's
    are after its first searches."""
    memory.tune_gc()
    for user in people.values():
        for query in QUERIES:
            _timed(user, query)


def measure(url: str, backend: str) -> dict:
    app, added = province_over_years(url)
    figures = years.measure_pages(app, added, backend)
    with app.app_context():
        rebuild()
        pages = _add_materials()
        db.session.commit()
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(SearchEntry))
        people = {who: db.session.scalar(sa.select(User).where(User.username == username))
                  for who, username in PEOPLE.items()}
        health = app.test_client()
        _as_a_server_runs(people)
        runs, references = interleave(lambda: {who: _p95(user) for who, user in people.items()},
                                      lambda: median_ms(lambda: health.get("/healthz"), REPEAT))
        db.engine.dispose()
    data = (f"demo province + {YEARS} generated years ({added['meetings']:,} meetings, {added['agenda_items']:,} "
            f"agenda items, {added['notices']:,} notices, {added['tasks']:,} tasks) + {pages:,} pages of material "
            f"text from the corpus; {entries:,} index entries")
    return figures | {f"search_p95_ms_{who}_{backend}": Comparison.of([run[who] for run in runs], references).figure(
        "ms", f"search() as {who} ({PEOPLE[who]}), the process as a server runs it (warm, collector tuned): 95th "
        f"percentile over {ROUNDS}×{len(QUERIES)} queries "
        f"({', '.join(QUERIES)}), {data}; vs GET /healthz through a test client; target ≤ {TARGET_MS} ms")
        for who in PEOPLE}


def main() -> None:
    publish(on_both_databases(measure, "bench-search"))


if __name__ == "__main__":
    main()
