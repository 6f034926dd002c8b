"""The errors of a refused request: a domain operation's, and the policy's."""

from __future__ import annotations

import enum
from typing import Any


class DomainError(Exception):
    """A refused operation. ``code`` names the reason for API clients; ``field`` the input at fault.

    The API answers it as a JSON error with ``status``; pages show ``message`` next to ``field``.
    """

    def __init__(self, code: str, message: str, field: str | None = None, status: int = 422,
                 details: list[dict] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status
        self.details = details if details is not None else [{"field": field, "type": code, "message": message}]


class PermissionDenied(Exception):
    """``policy.require`` refused ``action`` (an ``ecabinet.policy.Action``) on ``target``: answered 403."""

    def __init__(self, action: enum.StrEnum, target: Any = None) -> None:
        super().__init__(f"not allowed: {action.value}")
        self.action = action
        self.target = target


class Overloaded(Exception):
    """The server could not serve in time (a lock waited on too long): answered 503 with Retry-After."""
