"""Migrations that add a condition's columns keep every listing, and leave the new answer not known."""

from alembic import command
from sqlalchemy import inspect, text

from directory.db import alembic_config
from directory.models import Answer, Service
from tests.factories import make_service

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
