"""seed-demo-years: generated years of a province's history, and the lists that must stay fast on them.

The lists of meetings, notices and materials are filtered by the policy in SQL (``meeting_visibility``,
``notice_visibility``, ``material_visibility``; search's ``minutes_visibility`` too): the filter agrees with the
per-object rule for every demo account and every row, and the pages (the weekly schedule and a calendar feed too) run
a fixed number of statements however many meetings and notices there are.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from ecabinet.accounts.models import User
from ecabinet.core.db import db
from ecabinet.demo import years
from ecabinet.meetings.models import Meeting
from ecabinet.notices.models import Notice, NoticeStatus
from ecabinet.materials.models import Material
from ecabinet.policy import (Action, allowed, material_visibility, meeting_visibility, minutes_visibility,
                             notice_visibility, visible_meetings)
from ecabinet.schedules import feeds
from ecabinet.tasks.models import Task
from tests.fixtures import TODAY
from tests.fixtures.demo import DEMO_PASSWORD, DemoProvince, rolling_back
from tests.fixtures.statements import statements_run
from tests.fixtures.visibility import visible_counts
from tests.fixtures.web import web_login

pytestmark = pytest.mark.xdist_group("demo_years")

YEARS, SCALE = 2, 0.1


@pytest.fixture(scope="module")
def province(demo_province: DemoProvince) -> Iterator[DemoProvince]:
    """The demo province with two generated years at a tenth of a province's numbers."""
    with demo_province.app.app_context():
        demo_province.added = years.add_years(YEARS, today=TODAY, scale=SCALE)
        db.session.commit()
    demo_province.token("pct1")
    with rolling_back(demo_province):
        yield demo_province


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_generated_years_have_a_province_s_yearly_shape(province):
    shape = years.YearShape().scaled(SCALE)
    added = province.added
    assert added["meetings"] == YEARS * shape.meetings
    assert added["agenda_items"] == YEARS * shape.agenda_items
    assert added["notices"] == YEARS * shape.notices
    assert added["tasks"] == YEARS * shape.tasks
    with province.app.app_context():
        issued = db.session.scalar(sa.select(sa.func.count()).select_from(Notice)
                                   .where(Notice.status == NoticeStatus.ISSUED))
        assert 0 < issued < _count(Notice)
        assert _count(Task) >= added["tasks"]


@pytest.mark.parametrize(("visibility", "model", "action", "subsets"), [
    (notice_visibility, Notice, Action.VIEW_NOTICE, 2), (meeting_visibility, Meeting, Action.VIEW_MEETING, 2),
    (material_visibility, Material, Action.VIEW_MATERIAL, 1),  # the demo's few materials: seen by all or all but one
    (minutes_visibility, Meeting, Action.VIEW_MINUTES, 1)])
def test_the_sql_filter_agrees_with_the_policy_for_every_account_and_row(province, visibility, model, action,
                                                                          subsets):
    with province.app.app_context():
        sizes, everything = visible_counts(visibility, model, action), _count(model)
        assert {0, everything} <= sizes and len(sizes - {0, everything}) >= subsets  # nobody, all, and subsets


def test_the_visible_meetings_of_a_list_are_those_the_policy_lets_each_account_see(province):
    """The calendar feed's and the weekly schedule's question: which of these meetings may the user see."""
    with province.app.app_context():
        meetings = list(db.session.scalars(sa.select(Meeting)))
        for user in db.session.scalars(sa.select(User)):
            assert visible_meetings(user, {m.id for m in meetings}) == \
                {m.id for m in meetings if allowed(user, Action.VIEW_MEETING, m)}, user.username


PAGES = {"/notices": b'id="notice-list"', "/meetings?view=month": b"data-meeting-id",
         "/meetings?view=list": b"data-meeting-id", "/meetings/mine?view=month": b"data-meeting-id",
         f"/schedules/{TODAY.isoformat()}": b"data-meeting-id",
         f"/api/v1/schedules/{TODAY.isoformat()}": b'"meeting_id"'}
"""Each page, and what shows it lists something."""


def _leader_feed(province: DemoProvince, username: str) -> str:
    """The URL of a feed of the leader pct1's schedule that ``username`` subscribes to."""
    with province.app.app_context():
        owner, leader = (db.session.scalar(sa.select(User).where(User.username == name))
                         for name in (username, "pct1"))
        _, token = feeds.create_feed(owner, leader)
        db.session.commit()
    return f"/calendar/{token}.ics"


def _statements(province: DemoProvince, username: str, feed: str) -> dict[str, int]:
    client = province.app.test_client()
    assert web_login(client, username, DEMO_PASSWORD).status_code == 302
    counts = {}
    for page, listed in {**PAGES, feed: b"BEGIN:VEVENT"}.items():
        assert client.get(page).status_code == 200  # warm: what a first request loads once
        with province.app.app_context(), statements_run(db.engine) as seen:
            response = client.get(page)
        assert response.status_code == 200, page
        assert listed in response.data, f"{page} lists nothing"
        counts[page] = len(seen)
    return counts


@pytest.mark.parametrize("username", ["pcamthanh", "pct1", "chuyenvien1"])
def test_the_lists_run_as_many_statements_however_many_rows(province, username):
    """A liaison, a leader and the Office: the notices pages, the calendar's month and list views, the weekly
    schedule (page and API) and a leader's calendar feed."""
    with province.rolled_back():
        feed = _leader_feed(province, username)
        before = _statements(province, username, feed)
        with province.app.app_context():
            more = years.add_years(1, today=TODAY, scale=0.3, seed=7)
            db.session.commit()
        after = _statements(province, username, feed)
    assert more["meetings"] > 150 and more["notices"] > 40
    assert after == before
    assert max(before.values()) <= 20, before


def test_the_meetings_api_pages_through_every_visible_meeting(province):
    """A range wider than a page is never cut: ``total`` counts every match and the pages hold them all."""
    headers = province.token("pct1")
    with province.app.app_context():
        leader = db.session.scalar(sa.select(User).where(User.username == "pct1"))
        expected = set(db.session.scalars(sa.select(Meeting.id).where(meeting_visibility(leader))))
    client, seen, page = province.app.test_client(), [], 1
    while True:
        body = client.get("/api/v1/meetings", query_string={"start": "2020-01-01", "end": "2030-12-31",
                                                            "per_page": 50, "page": page}, headers=headers).get_json()
        seen += [m["id"] for m in body["items"]]
        if page * body["per_page"] >= body["total"]:
            break
        page += 1
    assert body["total"] == len(expected) > 100
    assert len(seen) == len(set(seen)) == len(expected) and set(seen) == expected  # each once, none left out
