"""The security log: sign-ins, second factors, account changes, full exports, imports, refusals

An append-only table beside the change history (change_record), read by admins. It holds a
network (IPv4 /24, IPv6 /48), never a whole address, and names only staff accounts.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 12:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'security_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('account_id', sa.Uuid(), nullable=True),
        sa.Column('by_id', sa.Uuid(), nullable=True),
        sa.Column('network', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column('change_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['by_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['change_id'], ['change_record.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_security_event_at', 'security_event', ['at'])
    op.create_index('ix_security_event_kind', 'security_event', ['kind'])
    op.create_index('ix_security_event_account_id', 'security_event', ['account_id'])


def downgrade() -> None:
    op.drop_table('security_event')
