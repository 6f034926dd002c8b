"""Hostile payloads to every registered Socket.IO event: each is answered with an error ack of its own kind (never
``internal_error``) and the connection survives."""

from __future__ import annotations

from ecabinet.core.extensions import socketio
from ecabinet.live.operations import ACTIONS

HOSTILE = (10**30, -(10**30), 2**31, 2**63, -1, 0, 1.5, 1e308, True, None, "1", "x" * 100_000, "", [], [10**30],
           {}, {"a": {"b": [None, {"c": 10**30}]}})
"""Huge, negative and fractional numbers, booleans, None, strings (a 100 KB one), lists and nested objects."""
ARGS = (10**30, -1, 0, 1.5, True, None, "x" * 10_000, [10**30], {"a": [None]})
"""What each argument of each action is tried with."""


def _payloads(meeting_id: int) -> list:
    """For any event: hostile payloads, meeting ids, missing and unknown keys."""
    return [*HOSTILE, *({"meeting_id": value} for value in HOSTILE), {"meeting": meeting_id},
            {"meeting_id": meeting_id, "extra": "x" * 100_000}]


def _action_payloads(meeting_id: int) -> list:
    """For live:action besides: hostile action names and args, and each argument of every action."""
    payloads = [{"meeting_id": meeting_id, "action": value} for value in HOSTILE]
    payloads += [{"meeting_id": meeting_id, "action": "start", "args": value} for value in HOSTILE]
    for name, spec in ACTIONS.items():
        for field in spec.args.model_fields or ("unknown",):
            payloads += [{"meeting_id": meeting_id, "action": name, "args": {field: value}} for value in ARGS]
    return payloads


def test_hostile_payloads_to_every_socket_event_never_fail_the_server(room, tablets):
    events = sorted(set(socketio.server.handlers["/"]) - {"connect", "disconnect"})
    assert {"live:join", "live:leave", "live:snapshot", "live:action"} <= set(events)
    chair = tablets("pct")
    assert chair.join(room.id)["ok"]
    calls = [(event, payload) for event in events for payload in _payloads(room.id)]
    calls += [("live:action", payload) for payload in _action_payloads(room.id)]
    for event, payload in calls:
        answer = chair.call(event, payload)
        assert isinstance(answer, dict) and set(answer) >= {"ok"}, (event, str(payload)[:200], answer)
        if not answer["ok"]:
            assert answer["error"]["code"] != "internal_error", (event, str(payload)[:200], answer)
    assert len(calls) > 400
    assert chair.sio.connected
    assert chair.join(room.id)["ok"] and chair.call("live:snapshot", {"meeting_id": room.id})["ok"]
