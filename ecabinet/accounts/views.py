"""What the account pages and the account API share."""

from __future__ import annotations

from flask import request

from ecabinet.accounts import sessions as access
from ecabinet.core.context import client_address


def request_device() -> access.Device:
    """The device and address this request comes from, as kept with a session or token."""
    return access.Device(request.user_agent.string, client_address())
