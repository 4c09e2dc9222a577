"""The "led by and for" access condition: services run by and for the communities they serve

A victim may only feel safe with a service led by people who share her community (Black and
minoritised women, Deaf people, LGBT+ people). Every service starts as not known, with no date:
nobody has checked yet, and not known is never shown or filtered as yes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 10:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

ANSWER = sa.Enum('yes', 'no', 'unknown', name='answer', native_enum=False, length=32)
COLUMNS = ('led_by_and_for', 'led_by_and_for_note', 'led_by_and_for_checked_on')


def upgrade() -> None:
    # Plain ALTER TABLE on both SQLite and PostgreSQL, as in 0005: SQLite would otherwise copy the
    # whole table, which its foreign keys refuse.
    op.add_column('service', sa.Column('led_by_and_for', ANSWER, nullable=False, server_default='unknown'))
    op.add_column('service', sa.Column('led_by_and_for_note', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.add_column('service', sa.Column('led_by_and_for_checked_on', sa.Date(), nullable=True))


def downgrade() -> None:
    for column in reversed(COLUMNS):
        op.execute(f'ALTER TABLE service DROP COLUMN {column}')
