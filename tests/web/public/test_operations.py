"""What an operator relies on: the CLI, migrations that match the models, error pages, quiet logs."""

import logging
import shutil

from alembic import command
from sqlmodel import func, select

from directory.db import alembic_config
from directory.models import Service
from directory.web.request_logs import RequestLineScrubber
from tests.conftest import SAMPLE_DATA
from tests.factories import make_service


def test_cli_loads_a_package_and_the_site_can_find_it(app, runner, client):
    result = runner.invoke(args=["data", "load", str(SAMPLE_DATA)])
    assert result.exit_code == 0, result.output
    assert "Imported" in result.output
    assert "0 services found" not in client.get("/search?q=refuge").get_data(as_text=True)


def test_cli_load_of_a_bad_package_imports_nothing_and_says_where(app, runner, session, tmp_path):
    package = shutil.copytree(SAMPLE_DATA, tmp_path / "bad")
    services = (package / "services.csv").read_text(encoding="utf-8").replace(",active,", ",open,", 1)
    (package / "services.csv").write_text(services, encoding="utf-8")
    result = runner.invoke(args=["data", "load", str(package)])
    assert result.exit_code == 1
    assert "Nothing was imported. services.csv, row 2: status" in result.output
    assert session.exec(select(func.count(Service.id))).one() == 0


def test_cli_exports_a_package_that_loads_again(app, runner, tmp_path):
    assert runner.invoke(args=["data", "load", str(SAMPLE_DATA)]).exit_code == 0
    result = runner.invoke(args=["data", "export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "datapackage.json").exists()
    assert runner.invoke(args=["data", "load", str(tmp_path / "out")]).exit_code == 0


def test_cli_rebuilds_and_checks_the_index(app, runner, session):
    make_service(session, "Advice line")
    session.commit()
    assert runner.invoke(args=["search", "check"]).exit_code == 1
    result = runner.invoke(args=["search", "rebuild"])
    assert "Indexed 1 active services." in result.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_migrations_create_exactly_the_tables_the_models_describe(app):
    # Raises if autogenerate would find any difference between the migrated database and the models.
    command.check(alembic_config(app.extensions["database"]))


def test_a_search_index_deleted_at_run_time_is_rebuilt_from_the_database(app, client, session, reindex, tmp_path):
    make_service(session, "Advice line")
    reindex()
    app.extensions["indexer"].engine.close()
    shutil.rmtree(tmp_path / "index")
    assert "1 service found" in client.get("/search?q=advice").get_data(as_text=True)


def test_an_internal_error_shows_the_plain_error_page(app, client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("directory.web.public.routes.terms_in", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with this site" in response.get_data(as_text=True)
    assert "Exit this page" in response.get_data(as_text=True)


def test_request_log_lines_carry_neither_address_nor_search_words():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '203.0.113.9 - - [25/Nov/2026 10:00:00] "%s" %s %s',
                               ("GET /search?q=forced+marriage&where=BN1+1AA HTTP/1.1", "200", "-"), None)
    RequestLineScrubber().filter(record)
    line = record.getMessage()
    assert "203.0.113.9" not in line and "forced" not in line and "BN1" not in line
    assert '"GET /search HTTP/1.1" 200' in line
