"""meetings: actual start and end times, undoing an accidental start; the chair and secretary are not invitees

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

OLD = ('created', 'updated', 'published', 'rescheduled', 'venue_changed', 'postponed', 'cancelled', 'started',
       'ended', 'closed')
NEW = ('created', 'updated', 'published', 'rescheduled', 'venue_changed', 'postponed', 'cancelled', 'started',
       'start_undone', 'ended', 'closed')


def _kind_check(batch_op, values) -> None:
    batch_op.drop_constraint(op.f('ck_meeting_changes_kind'), type_='check')
    batch_op.create_check_constraint('kind', sa.column('kind').in_(values))


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('meeting_changes', schema=None) as batch_op:
        _kind_check(batch_op, NEW)
    # The times the live room recorded, and the status changes of meetings started from their page.
    op.execute("UPDATE meetings SET started_at = COALESCE("
               "(SELECT live_states.started_at FROM live_states WHERE live_states.meeting_id = meetings.id), "
               "(SELECT MAX(changed_at) FROM meeting_changes WHERE meeting_changes.meeting_id = meetings.id "
               "AND meeting_changes.kind = 'started')) WHERE status IN ('in_progress', 'ended', 'closed')")
    op.execute("UPDATE meetings SET ended_at = COALESCE("
               "(SELECT live_states.ended_at FROM live_states WHERE live_states.meeting_id = meetings.id), "
               "(SELECT MAX(changed_at) FROM meeting_changes WHERE meeting_changes.meeting_id = meetings.id "
               "AND meeting_changes.kind = 'ended')) WHERE status IN ('ended', 'closed')")
    # The chair and the secretary hold the meeting: an invitation to them asked them to their own meeting.
    op.execute("DELETE FROM invitations WHERE user_id IN (SELECT chair_id FROM meetings WHERE meetings.id = "
               "invitations.meeting_id UNION SELECT secretary_id FROM meetings WHERE meetings.id = "
               "invitations.meeting_id AND secretary_id IS NOT NULL)")


def downgrade():
    op.execute("DELETE FROM meeting_changes WHERE kind = 'start_undone'")
    with op.batch_alter_table('meeting_changes', schema=None) as batch_op:
        _kind_check(batch_op, OLD)
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('ended_at')
        batch_op.drop_column('started_at')
