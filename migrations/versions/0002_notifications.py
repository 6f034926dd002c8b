"""notifications: in-app notifications, their e-mail outbox, preferences

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 04:51:14.098704

One notification per event and recipient, ever: UNIQUE (event_key, user_id) is what
``notify`` relies on (INSERT … ON CONFLICT DO NOTHING) to stay idempotent under retries and
concurrent transactions.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('in_app', sa.Boolean(), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.CheckConstraint('length(kind) BETWEEN 1 AND 64', name=op.f('ck_notification_preferences_kind_length')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_preferences'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('event_key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('in_app', sa.Boolean(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("link IS NULL OR (link LIKE '/%' AND link NOT LIKE '//%')", name=op.f('ck_notifications_link_relative')),
    sa.CheckConstraint('length(event_key) >= 1', name=op.f('ck_notifications_event_key_not_empty')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('event_key', 'user_id', name=op.f('uq_notifications_event_key_user_id'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('email_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=255), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sending', 'sent', 'failed', 'skipped', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attachment_sha256', sa.String(length=64), nullable=True),
    sa.Column('attachment_name', sa.String(length=255), nullable=True),
    sa.Column('attachment_type', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status <> 'sending' OR claimed_at IS NOT NULL", name=op.f('ck_email_deliveries_sending_is_claimed')),
    sa.CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name=op.f('ck_email_deliveries_sent_has_time')),
    sa.CheckConstraint('(attachment_sha256 IS NULL AND attachment_name IS NULL AND attachment_type IS NULL) OR (attachment_sha256 IS NOT NULL AND attachment_name IS NOT NULL AND attachment_type IS NOT NULL)', name=op.f('ck_email_deliveries_attachment_complete')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_email_deliveries_attempts_not_negative')),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], name=op.f('fk_email_deliveries_notification_id_notifications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_deliveries')),
    sa.UniqueConstraint('notification_id', name=op.f('uq_email_deliveries_notification_id'))
    )
    with op.batch_alter_table('email_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_email_deliveries_due', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('email_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_email_deliveries_due')

    op.drop_table('email_deliveries')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')

    op.drop_table('notifications')
    op.drop_table('notification_preferences')
