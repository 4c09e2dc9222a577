"""The production path: the same app on PostgreSQL (DATABASE_URL), and several app hosts on one database.
Runs where TEST_POSTGRES_URL names an empty database the test may fill; .ci/run starts one. Elsewhere it
is skipped."""

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from app import create_app
from directory.db import upgrade_database
from directory.listings import editing as listings
from directory.models import User
from tests.conftest import SAMPLE_DATA
from tests.directory.evidence.test_unmet_need import INCREMENTS
from tests.directory.evidence.test_unmet_need import _two_workers as two_workers_counting
from tests.directory.test_change_log import another_host, found_within, public_search, rename_on
from tests.factories import make_service, make_user

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "postcodes"

# One database for every PostgreSQL test, so every one of them is in this file: `make test` hands each file
# to one pytest-xdist worker (--dist loadfile), and they run one after another.
pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="set TEST_POSTGRES_URL to run against PostgreSQL")


def empty_database() -> None:
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def app_on_postgres(tmp_path, load_sample: bool):
    return create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": POSTGRES_URL,
                       "SEARCH_INDEX_DIR": str(tmp_path / "index"), "LOAD_SAMPLE_DATA": load_sample,
                       "SAMPLE_DATA_DIR": str(SAMPLE_DATA)})


@pytest.fixture
def postgres_app(tmp_path):
    empty_database()
    return app_on_postgres(tmp_path, load_sample=True)


@pytest.fixture
def two_hosts(tmp_path):
    """Two app hosts on one PostgreSQL database, each with its own index folder, and two listings."""
    empty_database()
    host = app_on_postgres(tmp_path, load_sample=False)
    with Session(host.extensions["database"], expire_on_commit=False) as session:
        make_user(session)
        services = make_service(session, "Harbour advice line"), make_service(session, "Lighthouse line")
        session.commit()
        host.extensions["indexer"].rebuild(session)
    return host, another_host(host, tmp_path), [service.id for service in services]


def test_the_whole_app_runs_on_postgresql(postgres_app):
    client, runner = postgres_app.test_client(), postgres_app.test_cli_runner()
    assert "services found" in client.get("/search?q=dv&where=Crawley").get_data(as_text=True)
    assert client.get("/api/services?search=refuge&postcode=BN1+1AA&proximity=8000").json["total_items"] > 0
    for _ in range(2):  # the postcode upsert is PostgreSQL's own ON CONFLICT
        result = runner.invoke(args=["geo", "import-onspd", str(FIXTURES / "onspd_sample.csv")])
        assert "Imported 2 postcodes" in result.output
    assert "Showing results near" not in client.get("/search?where=BN1+1AA").get_data(as_text=True)
    assert runner.invoke(args=["data", "load", str(SAMPLE_DATA)]).exit_code == 0
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_an_edit_on_one_host_is_found_through_the_other_hosts_search(two_hosts):
    host, other, (harbour, _) = two_hosts
    assert "Harbour advice line" in public_search(other, "harbour")
    rename_on(host, harbour, "Quayside befriending line")
    assert found_within(other, "quayside", "Quayside befriending line")


def test_an_edit_that_commits_after_a_later_one_is_still_found(two_hosts):
    """A transaction holding a lower log number commits after one holding a higher: the gap is awaited."""
    host, other, (harbour, lighthouse) = two_hosts
    with Session(host.extensions["database"], expire_on_commit=False) as slow:
        service = listings.load_service(slow, harbour)
        snapshot = listings.service_snapshot(service)
        snapshot["service"]["name"] = "Kestrel line"
        editor = slow.exec(select(User)).one()
        listings.save_service(slow, service, snapshot, listings.Edit(editor, service.version), publish=True)
        slow.flush()  # its log line has its number, but is not committed
        rename_on(host, lighthouse, "Zephyr line")  # a later number, committed first
        assert found_within(other, "zephyr", "Zephyr line")
        slow.commit()
    assert found_within(other, "kestrel", "Kestrel line")


def test_two_workers_counting_at_once_lose_no_increment_on_postgresql():
    empty_database()
    engine = create_engine(POSTGRES_URL)
    upgrade_database(engine)
    engine.dispose()
    assert two_workers_counting(POSTGRES_URL) == [2 * INCREMENTS]
