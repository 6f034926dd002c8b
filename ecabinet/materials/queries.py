"""Reading a meeting's agenda: the agenda items in their order (the operations and the material requests)."""

from __future__ import annotations

import sqlalchemy as sa

from ecabinet.core.db import db
from ecabinet.materials.models import AgendaItem
from ecabinet.meetings.models import Meeting


def agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(db.session.scalars(sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                   .order_by(AgendaItem.position, AgendaItem.id)))
