"""Socket.IO handlers of the live room (imported before socketio.init_app)."""

from __future__ import annotations
