"""the UBND's work programme (chương trình công tác năm): programmes, their items, adjustments and history

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 17:43:52.960697

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chair_id'], ['users.id'], name=op.f('fk_programmes_chair_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_programmes_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('year', name=op.f('uq_programmes_year'))
    )
    op.create_table('programme_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=1000), nullable=False),
    sa.Column('kind', sa.Enum('scheme', 'report', 'decision', 'resolution', 'plan', 'other', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('period_kind', sa.Enum('month', 'quarter', name='period_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('lead_unit_id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('proposed', 'planned', 'on_agenda', 'done', 'dropped', name='state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('presented_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_for', sa.String(length=16), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(period_kind = 'month' AND period BETWEEN 1 AND 12) OR (period_kind = 'quarter' AND period BETWEEN 1 AND 4)", name=op.f('ck_programme_items_period_in_range')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_programme_items_agenda_item_id_agenda_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_unit_id'], ['units.id'], name=op.f('fk_programme_items_lead_unit_id_units')),
    sa.ForeignKeyConstraint(['leader_id'], ['users.id'], name=op.f('fk_programme_items_leader_id_users')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_items_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_items'))
    )
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_items_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_items_lead_unit_id'), ['lead_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_items_leader_id'), ['leader_id'], unique=False)
        batch_op.create_index('ix_programme_items_programme_period', ['programme_id', 'period_kind', 'period'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_items_state'), ['state'], unique=False)

    op.create_table('programme_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('add', 'move', 'drop', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('new_period_kind', sa.Enum('month', 'quarter', name='new_period_kind', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('new_period', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('proposed', 'approved', 'refused', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'proposed') = (decided_at IS NULL)", name=op.f('ck_programme_adjustments_decided_when_not_proposed')),
    sa.CheckConstraint("kind <> 'move' OR (new_period_kind IS NOT NULL AND new_period IS NOT NULL)", name=op.f('ck_programme_adjustments_move_has_period')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_programme_adjustments_decided_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'], name=op.f('fk_programme_adjustments_item_id_programme_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_programme_adjustments_proposed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_adjustments'))
    )
    with op.batch_alter_table('programme_adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_adjustments_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_adjustments_status'), ['status'], unique=False)

    op.create_table('programme_item_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('entered', 'imported', 'proposed', 'approved', 'refused', 'put_on_agenda', 'presented', 'reminded', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_programme_item_events_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'], name=op.f('fk_programme_item_events_item_id_programme_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_item_events'))
    )
    with op.batch_alter_table('programme_item_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_item_events_item_id'), ['item_id'], unique=False)



def downgrade():
    with op.batch_alter_table('programme_item_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_item_events_item_id'))

    op.drop_table('programme_item_events')
    with op.batch_alter_table('programme_adjustments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_adjustments_status'))
        batch_op.drop_index(batch_op.f('ix_programme_adjustments_item_id'))

    op.drop_table('programme_adjustments')
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_items_state'))
        batch_op.drop_index('ix_programme_items_programme_period')
        batch_op.drop_index(batch_op.f('ix_programme_items_leader_id'))
        batch_op.drop_index(batch_op.f('ix_programme_items_lead_unit_id'))
        batch_op.drop_index(batch_op.f('ix_programme_items_agenda_item_id'))

    op.drop_table('programme_items')
    op.drop_table('programmes')
