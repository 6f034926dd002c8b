"""search on SQLite: the text of materials' pages in an FTS5 table of its own, ``search_pages_fts`` (a search of
whole sources in ``search_fts`` no longer reads the pages' postings); the pages already indexed are indexed there.
Their old postings in ``search_fts`` (column ``page``) are never matched; ``flask search rebuild`` drops them.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 16:20:00

"""
from alembic import op
import sqlalchemy as sa

from ecabinet.search.folding import index_text


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        return
    op.execute("CREATE VIRTUAL TABLE search_pages_fts USING fts5(page, content='', "
               "tokenize='unicode61 remove_diacritics 0')")
    pages = bind.execute(sa.text("SELECT id, body FROM search_entries WHERE page IS NOT NULL ORDER BY id")).all()
    for start in range(0, len(pages), BATCH):
        bind.execute(sa.text("INSERT INTO search_pages_fts (rowid, page) VALUES (:id, :page)"),
                     [{"id": entry_id, "page": index_text(body)} for entry_id, body in pages[start:start + BATCH]])


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        op.execute("DROP TABLE search_pages_fts")
