"""The live figures' reference: a bare Flask-SocketIO server, ``python -m bench.bare`` (``PORT``, and
``BARE_REDIS_URL`` to join several by Redis as ecabinet's processes are). It imports nothing of the bench or the
app but the garbage collector's settings, so that its memory is that of Flask-SocketIO alone.

``live:join`` joins a room and answers a snapshot of the demo meeting's size; ``POST /broadcast?version=n``
emits ``live:change`` to the room.
"""

from gevent import monkey

monkey.patch_all()

import os  # noqa: E402  (after monkey-patching, as gevent requires)
from typing import Any  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

from ecabinet.core.memory import tune_gc  # noqa: E402

ROOM = "meeting:0"
ITEMS, MEMBERS = 64, 7
EVENT = {"kind": "item", "data": {"item": {"id": 5, "started_at": "2026-11-30T01:00:00Z", "elapsed_seconds": 0,
                                           "running": True}}}


def snapshot() -> dict[str, Any]:
    """The shape and size of the bench meeting's snapshot (64 agenda items, 7 members)."""
    return {"meeting_id": 0, "version": 0, "title": "Phiên họp Ủy ban nhân dân tỉnh thường kỳ",
            "status": "not_started", "started_at": None, "ended_at": None, "item": None, "vote": None,
            "presentation": None,
            "agenda": [{"id": n, "position": n, "title": f"Nội dung {n}: cho ý kiến dự thảo nghị quyết",
                        "planned_minutes": 15, "presenting_unit": "Sở Kế hoạch và Đầu tư"} for n in range(ITEMS)],
            "attendance": {"expected": MEMBERS, "present": 0, "quorum": MEMBERS // 2 + 1, "has_quorum": False,
                           "members": [{"user_id": n, "name": f"Thành viên {n}", "present": False, "attendee": None}
                                       for n in range(MEMBERS)]},
            "speakers": {"current": None, "queue": []}}


def serve(port: int, redis_url: str | None) -> None:
    app = Flask("bare")
    sio = SocketIO(app, async_mode="gevent", message_queue=redis_url)
    joined = snapshot()

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.post("/broadcast")
    def broadcast():
        version = int(request.args["version"])
        sio.emit("live:change", {"meeting_id": 0, "version": version, **EVENT}, to=ROOM)
        return {"version": version}

    @sio.on("live:join")
    def join(payload: Any = None):
        join_room(ROOM)
        return {"ok": True, "snapshot": joined}

    tune_gc()
    sio.run(app, host="127.0.0.1", port=port, log_output=False)


if __name__ == "__main__":
    serve(int(os.environ["PORT"]), os.environ.get("BARE_REDIS_URL") or None)
