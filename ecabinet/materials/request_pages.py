"""Material requests (đề nghị cung cấp tài liệu): placeholder until filled."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("request_pages", __name__)
