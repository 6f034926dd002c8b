"""the last run of each scheduled job

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_runs',
    sa.Column('job_id', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.Enum('ok', 'failed', name='job_outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.PrimaryKeyConstraint('job_id', name=op.f('pk_job_runs'))
    )


def downgrade():
    op.drop_table('job_runs')
