"""The home page's "needs your attention" on the demo: each count equals the list it links to, the counts go
through the policy (a confidential material counts only for its named readers), and they take a fixed number of
statements whatever the person."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core.db import db
from ecabinet.home import queries
from ecabinet.live.models import PollStatus
from ecabinet.live.polls import operations as polls
from ecabinet.materials import publishing
from ecabinet.materials.models import Confidentiality, Material
from ecabinet.notices import queries as notices
from ecabinet.notices.models import NoticeStatus
from ecabinet.tasks import queries as tasks
from tests.fixtures.demo import DEMO_PASSWORD, rolling_back
from tests.fixtures.statements import statements_run
from tests.fixtures.web import web_login

LEADERS = ("chutich", "pct1")


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


@pytest.mark.parametrize("username", LEADERS)
def test_each_count_is_the_length_of_the_list_it_links_to(demo_province, username):
    with demo_province.app.app_context():
        user = _user(username)
        pending = queries.pending(user)

        assert pending.meeting is not None
        assert pending.unread_materials > 0
        for unread in pending.unread:
            report = publishing.read_report(unread.meeting, user)
            assert unread.count == len(report.not_read_by(user))
        assert pending.notices_to_approve == 1
        assert pending.notices_to_approve == notices.visible_notices(user, status=NoticeStatus.AWAITING_APPROVAL)[1]
        waiting = [p for p in polls.visible_polls(user, PollStatus.OPEN) if polls.answer_of(p, user.id) is None]
        assert pending.polls_to_answer == len(waiting) == 1
        assert pending.overdue_tasks >= 1
        assert pending.overdue_tasks == tasks.tasks_page(user, queries.OVERDUE_IN_PORTFOLIO)[1]


def test_the_counts_take_the_same_few_statements_for_everyone(demo_province):
    with demo_province.app.app_context():
        people = [_user(name) for name in (*LEADERS, "chanhvp", "sotc", "quansat")]
        counted = []
        for person in people:
            with statements_run(db.engine) as seen:
                queries.pending(person)
            counted.append(len(seen))
        assert max(counted) <= 7, counted  # one per kind, a few more for the meetings: never one per item


def test_a_confidential_material_counts_only_for_its_readers_and_a_read_one_no_more(demo_province):
    with rolling_back(demo_province), demo_province.rolled_back(), demo_province.app.app_context():
        chairman, deputy = _user("chutich"), _user("pct1")
        secret = db.session.scalar(sa.select(Material).where(Material.confidentiality == Confidentiality.CONFIDENTIAL,
                                                             Material.publication_id.is_not(None)))
        def unread() -> dict[str, int]:
            db.session.flush()
            return {u.username: queries.unread_materials(u, [secret.meeting_id])[secret.meeting_id]
                    for u in (chairman, deputy)}

        secret.readers = [chairman]
        before = unread()
        secret.readers = [deputy]
        assert unread() == {"chutich": before["chutich"] - 1, "pct1": before["pct1"] + 1}

        secret.readers = [chairman]
        publishing.record_reads([secret], chairman)
        assert unread() == {"chutich": before["chutich"] - 1, "pct1": before["pct1"]}


@pytest.mark.parametrize("username", LEADERS)
def test_the_home_page_links_each_kind_of_pending_item_to_its_page(demo_province, username):
    client = demo_province.app.test_client()
    web_login(client, username, DEMO_PASSWORD)
    html = client.get("/").get_data(as_text=True)
    for card in ("pending-materials", "pending-notices", "pending-polls", "pending-tasks"):
        assert re.search(rf'id="{card}" data-count="[1-9]', html), card
    for link in ('id="pending-live" href="/meetings/', 'href="/meetings/\\d+/agenda"',
                 'href="/notices\\?status=awaiting_approval"', 'href="/opinion-polls\\?status=open"',
                 'href="/tasks\\?[^"]*derived=overdue'):
        assert re.search(link, html), link
    assert client.get(re.search(r'href="(/tasks\?[^"]*derived=overdue[^"]*)"', html).group(1).replace("&amp;", "&")
                      ).status_code == 200
