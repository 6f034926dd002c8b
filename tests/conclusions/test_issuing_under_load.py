"""Issuing under load: 200 notices issued at once through two gevent server processes on PostgreSQL.

Every answer is the issued notice or ``503`` with ``Retry-After`` (overload said so, never a 500), and the
register's numbers run 1, 2, 3 … without a gap or a duplicate, each in its frozen PDF.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.notices import issuing as notice_issuing
from ecabinet.notices.models import Notice, NoticeStatus
from ecabinet.registers import operations as registers
from tests.fixtures.notices import approved_notices
from tests.fixtures.pdf_text import full_text

pytestmark = pytest.mark.xdist_group("redis")  # the servers publish through the shared Redis channel

PARALLEL_ISSUES = 200


@pytest.fixture
def server_settings() -> dict[str, str]:
    """Small pools that give up waiting soon: overload comes at once and the refused answer within seconds."""
    return {"ECABINET_DB_POOL_SIZE": "4", "ECABINET_DB_POOL_OVERFLOW": "4", "ECABINET_DB_POOL_TIMEOUT_SECONDS": "3"}


def _server_errors(folder) -> list[str]:
    """The lines naming an exception in the two servers' logs: what a 500 was."""
    return [line for log in sorted(folder.glob("server-*.log"))
            for line in log.read_text(errors="replace").splitlines() if "Error" in line or "Exception" in line]


def test_parallel_issues_over_two_processes_are_served_or_refused_with_503_and_numbered_without_gaps(
        postgresql_only, app, people, concluded_meeting, desk, two_servers, tmp_path):
    ids = approved_notices(app, people, PARALLEL_ISSUES)

    def issue(index: int) -> requests.Response:
        server = two_servers[index % 2]
        return requests.post(f"{server}/api/v1/notices/{ids[index]}/issue", headers=desk["vanthu"], timeout=120)

    with ThreadPoolExecutor(PARALLEL_ISSUES) as pool:
        answers = list(pool.map(issue, range(PARALLEL_ISSUES)))

    statuses = sorted({answer.status_code for answer in answers})
    assert set(statuses) <= {200, 503}, ([(a.status_code, a.text[:200]) for a in answers if a.status_code >= 500
                                          and a.status_code != 503][:3], _server_errors(tmp_path)[-20:])
    for refused in (answer for answer in answers if answer.status_code == 503):
        assert int(refused.headers["Retry-After"]) > 0
        assert refused.json()["error"]["code"] == "overloaded"
    issued = [answer.json() for answer in answers if answer.status_code == 200]
    assert issued, statuses
    with app.app_context():
        notices = db.session.scalars(sa.select(Notice).where(Notice.status == NoticeStatus.ISSUED)).all()
        numbers = sorted(notice.number for notice in notices)
        assert numbers == list(range(1, len(issued) + 1))
        year = notices[0].issued_on.year
        assert registers.gaps(notices[0].symbol, year) == []
        for notice in notices:  # each frozen PDF matches its recorded sha256
            notice_issuing.stored_pdf(notice)
        last = max(notices, key=lambda notice: notice.number)
        assert f"Số: {last.number_symbol}" in full_text(notice_issuing.stored_pdf(last))

