"""A structured data-sharing stance, "does not ask about status", neutral card names, step-level service queries

The free-text stance becomes the stance's note, and the stance itself starts as not known:
nobody has yet said which of the structured answers a service gives. Pathway rules lose their
rule-wide `flags` and `audience`: the victim's circumstances now decide, step by step, which
conditions a service must meet (directory/pathway/services.py); rulebook.install_rules brings
the shipped steps, with the services they refer to, to every rule nobody has edited.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 20:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

ANSWER = sa.Enum('yes', 'no', 'unknown', name='answer', native_enum=False, length=32)
STANCE = sa.Enum('never_shares', 'consent_or_risk', 'statutory', 'home_office_contract', 'unknown',
                 name='sharingstance', native_enum=False, length=32)


def upgrade() -> None:
    # Plain ALTER TABLE (rename, add column) on both SQLite and PostgreSQL: SQLite would otherwise copy
    # the whole table, which its foreign keys refuse. The defaults stay: "not known" until checked.
    op.execute('ALTER TABLE service RENAME COLUMN data_sharing_stance TO data_sharing_stance_note')
    op.add_column('service', sa.Column('data_sharing_stance', STANCE, nullable=False, server_default='unknown'))
    op.add_column('service', sa.Column('no_status_questions', ANSWER, nullable=False, server_default='unknown'))
    op.add_column('service', sa.Column('no_status_questions_checked_on', sa.Date(), nullable=True))
    op.add_column('service', sa.Column('card_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))

    rules = sa.table('pathway_rule', sa.column('id', sa.Uuid()), sa.column('service_query', sa.JSON()))
    connection = op.get_bind()
    for rule_id, query in connection.execute(sa.select(rules.c.id, rules.c.service_query)).all():
        kept = {key: value for key, value in (query or {}).items() if key == 'needs'}
        if kept != query:
            connection.execute(rules.update().where(rules.c.id == rule_id).values(service_query=kept))


def downgrade() -> None:
    for column in ('card_name', 'no_status_questions_checked_on', 'no_status_questions', 'data_sharing_stance'):
        op.execute(f'ALTER TABLE service DROP COLUMN {column}')
    op.execute('ALTER TABLE service RENAME COLUMN data_sharing_stance_note TO data_sharing_stance')
