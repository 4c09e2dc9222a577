"""/healthz, the load balancer's question: 200 "ok" only when this host's database and index can answer."""

import logging
import runpy
from datetime import timedelta
from pathlib import Path

from gunicorn.config import Config
from sqlalchemy import create_engine

from directory.listings.editing import queue_reindex
from directory.models import utc_now
from directory.web.request_logs import HealthChecksUnlogged
from tests.factories import make_service

ROOT = Path(__file__).resolve().parents[2]


def health(client) -> tuple[int, str]:
    response = client.get("/healthz")
    assert response.mimetype == "text/plain" and "Set-Cookie" not in response.headers
    return response.status_code, response.get_data(as_text=True)


def test_a_current_host_says_ok(client, session, reindex):
    make_service(session, "Harbour advice line")
    reindex()
    assert health(client) == (200, "ok")


def test_a_host_whose_index_cannot_catch_up_is_taken_out_until_it_has(app, client, session, reindex, monkeypatch):
    service = make_service(session, "Harbour advice line")
    reindex()
    service.name, service.last_modified = "Quayside line", utc_now()
    queue_reindex(session, service.id)
    session.commit()  # logged, as an edit on another host leaves it

    def locked(*_changes):
        raise OSError("index is locked")

    monkeypatch.setattr(app.extensions["indexer"].engine.index, "apply", locked)
    assert health(client) == (503, "search index behind the change log")
    monkeypatch.undo()
    assert health(client) == (200, "ok")  # it caught up


def test_a_host_whose_index_drifted_from_the_database_is_taken_out(client, session, reindex):
    service = make_service(session, "Harbour advice line")
    reindex()
    service.name, service.last_modified = "Quayside line", utc_now() + timedelta(seconds=5)
    session.commit()  # changed behind the log's back
    assert health(client) == (503, "search index does not match the database")


def test_a_host_that_cannot_reach_the_database_is_taken_out(app, client, tmp_path, monkeypatch):
    monkeypatch.setitem(app.extensions, "database", create_engine(f"sqlite:///{tmp_path}/gone/directory.sqlite"))
    assert health(client) == (503, "database unreachable")


def test_health_checks_stay_out_of_both_servers_request_logs(app):
    werkzeug = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '- - - [29/Nov/2026 10:00:00] "%s" %s %s',
                                 ("GET /healthz HTTP/1.1", "200", "-"), None)
    gunicorn = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(t)s "%(m)s %(U)s" %(s)s',
                                 ({"t": "[29/Nov/2026:10:00:00 +0000]", "m": "GET", "U": "/healthz", "s": "200"},),
                                 None)
    search = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(t)s "%(m)s %(U)s" %(s)s',
                               ({"t": "[29/Nov/2026:10:00:00 +0000]", "m": "GET", "U": "/search", "s": "200"},), None)
    quiet = HealthChecksUnlogged()
    assert (quiet.filter(werkzeug), quiet.filter(gunicorn), quiet.filter(search)) == (False, False, True)
    logger = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["ScrubbedLogger"](Config())
    assert any(isinstance(f, HealthChecksUnlogged) for f in logger.access_log.filters)
    assert any(isinstance(f, HealthChecksUnlogged) for f in logging.getLogger("werkzeug").filters)
