"""periodic task reports roll on; covering deadline index for task statistics

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 16:36:22.254491

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

CHECKS = (
    ('periodic_report_has_deadline',
     "recurrence = 'none' OR (deadline_on IS NOT NULL AND recurrence_anchor_on IS NOT NULL)"),
    ('until_only_when_periodic', "recurrence_until IS NULL OR recurrence <> 'none'"),
    ('notice_task_names_notice', "source <> 'notice' OR notice_id IS NOT NULL"),
)
REPLACED_CHECK = ('notice_task_has_directive',
                  "source <> 'notice' OR (notice_id IS NOT NULL AND directive_id IS NOT NULL)")
COVERING = ['deadline_on', 'status', 'completed_on', 'lead_unit_id', 'assigned_by_id', 'sector_id', 'source']


def upgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recurrence_anchor_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('recurrence_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('previous_period_id', sa.Integer(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_tasks_deadline'))
        batch_op.create_index('ix_tasks_deadline_covering', COVERING, unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_tasks_previous_period_id'), ['previous_period_id'])
        batch_op.create_foreign_key(batch_op.f('fk_tasks_previous_period_id_tasks'), 'tasks', ['previous_period_id'],
                                    ['id'], ondelete='RESTRICT')
    # A periodic report counts from its deadline: one without a deadline (0008 allowed it) becomes a plain task.
    op.execute("UPDATE tasks SET recurrence = 'none' WHERE recurrence <> 'none' AND deadline_on IS NULL")
    op.execute("UPDATE tasks SET recurrence_anchor_on = deadline_on WHERE recurrence <> 'none'")
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_tasks_{REPLACED_CHECK[0]}'), type_='check')
        for name, condition in CHECKS:
            batch_op.create_check_constraint(name, condition)


def downgrade():
    # Parts and later periods of a notice's task name no directive: before 0009 they counted as entered by hand.
    op.execute("UPDATE tasks SET source = 'manual' WHERE source = 'notice' AND directive_id IS NULL")
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        for name, _condition in CHECKS:
            batch_op.drop_constraint(op.f(f'ck_tasks_{name}'), type_='check')
        batch_op.create_check_constraint(*REPLACED_CHECK)
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tasks_previous_period_id_tasks'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_tasks_previous_period_id'), type_='unique')
        batch_op.drop_index('ix_tasks_deadline_covering')
        batch_op.create_index(batch_op.f('ix_tasks_deadline'), ['deadline_on'], unique=False)
        batch_op.drop_column('previous_period_id')
        batch_op.drop_column('recurrence_until')
        batch_op.drop_column('recurrence_anchor_on')
