"""Pages of plain words that editors keep, one text per language

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 02:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'content_page',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('slug', 'language'),
    )


def downgrade() -> None:
    op.drop_table('content_page')
