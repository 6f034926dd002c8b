"""What the account pages and the account API share."""

from __future__ import annotations

from flask import request

from ecabinet.accounts import operations as ops
from ecabinet.core.context import client_address


def request_device() -> ops.Device:
    """The device and address this request comes from, as kept with a session or token."""
    return ops.Device(request.user_agent.string, client_address())
