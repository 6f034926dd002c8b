"""Shapes of account data on the API and in forms."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ecabinet.accounts.models import Role
from ecabinet.core.schemas import CodedRef, Id, Name, Query, Strict, Text255

Username = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=2, max_length=64,
                                            pattern=r"^[a-z0-9_.]+$")]
Password = Annotated[str, StringConstraints(min_length=1, max_length=256)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)]


class TokenRequest(Strict):
    username: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    password: Password
    code: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        default=None, description="The authenticator app's code or a recovery code, for a user with two-factor "
                                  "sign-in")


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the token expires")


class PasswordChange(Strict):
    current_password: Password
    new_password: Password


class PasswordReset(Strict):
    new_password: Password


class CredentialOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    created_at: datetime
    user_agent: str | None
    ip_address: str | None
    current: bool = Field(description="Whether this request was made with it")


class SessionOut(CredentialOut):
    """A signed-in browser (device) of the user."""

    last_seen_at: datetime


class ApiTokenOut(CredentialOut):
    """An API token of the user (never the token itself)."""

    expires_at: datetime
    last_used_at: datetime | None


class PersonRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    full_name: str


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    full_name: str
    position_title: str
    email: str | None
    phone: str | None
    unit: CodedRef
    roles: list[Role]
    active: bool
    portfolio_sectors: list[CodedRef]
    portfolio_units: list[CodedRef]
    last_login_at: datetime | None
    created_at: datetime


class UserCreate(Strict):
    username: Username
    full_name: Name
    unit_id: Id
    roles: list[Role] = Field(min_length=1)
    password: Password
    position_title: Text255 = ""
    email: Text255 | None = None
    phone: Phone | None = None
    sector_ids: list[Id] | None = None
    portfolio_unit_ids: list[Id] | None = None


class UserUpdate(Strict):
    full_name: Name | None = None
    unit_id: Id | None = None
    roles: list[Role] | None = Field(default=None, min_length=1)
    position_title: Text255 | None = None
    email: Text255 | None = None
    phone: Phone | None = None
    sector_ids: list[Id] | None = None
    portfolio_unit_ids: list[Id] | None = None
    active: bool | None = None


class UserQuery(Query):
    search: Annotated[str, StringConstraints(max_length=100)] | None = None
    unit_id: Id | None = None
    role: Role | None = None
    active: bool | None = None
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=200)


class UserPage(BaseModel):
    items: list[UserOut]
    total: int
    page: int
    per_page: int
