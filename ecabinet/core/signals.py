"""Named signals through which one domain tells the others what happened.

Senders pass the acting user (or ``None``) as the sender and details as keyword arguments.
"""

from blinker import Namespace

_signals = Namespace()

user_logged_in = _signals.signal("user-logged-in")
"""A user signed in (web or token). kwargs: ``user``, ``channel`` ("web" or "api")."""
user_logged_out = _signals.signal("user-logged-out")
login_failed = _signals.signal("login-failed")
"""kwargs: ``username``, ``reason`` ("bad-credentials", "inactive" or "throttled"), ``retry_after``."""
session_ended = _signals.signal("session-ended")
"""Sign-in sessions or API tokens of a user were ended (not by signing out). kwargs: ``user``, ``what``."""
password_changed = _signals.signal("password-changed")
"""kwargs: ``user``, ``by_admin``."""
rows_written_in_bulk = _signals.signal("rows-written-in-bulk")
"""Rows were inserted with bulk SQL, past the ORM's flushes, and committed (the demo's generated history): what is
kept from the rows as they change (the search index) is made again. No kwargs."""
