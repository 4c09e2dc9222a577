"""Monthly tallies: unmet need (searches and pathways that found nothing), and referrals by immigration
concern and no recourse to public funds, kept apart from the referral record

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 02:00:00
"""

from collections import Counter

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _key(name: str, length: int) -> sa.Column:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=False)


def upgrade() -> None:
    op.create_table(
        'unmet_need_tally',
        _key('month', 7), _key('source', 8), _key('need', 64), _key('district', 16), _key('conditions', 255),
        _key('harm', 255),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', 'source', 'need', 'district', 'conditions', 'harm'),
    )
    tally = op.create_table(
        'referral_tally',
        _key('month', 7), _key('district', 16), _key('immigration_concern', 16), _key('nrpf', 16),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', 'district', 'immigration_concern', 'nrpf'),
    )
    # Referrals recorded before the questions were asked: "not asked", so the tallies count the same referrals.
    records = sa.table('referral_record', sa.column('referred_on', sa.Date()), sa.column('district_code', sa.String()))
    counts = Counter((referred_on.strftime('%Y-%m'), district or '')
                     for referred_on, district in op.get_bind().execute(sa.select(records)))
    if counts:
        op.bulk_insert(tally, [{'month': month, 'district': district, 'immigration_concern': 'not_asked',
                                'nrpf': 'not_asked', 'count': count} for (month, district), count in counts.items()])


def downgrade() -> None:
    op.drop_table('referral_tally')
    op.drop_table('unmet_need_tally')
