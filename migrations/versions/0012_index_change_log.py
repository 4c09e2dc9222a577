"""The search index change log every app host's index follows, and the register of how far each has got,
in place of the outbox one host emptied

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 03:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # AUTOINCREMENT on SQLite: a number is never given twice, even after every line has been pruned.
    log = op.create_table(
        'index_change',
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Uuid(), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('seq'),
        sqlite_autoincrement=True,
    )
    op.create_table(
        'index_follower',
        sa.Column('index_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('index_id'),
    )
    # Changes still queued are logged, so no index misses them (every index then rebuilds once anyway:
    # none has a position yet).
    outbox = sa.table('index_outbox', sa.column('service_id', sa.Uuid()),
                      sa.column('queued_at', sqlmodel.sql.sqltypes.UTCDateTime()))
    waiting = op.get_bind().execute(sa.select(outbox.c.service_id, outbox.c.queued_at).order_by(outbox.c.queued_at))
    rows = [{'service_id': service_id, 'at': queued_at} for service_id, queued_at in waiting]
    if rows:
        op.bulk_insert(log, rows)
    op.drop_table('index_outbox')


def downgrade() -> None:
    op.create_table(
        'index_outbox',
        sa.Column('service_id', sa.Uuid(), nullable=False),
        sa.Column('queued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('service_id'),
    )
    op.drop_table('index_follower')
    op.drop_table('index_change')
