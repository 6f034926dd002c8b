"""The error every domain operation raises when it refuses a request."""

from __future__ import annotations


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
