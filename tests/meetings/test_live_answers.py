"""The secretariat sees invitation answers live, over a real Socket.IO connection."""

import queue

import socketio

from tests.fixtures.network import disconnect
from tests.fixtures.web import api_token


def test_the_secretary_sees_an_answer_as_it_arrives(client, schedule_meeting, secretary, app_server):
    [meeting] = schedule_meeting()
    invitation = next(i for i in meeting["invitations"] if i["unit"])
    received: queue.Queue = queue.Queue()
    listener = socketio.Client(reconnection=False)
    listener.on("invitation_answered", received.put)
    token = secretary["Authorization"].split()[1]
    listener.connect(app_server, transports=["websocket"], wait_timeout=10, auth={"token": token})
    try:
        liaison = api_token(client, "sotc")
        response = client.post(f"/api/v1/invitations/{invitation['id']}", headers=liaison,
                               json={"response": "absent", "reason": "Trùng lịch họp của Bộ Tài chính"})
        assert response.status_code == 200
        event = received.get(timeout=10)
        assert event == {"meeting_id": meeting["id"], "invitation_id": invitation["id"], "response": "absent",
                         "absence_reason": "Trùng lịch họp của Bộ Tài chính", "delegate": None, "attendee": None}
    finally:
        disconnect(listener)
