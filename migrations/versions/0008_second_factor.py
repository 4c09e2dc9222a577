"""Second factor for staff and officers: an authenticator app's secret, the last code's time step, recovery codes

One row per account that has started setting up an authenticator app; none until then. An admin's
reset deletes the row, so the person sets it up again at their next sign-in.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 10:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('second_factor',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('secret', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_used_step', sa.Integer(), nullable=True),
    sa.Column('recovery_code_hashes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('user_id')
    )


def downgrade() -> None:
    op.drop_table('second_factor')
