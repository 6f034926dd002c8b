"""reorganisations of units (merge, split, rename), the rows they moved, and each unit's successor

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def _enum(name, values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('successor_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_units_successor_id_units'), 'units', ['successor_id'], ['id'],
                                    ondelete='RESTRICT')
        batch_op.create_check_constraint('not_own_successor', 'successor_id IS NULL OR successor_id <> id')
    op.create_table(
        'reorganisations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', _enum('kind', ('merge', 'split', 'rename')), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('decision', sa.String(length=500), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('applied_by_id', sa.Integer(), nullable=True),
        sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['applied_by_id'], ['users.id'], name=op.f('fk_reorganisations_applied_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reorganisations')),
    )
    op.create_index(op.f('ix_reorganisations_effective_on'), 'reorganisations', ['effective_on'], unique=False)
    op.create_table(
        'reorganisation_units',
        sa.Column('reorganisation_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('role', _enum('role', ('predecessor', 'successor')), nullable=False),
        sa.ForeignKeyConstraint(['reorganisation_id'], ['reorganisations.id'],
                                name=op.f('fk_reorganisation_units_reorganisation_id_reorganisations'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_reorganisation_units_unit_id_units'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('reorganisation_id', 'unit_id', name=op.f('pk_reorganisation_units')),
    )
    op.create_index('ix_reorganisation_units_unit', 'reorganisation_units', ['unit_id'], unique=False)
    op.create_table(
        'reorganisation_moves',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reorganisation_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=32), nullable=False),
        sa.Column('row_id', sa.Integer(), nullable=False),
        sa.Column('from_unit_id', sa.Integer(), nullable=False),
        sa.Column('to_unit_id', sa.Integer(), nullable=False),
        sa.Column('outcome', _enum('outcome', ('moved', 'dropped')), nullable=False),
        sa.ForeignKeyConstraint(['from_unit_id'], ['units.id'], name=op.f('fk_reorganisation_moves_from_unit_id_units'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['reorganisation_id'], ['reorganisations.id'],
                                name=op.f('fk_reorganisation_moves_reorganisation_id_reorganisations'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['to_unit_id'], ['units.id'], name=op.f('fk_reorganisation_moves_to_unit_id_units'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reorganisation_moves')),
    )
    op.create_index(op.f('ix_reorganisation_moves_reorganisation_id'), 'reorganisation_moves', ['reorganisation_id'],
                    unique=False)
    op.create_index('ix_reorganisation_moves_subject', 'reorganisation_moves', ['subject', 'row_id'], unique=False)


def downgrade():
    op.drop_index('ix_reorganisation_moves_subject', table_name='reorganisation_moves')
    op.drop_index(op.f('ix_reorganisation_moves_reorganisation_id'), table_name='reorganisation_moves')
    op.drop_table('reorganisation_moves')
    op.drop_index('ix_reorganisation_units_unit', table_name='reorganisation_units')
    op.drop_table('reorganisation_units')
    op.drop_index(op.f('ix_reorganisations_effective_on'), table_name='reorganisations')
    op.drop_table('reorganisations')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_units_not_own_successor'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_units_successor_id_units'), type_='foreignkey')
        batch_op.drop_column('successor_id')
