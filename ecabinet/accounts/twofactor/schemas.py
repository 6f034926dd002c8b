"""Shapes of two-factor data on the API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from ecabinet.accounts.schemas import Password
from ecabinet.core.schemas import Strict

Code = Annotated[str, StringConstraints(min_length=1, max_length=64)]
"""Six digits from the authenticator app, or a recovery code such as ``abcde-fghjk``."""


class CodeIn(Strict):
    code: Code


class DisableIn(Strict):
    password: Password
    code: Code


class TwoFactorStatus(BaseModel):
    enrolled: bool
    required: bool = Field(description="A role of the user requires a second factor")
    recovery_codes_left: int


class EnrolmentOut(BaseModel):
    secret: str = Field(description="Base32 secret, to type into an authenticator app")
    otpauth_uri: str = Field(description="The same as an otpauth:// address (what the QR code holds)")


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str] = Field(description="Shown once: each signs in once when the app is lost")
