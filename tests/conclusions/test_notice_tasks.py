"""The tasks of an issued notice and the links back to it that the tasks and registers domains get without
importing conclusions (installed when the notice pages' blueprint is registered)."""

from __future__ import annotations

import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.notices.models import Notice
from ecabinet.notices.tasks import tasks_of_notice
from ecabinet.core.db import db
from ecabinet.registers import operations as registers
from ecabinet.tasks import sources
from ecabinet.tasks.models import TaskSource
from tests.fixtures.web import signed_in
from tests.fixtures.notices import draft, to_approved
from tests.fixtures.web import ok


def _issued(app, client, concluded_meeting, desk) -> int:
    nid = draft(app, client, concluded_meeting.id, desk)["id"]
    to_approved(client, nid, desk)
    ok(client.post(f"/api/v1/notices/{nid}/issue", headers=desk["vanthu"]))
    return nid


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def test_the_task_page_links_the_notice_only_for_those_who_may_see_it(app, client, pages,
                                                                      concluded_meeting, desk):
    nid = _issued(app, client, concluded_meeting, desk)
    with app.app_context():
        notice = db.session.get(Notice, nid)
        tasks = tasks_of_notice(notice)
        assert tasks and {t.source for t in tasks} == {TaskSource.NOTICE}
        assert tasks[0].source_reference.startswith(f"Thông báo số {notice.number_symbol} ngày ")
        task_id = tasks[0].id
        assert sources.may_open_notice(_user("vanthu"), nid) is True
        assert sources.may_open_notice(_user("sokhdt"), nid) is False  # an agency the notice is not sent to
        assert sources.may_open_notice(_user("vanthu"), None) is False
    html = signed_in(pages, "chanhvp").get(f"/tasks/{task_id}").get_data(as_text=True)
    assert f'href="/notices/{nid}" id="source-link"' in html


def test_the_register_names_the_notice_that_took_each_number(app, client, concluded_meeting, desk):
    nid = _issued(app, client, concluded_meeting, desk)
    with app.app_context():
        notice = db.session.get(Notice, nid)
        rows = registers.register_listing(notice.symbol, notice.issued_on.year)
        assert [(row.entry.id, row.notice_id) for row in rows] == [(notice.register_number_id, nid)]
