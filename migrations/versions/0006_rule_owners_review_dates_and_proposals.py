"""Pathway rules gain an owner, a "policy as at" date and a "review by" date; rule proposals; referral
records lose the crime reference

A rule's owner and dates start empty (so the rule shows as due for review) until the shipped
rules fill them in on start for every rule nobody edited here; a rule edited here gets them as
a proposal for a policy approver (directory/pathway/rulebook.py). `shipped` remembers the
shipped version last read, so each release's change is applied or proposed once.

Referral records are for commissioners' counts; a crime reference would tie each one to the
victim's crime record, so the column and what it held go.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 22:10:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('pathway_rule', sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False,
                                            server_default=''))
    op.add_column('pathway_rule', sa.Column('policy_as_at', sa.Date(), nullable=True))
    op.add_column('pathway_rule', sa.Column('review_by', sa.Date(), nullable=True))
    op.add_column('pathway_rule', sa.Column('shipped', sa.JSON(), nullable=True))
    op.create_table(
        'rule_proposal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rule_id', sa.Uuid(), nullable=False),
        sa.Column('rule', sa.JSON(), nullable=False),
        sa.Column('base_version', sa.Integer(), nullable=False),
        sa.Column('proposed_by_id', sa.Uuid(), nullable=True),
        sa.Column('proposed_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('proposed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('status', sa.Enum('pending', 'published', 'rejected', 'superseded', name='proposalstatus',
                                    native_enum=False, length=32), nullable=False),
        sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['rule_id'], ['pathway_rule.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_rule_proposal_rule_id'), 'rule_proposal', ['rule_id'], unique=False)
    op.execute('ALTER TABLE referral_record DROP COLUMN crime_reference')


def downgrade() -> None:
    op.add_column('referral_record', sa.Column('crime_reference', sqlmodel.sql.sqltypes.AutoString(length=32),
                                               nullable=True))
    op.drop_index(op.f('ix_rule_proposal_rule_id'), table_name='rule_proposal')
    op.drop_table('rule_proposal')
    for column in ('shipped', 'review_by', 'policy_as_at', 'owner'):
        op.execute(f'ALTER TABLE pathway_rule DROP COLUMN {column}')
