"""Private iCalendar feeds, parsed back with the icalendar package."""

from icalendar import Calendar

from tests.fixtures.web import api_token


def _publish(client, meeting, secretary):
    return client.post(f"/api/v1/meetings/{meeting['id']}/status", headers=secretary,
                       json={"version": meeting["version"], "action": "publish"}).get_json()


def test_a_leaders_feed_lists_his_meetings(client, schedule_meeting, secretary, people, venue):
    [meeting] = schedule_meeting()
    _publish(client, meeting, secretary)
    [secret] = schedule_meeting(title="Họp về công tác cán bộ", confidentiality="confidential",
                                room_id=venue.other_room, starts_at="2026-12-01T01:00:00Z",
                                ends_at="2026-12-01T02:00:00Z", invitee_ids=[], unit_ids=[])
    _publish(client, secret, secretary)
    liaison = api_token(client, "sotc")
    created = client.post("/api/v1/calendar-feeds", headers=liaison, json={"leader_id": people.leader})
    assert created.status_code == 201
    url = created.get_json()["url"]
    feed = client.get(url.replace("http://localhost", ""))
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = {str(e["UID"]): e for e in Calendar.from_ical(feed.data).walk("VEVENT")}
    first = events[f"meeting-{meeting['id']}@ecabinet"]
    assert str(first["SUMMARY"]) == "Họp về kế hoạch đầu tư công năm 2027"
    assert first.decoded("DTSTART").isoformat() == "2026-11-30T01:00:00+00:00"
    assert str(first["LOCATION"]) == "Phòng họp số 1"
    hidden = events[f"meeting-{secret['id']}@ecabinet"]
    assert "cán bộ" not in str(hidden["SUMMARY"]) and str(hidden["CLASS"]) == "CONFIDENTIAL"


def test_a_revoked_or_wrong_token_is_a_404(client, people):
    me = api_token(client, "pct")
    created = client.post("/api/v1/calendar-feeds", headers=me, json={}).get_json()
    path = created["url"].replace("http://localhost", "")
    assert client.get(path).status_code == 200
    assert client.get("/calendar/not-the-token.ics").status_code == 404
    assert client.delete(f"/api/v1/calendar-feeds/{created['id']}", headers=me).status_code == 204
    assert client.get(path).status_code == 404
    assert client.get("/api/v1/calendar-feeds", headers=me).get_json() == []


def test_only_a_leaders_schedule_can_be_followed(client, people):
    me = api_token(client, "pct")
    response = client.post("/api/v1/calendar-feeds", headers=me, json={"leader_id": people.liaison})
    assert response.status_code == 422
