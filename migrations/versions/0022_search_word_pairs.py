"""search on PostgreSQL: each entry's ``document`` also holds its pairs of neighbouring words as lexemes, so that a
phrase is answered by the GIN index instead of the positions of every candidate's whole text; the entries already
indexed are indexed again.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 18:20:00

"""
from alembic import op
import sqlalchemy as sa

from ecabinet.search.engines.postgresql import pairs
from ecabinet.search.folding import index_text


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

BATCH = 500
DOCUMENT = ("setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :body), 'B')")


def _index_again(with_pairs: bool) -> None:
    bind = op.get_bind()
    document = DOCUMENT + (" || array_to_tsvector(CAST(:pairs AS text[]))" if with_pairs else "")
    update = sa.text(f"UPDATE search_entries SET document = {document} WHERE id = :id")
    last = 0
    while True:
        rows = bind.execute(sa.text("SELECT id, title, body FROM search_entries WHERE id > :last ORDER BY id "
                                    "LIMIT :n"), {"last": last, "n": BATCH}).all()
        if not rows:
            return
        values = []
        for entry_id, title, body in rows:
            indexed_title, indexed_body = index_text(title), index_text(body)
            values.append({"id": entry_id, "title": indexed_title, "body": indexed_body,
                           "pairs": pairs(indexed_title, indexed_body)})
        bind.execute(update, values)
        last = rows[-1][0]


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _index_again(with_pairs=True)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _index_again(with_pairs=False)
