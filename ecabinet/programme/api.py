"""JSON API of the work programme: the year's items a user may see, with the page's filters."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from ecabinet.core.api import route
from ecabinet.policy import Action, require
from ecabinet.programme import views
from ecabinet.programme.schemas import ItemOut, ItemQuery, ProgrammeOut

bp = Blueprint("programme_api", __name__)


@route(bp, "/programme-items", summary="The items of a year's work programme", query=ItemQuery,
       response=ProgrammeOut)
def list_items(query: ItemQuery):
    """The items the user may see (an agency's liaison: those its agency leads), in the order of the year;
    ``behind`` keeps the items whose month or quarter ended before they were presented. A year without a
    programme has no items."""
    require(current_user, Action.VIEW_PROGRAMME)
    view = views.programme_view(current_user, query)
    items = [ItemOut.model_validate(item).model_copy(update={"behind": view.behind(item)}) for item in view.items]
    return {"year": view.year, "title": view.programme.title if view.programme else "", "today": view.today,
            "items": items}
