"""The in-browser reader of materials (pdf.js): pages and thumbnails on tablets, no plugin."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reader", __name__)
