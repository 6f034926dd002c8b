"""The search page: one box over everything the user may see, with filters by kind, dates, agency and leader."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ecabinet.accounts import operations as accounts
from ecabinet.accounts.models import Role
from ecabinet.core.exceptions import DomainError
from ecabinet.core.forms import parse_form
from ecabinet.org import operations as org
from ecabinet.policy import Action, allowed, require
from ecabinet.search import operations as ops
from ecabinet.search.schemas import SearchKind
from ecabinet.search.views import SearchParams

bp = Blueprint("search", __name__)

MESSAGES = {
    "kind": _l("Choose one of the listed kinds."),
    "date_from": _l("Enter the date as dd/mm/yyyy."),
    "date_to": _l("Enter the date as dd/mm/yyyy."),
}
"""What the page says of an input it refuses, beyond the generic messages of ``parse_form``."""


def _read(args: MultiDict) -> tuple[SearchParams | None, dict[str, str]]:
    """The query when the box holds words and every filter is valid, else the errors by field."""
    if not args.get("q", "").strip():
        return None, {}
    try:
        query, errors = parse_form(SearchParams, args, list_fields=("kind",))
    except DomainError as exc:  # a reversed period, a day outside the supported years
        return None, {exc.field or "__all__": exc.message}
    return query, {field: str(MESSAGES.get(field, message)) for field, message in errors.items()}


@bp.get("/search")
@login_required
def search_page():
    require(current_user, Action.SEARCH)
    query, errors = _read(request.args)
    return render_template(
        "search/page.html", query=query, errors=errors, kinds=list(SearchKind),
        results=ops.search(current_user, query) if query else None,
        agencies=org.unit_choices() if allowed(current_user, Action.VIEW_UNITS) else [],
        leaders=accounts.users_with_role(Role.LEADER) if allowed(current_user, Action.VIEW_WEEKLY_SCHEDULE) else [],
    )
