"""devices of the offline briefcase

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 12:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'briefcase_devices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('user_agent', sa.String(length=255), nullable=True),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('cached', sa.JSON(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_briefcase_devices_revoked_by_id_users')),
        sa.ForeignKeyConstraint(['session_id'], ['user_sessions.id'], name=op.f('fk_briefcase_devices_session_id_user_sessions'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_briefcase_devices_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_briefcase_devices')),
        sa.UniqueConstraint('public_id', name=op.f('uq_briefcase_devices_public_id')),
    )
    op.create_index(op.f('ix_briefcase_devices_user_id'), 'briefcase_devices', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_briefcase_devices_user_id'), table_name='briefcase_devices')
    op.drop_table('briefcase_devices')
