"""Add pathway rules and referral records

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 14:54:05.631106
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pathway_rule',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('service_query', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('referral_record',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('service_id', sa.Uuid(), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('crime_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('risk', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('officer_id', sa.Uuid(), nullable=False),
    sa.Column('crime_reference', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('district_code', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('referral_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_record_referred_on'), ['referred_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_record_service_id'), ['service_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('referral_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_record_service_id'))
        batch_op.drop_index(batch_op.f('ix_referral_record_referred_on'))

    op.drop_table('referral_record')
    op.drop_table('pathway_rule')
