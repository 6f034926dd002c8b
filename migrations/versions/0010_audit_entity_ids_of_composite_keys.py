"""audit entity ids hold composite keys: a user's notification preference is "user id,kind" (up to 75 characters)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 01:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _entity_id_length(length):
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column('audit_events', 'entity_id', type_=sa.String(length), existing_nullable=True)
        return
    # SQLite rebuilds the table, and a dropped table loses its triggers: the append-only ones are made again.
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('entity_id', type_=sa.String(length), existing_nullable=True)
    for event in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events "
                   "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")


def upgrade():
    _entity_id_length(128)


def downgrade():
    _entity_id_length(64)
