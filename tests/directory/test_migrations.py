"""Migrations keep what they must (every listing, every rule) and leave what is new not known or due for review."""

from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import select
from sqlmodel.sql.sqltypes import UTCDateTime

from directory.db import alembic_config
from directory.evidence.tallies import ReferralTally
from directory.indexing.changes import IndexChange
from directory.models import Answer, Role, Service
from directory.pathway import referrals, rulebook
from tests.factories import make_service, make_user

LED_BY_AND_FOR = {"led_by_and_for", "led_by_and_for_note", "led_by_and_for_checked_on"}


def service_columns(engine) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns("service")}


def test_0007_adds_led_by_and_for_to_a_directory_with_listings_as_not_known(app, session):
    engine = app.extensions["database"]
    service_id = make_service(session, "Harbour advice").id
    session.commit()
    session.close()
    config = alembic_config(engine)

    command.downgrade(config, "0006")
    assert not LED_BY_AND_FOR & service_columns(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM service")).scalar() == 1

    command.upgrade(config, "head")
    assert LED_BY_AND_FOR <= service_columns(engine)
    service = session.get(Service, service_id)
    assert (service.led_by_and_for, service.led_by_and_for_checked_on) == (Answer.UNKNOWN, None)


def test_0006_gives_rules_owners_and_dates_through_the_shipped_file_and_drops_crime_references(app, session):
    engine = app.extensions["database"]
    session.close()
    config = alembic_config(engine)
    command.downgrade(config, "0005")
    assert "crime_reference" in {column["name"] for column in inspect(engine).get_columns("referral_record")}
    assert "rule_proposal" not in inspect(engine).get_table_names()

    command.upgrade(config, "head")
    assert "crime_reference" not in {column["name"] for column in inspect(engine).get_columns("referral_record")}
    assert "rule_proposal" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM pathway_rule WHERE owner = '' AND review_by IS NULL "
                                       "AND shipped IS NULL")).scalar() == len(rulebook.rule_rows(session))
    assert len(rulebook.due_for_review(session, date(2026, 11, 28))) == len(rulebook.rule_rows(session))

    done = rulebook.upgrade_rules(session, app.config["PATHWAY_RULES_FILE"])  # as on the next start
    session.commit()
    assert len(done.upgraded) == len(rulebook.rule_rows(session)) and not done.proposed
    assert rulebook.due_for_review(session, date(2026, 11, 28)) == []


def test_0011_counts_referrals_already_recorded_as_not_asked(app, session):
    officer, service = make_user(session, Role.OFFICER), make_service(session, "Harbour advice")
    days = ((date(2026, 10, 2), "E07000226"), (date(2026, 10, 30), "E07000226"), (date(2026, 11, 1), None))
    for day, district in days:
        referrals.record_referral(session, service_id=service.id, referred_on=day, crime_type="fraud", risk="high",
                                  consent=True, officer=officer, district_code=district)
    session.commit()
    session.close()
    config = alembic_config(app.extensions["database"])
    command.downgrade(config, "0010")
    assert "referral_tally" not in inspect(app.extensions["database"]).get_table_names()
    command.upgrade(config, "head")
    assert sorted((t.month, t.district, t.immigration_concern, t.nrpf, t.count)
                  for t in session.exec(select(ReferralTally))) == [
        ("2026-10", "E07000226", "not_asked", "not_asked", 2), ("2026-11", "", "not_asked", "not_asked", 1)]


def test_0012_logs_the_changes_still_queued_in_the_outbox_it_replaces(app, session):
    service_id = make_service(session, "Harbour advice").id
    session.commit()
    session.close()
    engine = app.extensions["database"]
    config = alembic_config(engine)
    command.downgrade(config, "0011")
    assert "index_change" not in inspect(engine).get_table_names()
    outbox = sa.table("index_outbox", sa.column("service_id", sa.Uuid()), sa.column("queued_at", UTCDateTime()),
                      sa.column("attempts", sa.Integer()))
    with engine.begin() as connection:
        connection.execute(outbox.insert().values(service_id=service_id, queued_at=datetime(2026, 11, 29, 10, tzinfo=timezone.utc),
                                                  attempts=2))
    command.upgrade(config, "head")
    assert "index_outbox" not in inspect(engine).get_table_names()
    assert session.exec(select(IndexChange.service_id)).all() == [service_id]
