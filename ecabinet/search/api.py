"""JSON API of the search over everything the caller may see."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from ecabinet.core.api import route
from ecabinet.policy import Action, require
from ecabinet.search import operations as ops
from ecabinet.search.schemas import SearchResults
from ecabinet.search.views import SearchParams

bp = Blueprint("search_api", __name__)


@route(bp, "/search", summary="Search meetings, materials, minutes, conclusions, notices and tasks", query=SearchParams,
       response=SearchResults)
def search(query: SearchParams):
    """Words are matched without regard to diacritics ("ket luan" finds "kết luận") and despite typing or OCR
    errors; a "quoted phrase" must appear as written. Only what the caller may see is searched: every hit,
    snippet and count per kind obeys the same rules as the lists. A snippet is HTML with the matches in
    ``<mark>``; a material's hit links to the reader at the matching page."""
    require(current_user, Action.SEARCH)
    return ops.search(current_user, query)
