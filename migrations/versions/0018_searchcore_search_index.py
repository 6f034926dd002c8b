"""search: the index of meetings, agenda items, materials' pages, minutes, conclusions, directives, notices, tasks
and their reports, and the vocabulary for fuzzy matching

SQLite: contentless FTS5 ``search_fts`` and the trigram FTS5 ``search_terms_trgm`` kept by a trigger.
PostgreSQL: ``search_entries.document`` (tsvector, GIN) and pg_trgm's GIN index on ``search_terms.term``.
These engine objects are unknown to the models (``ecabinet.search.models.ENGINE_OBJECTS``).

The index starts empty: run ``flask search rebuild`` once after upgrading a database with data (from then on it
follows every change).

Revision ID: searchcore
Revises: 0017
Create Date: 2026-12-07 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'searchcore'
down_revision = '0017'
branch_labels = None
depends_on = None

KINDS = ('meeting', 'agenda_item', 'material', 'minutes', 'conclusion', 'directive', 'notice', 'task', 'task_report')


def upgrade():
    op.create_table('search_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum(*KINDS, name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('material_id', sa.Integer(), nullable=True),
    sa.Column('notice_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('leader_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entries'))
    )
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.create_index('ix_search_entries_source', ['kind', 'source_id'], unique=False)
        batch_op.create_index('ix_search_entries_meeting', ['meeting_id'], unique=False)
        batch_op.create_index('ix_search_entries_material', ['material_id'], unique=False)
        batch_op.create_index('ix_search_entries_task', ['task_id'], unique=False)
    op.create_table('search_terms',
    sa.Column('term', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('term', name=op.f('pk_search_terms'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("ALTER TABLE search_entries ADD COLUMN document tsvector NOT NULL")
        op.execute("CREATE INDEX ix_search_entries_document ON search_entries USING gin (document)")
        op.execute("CREATE INDEX ix_search_terms_trgm ON search_terms USING gin (term gin_trgm_ops)")
    else:
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='', "
                   "tokenize='unicode61 remove_diacritics 0')")
        op.execute("CREATE VIRTUAL TABLE search_terms_trgm USING fts5(term, tokenize='trigram')")
        # pg_trgm pads a word with two spaces in front and one behind: so are the words here.
        op.execute("CREATE TRIGGER search_terms_trgm_insert AFTER INSERT ON search_terms BEGIN "
                   "INSERT INTO search_terms_trgm (rowid, term) VALUES (new.rowid, '  ' || new.term || ' '); END")


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        op.execute("DROP TRIGGER search_terms_trgm_insert")
        op.execute("DROP TABLE search_terms_trgm")
        op.execute("DROP TABLE search_fts")
    op.drop_table('search_terms')
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_search_entries_task')
        batch_op.drop_index('ix_search_entries_material')
        batch_op.drop_index('ix_search_entries_meeting')
        batch_op.drop_index('ix_search_entries_source')
    op.drop_table('search_entries')
