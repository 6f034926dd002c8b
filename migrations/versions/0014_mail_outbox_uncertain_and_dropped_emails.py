"""e-mails: uncertain and dropped statuses, first attempt time

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 06:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

OLD = ('queued', 'sending', 'sent', 'failed', 'skipped')
NEW = ('queued', 'sending', 'sent', 'failed', 'uncertain', 'skipped', 'dropped')


def _status_check(batch_op, values) -> None:
    batch_op.drop_constraint(op.f('ck_email_deliveries_status'), type_='check')
    batch_op.create_check_constraint('status', sa.column('status').in_(values))


def upgrade():
    with op.batch_alter_table('email_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_attempt_at', sa.DateTime(timezone=True), nullable=True))
        _status_check(batch_op, NEW)


def downgrade():
    # Before this revision a row that may have left stayed 'sending' and a dropped one counted as skipped.
    op.execute("UPDATE email_deliveries SET status = 'sending', claimed_at = COALESCE(claimed_at, created_at) "
               "WHERE status = 'uncertain'")
    op.execute("UPDATE email_deliveries SET status = 'skipped' WHERE status = 'dropped'")
    with op.batch_alter_table('email_deliveries', schema=None) as batch_op:
        _status_check(batch_op, OLD)
        batch_op.drop_column('first_attempt_at')
