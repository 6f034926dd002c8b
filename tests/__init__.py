"""The test suite lives on one calendar day: Sunday 22/11/2026 from 10:00 in Hà Nội, whatever the real date.

Its meetings sit on fixed dates (Monday 30/11/2026 …) that must stay in the future, and its deadlines are
counted in working days from "today". ``ECABINET_CLOCK_OFFSET_SECONDS`` shifts ``ecabinet.core.db.utcnow``;
it is set here, before any ecabinet module is imported, and the servers the tests start inherit it, so every
process agrees on the time. Time still runs: timers, expiries and backoffs behave as in production.
"""

import os
from datetime import datetime, timezone

TEST_DAY_START = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)

os.environ.setdefault("ECABINET_CLOCK_OFFSET_SECONDS",
                      str((TEST_DAY_START - datetime.now(timezone.utc)).total_seconds()))
