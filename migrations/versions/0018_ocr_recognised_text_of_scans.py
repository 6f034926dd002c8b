"""material versions: OCR of pages without a text layer, its progress and the copy with the recognised text

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('material_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ocr_status', sa.Enum('none', 'pending', 'running', 'done', 'failed',
                                                            name='ocr_status', native_enum=False,
                                                            create_constraint=True, length=32),
                                      nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('ocr_pages', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('ocr_pages_done', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('ocr_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('ocr_error', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('ocr_heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ocr_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ocr_sha256', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_material_versions_ocr_status'), ['ocr_status'], unique=False)
    with op.batch_alter_table('material_versions', schema=None) as batch_op:
        batch_op.alter_column('ocr_status', server_default=None)
        batch_op.alter_column('ocr_pages_done', server_default=None)
        batch_op.alter_column('ocr_attempts', server_default=None)


def downgrade():
    with op.batch_alter_table('material_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_material_versions_ocr_status'))
        batch_op.drop_constraint(op.f('ck_material_versions_ocr_status'), type_='check')
        for column in ('ocr_sha256', 'ocr_at', 'ocr_heartbeat_at', 'ocr_error', 'ocr_attempts', 'ocr_pages_done',
                       'ocr_pages', 'ocr_status'):
            batch_op.drop_column(column)
