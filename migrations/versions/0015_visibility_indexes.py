"""indexes on every column the policy's visibility filters look users and units up by

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 10:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

INDEXED = {
    'meetings': ('secretary_id', 'portfolio_leader_id', 'created_by_id'),
    'invitations': ('attendee_id', 'delegate_id'),
    'notice_recipients': ('unit_id', 'user_id'),
    'tasks': ('lead_unit_id',),
    'agenda_items': ('presenting_unit_id',),
    'opinion_polls': ('created_by_id',),
}


def upgrade():
    for table, columns in INDEXED.items():
        for column in columns:
            op.create_index(op.f(f'ix_{table}_{column}'), table, [column], unique=False)


def downgrade():
    for table, columns in INDEXED.items():
        for column in reversed(columns):
            op.drop_index(op.f(f'ix_{table}_{column}'), table_name=table)
