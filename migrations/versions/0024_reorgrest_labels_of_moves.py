"""the record of a reorganisation, readable: who applied it (the name at the time) and what each moved row was

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reorganisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applied_by_name', sa.String(length=255), nullable=False, server_default=''))
    with op.batch_alter_table('reorganisations', schema=None) as batch_op:
        batch_op.alter_column('applied_by_name', server_default=None)
    with op.batch_alter_table('reorganisation_moves', schema=None) as batch_op:
        batch_op.add_column(sa.Column('label', sa.String(length=500), nullable=False, server_default=''))
    with op.batch_alter_table('reorganisation_moves', schema=None) as batch_op:
        batch_op.alter_column('label', server_default=None)


def downgrade():
    with op.batch_alter_table('reorganisation_moves', schema=None) as batch_op:
        batch_op.drop_column('label')
    with op.batch_alter_table('reorganisations', schema=None) as batch_op:
        batch_op.drop_column('applied_by_name')
