"""The production path: the same app on PostgreSQL (DATABASE_URL). Runs where TEST_POSTGRES_URL
names an empty database the test may fill; .ci/run starts one. Elsewhere it is skipped."""

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from tests.conftest import SAMPLE_DATA

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "postcodes"

# One database for every PostgreSQL test: run on one pytest-xdist worker, one after another.
pytestmark = [pytest.mark.skipif(not POSTGRES_URL, reason="set TEST_POSTGRES_URL to run against PostgreSQL"),
              pytest.mark.xdist_group("postgres")]


@pytest.fixture
def postgres_app(tmp_path):
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": POSTGRES_URL,
                       "SEARCH_INDEX_DIR": str(tmp_path / "index"), "LOAD_SAMPLE_DATA": True,
                       "SAMPLE_DATA_DIR": str(SAMPLE_DATA)})


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
