"""What production relies on beyond the code: HTTPS kept to, hosts trusted, secrets strong, logs and folders clean."""

import logging
import os
import runpy
import socket
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from directory import config
from tests.conftest import _app

PROJECT_ROOT = Path(__file__).resolve().parents[3]
STRONG_KEY = "9f1c0e5b7d2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e2b4d6f8a"


# -- HTTPS ------------------------------------------------------------------------------------


def test_browsers_are_told_to_keep_to_https_when_the_site_is_served_over_it(client):
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/").headers  # plain http on a laptop: nothing to keep to


def test_behind_a_proxy_https_is_read_from_the_proxy(tmp_path):
    client = _app(tmp_path, load_sample=False, BEHIND_PROXY=True).test_client()
    assert "Strict-Transport-Security" in client.get("/", headers={"X-Forwarded-Proto": "https"}).headers


@pytest.mark.parametrize(("environment", "seconds"), [({}, 31536000), ({"SESSION_COOKIE_SECURE": "0"}, 0),
                                                      ({"HSTS_SECONDS": "600"}, 600)])
def test_hsts_is_on_wherever_cookies_are_secure(tmp_path, monkeypatch, environment, seconds):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert config.from_environment(str(tmp_path))["HSTS_SECONDS"] == seconds


# -- host names -------------------------------------------------------------------------------


@pytest.mark.parametrize(("environment", "trusted"), [
    ({}, None),
    ({"SERVER_NAME": "directory.example.org"}, ["directory.example.org"]),
    ({"SERVER_NAME": "directory.example.org:8443"}, ["directory.example.org"]),
    ({"TRUSTED_HOSTS": "directory.example.org, www.directory.example.org", "SERVER_NAME": "directory.example.org"},
     ["directory.example.org", "www.directory.example.org"]),
])
def test_trusted_hosts_are_read_from_the_environment(tmp_path, monkeypatch, environment, trusted):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert config.from_environment(str(tmp_path))["TRUSTED_HOSTS"] == trusted


@pytest.mark.parametrize("behind_proxy", [False, True])
def test_a_forged_host_never_becomes_a_link(tmp_path, monkeypatch, behind_proxy):
    """The API root's link and the support card's QR code are absolute: they must not point at a forger's site."""
    monkeypatch.setenv("SERVER_NAME", "directory.example.org")
    client = _app(tmp_path, load_sample=False, BEHIND_PROXY=behind_proxy).test_client()
    forged = {"X-Forwarded-Host": "evil.example"} if behind_proxy else {"Host": "evil.example"}
    response = client.get("/api/", headers=forged)
    assert response.status_code == 400 and b"//evil.example" not in response.data
    genuine = client.get("/api/", headers={"Host": "directory.example.org"})
    assert genuine.json["openapi_url"] == "http://directory.example.org/api/openapi.json"


def test_the_api_root_is_kept_by_no_shared_cache(client):
    """Its link is built from the request's host, so one visitor's answer is not another's."""
    cache_control = client.get("/api/").headers["Cache-Control"]
    assert "private" in cache_control and "public" not in cache_control


# -- the secret key ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "short", "change-me-in-production", "x" * 64])
def test_production_refuses_to_start_with_a_missing_or_weak_secret_key(tmp_path, monkeypatch, key):
    monkeypatch.setenv("LOAD_SAMPLE_DATA", "0")
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ValueError, match="SECRET_KEY must be set to a random value of at least 32 characters"):
        config.from_environment(str(tmp_path))


def test_a_strong_key_starts_production_and_a_laptop_needs_none(tmp_path, monkeypatch):
    monkeypatch.setenv("LOAD_SAMPLE_DATA", "0")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    assert config.from_environment(str(tmp_path))["SECRET_KEY"] == STRONG_KEY
    monkeypatch.setenv("LOAD_SAMPLE_DATA", "1")
    monkeypatch.delenv("SECRET_KEY")
    assert len(config.from_environment(str(tmp_path))["SECRET_KEY"]) == 64  # generated into instance/


# -- servers and their logs -------------------------------------------------------------------


def gunicorn_settings(monkeypatch, **environment) -> dict:
    pytest.importorskip("gunicorn")
    for name in ("BIND", "BEHIND_PROXY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))


@pytest.mark.parametrize(("environment", "bind"), [({}, "0.0.0.0:8000"), ({"BEHIND_PROXY": "1"}, "127.0.0.1:8000"),
                                                   ({"BEHIND_PROXY": "1", "BIND": "10.0.0.5:8000"}, "10.0.0.5:8000")])
def test_behind_a_proxy_gunicorn_listens_on_this_machine_only(monkeypatch, environment, bind):
    """Else a client reaching gunicorn directly sends its own X-Forwarded-For and escapes the sign-in limits."""
    assert gunicorn_settings(monkeypatch, **environment)["bind"] == bind


def test_gunicorn_logs_a_malformed_request_without_address_or_search_words(monkeypatch, tmp_path):
    from gunicorn.config import Config

    settings = gunicorn_settings(monkeypatch)
    cfg = Config()
    cfg.set("errorlog", str(tmp_path / "error.log"))
    logger = settings["logger_class"](cfg)
    # As gunicorn's worker words them (gunicorn/workers/base.py, handle_error).
    logger.warning("Invalid request from ip=203.0.113.9: Invalid HTTP Version: 'marriage&where=BN3 9RX HTTP/1.1'")
    logger.warning("Invalid request from ip=2001:db8::9: Request Line is too large (5000 > 4094)")
    logger.error("Error handling request %s %s", "GET", "/search?q=forced+marriage&where=BN3+9RX")
    for handler in logger.error_log.handlers:
        handler.flush()
    log = (tmp_path / "error.log").read_text()
    assert "Invalid HTTP Version" in log and "Request Line is too large" in log and "GET /search" in log
    for secret in ("203.0.113", "2001:db8", "marriage", "BN3", "forced"):
        assert secret not in log, secret


@pytest.mark.parametrize("request_line", [b"GET /search?q=forced marriage&where=BN3 9RX HTTP/1.1",
                                          b"GET /search?q=forced+marriage&where=BN3+9RX HTTP/1.1"])
def test_the_development_server_logs_requests_without_address_or_search_words(app, caplog, request_line):
    caplog.set_level(logging.INFO, logger="werkzeug")
    server = make_server("127.0.0.1", 0, app)
    serving = threading.Thread(target=server.handle_request)
    serving.start()
    with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as connection:
        connection.sendall(request_line + b"\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        while connection.recv(65536):
            pass
    serving.join(timeout=10)
    server.server_close()
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert lines and any("/search" in line or "Bad request" in line for line in lines)
    for secret in ("127.0.0.1", "marriage", "BN3", "forced"):
        assert not any(secret in line for line in lines), (secret, lines)


# -- uploads waiting to be applied ------------------------------------------------------------


def waiting_upload(folder: Path, name: str, days_old: float) -> Path:
    place = folder / name
    place.mkdir(parents=True)
    (place / "everything.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    moment = time.time() - days_old * 86400
    os.utime(place, (moment, moment))
    return place


def test_uploads_never_applied_are_deleted_after_a_day_by_the_daily_command(app, runner, tmp_path):
    app.config["IMPORT_UPLOAD_DIR"] = str(tmp_path / "uploads")
    stale, fresh = waiting_upload(tmp_path / "uploads", "a", 1.5), waiting_upload(tmp_path / "uploads", "b", 0.5)
    result = runner.invoke(args=["data", "purge-uploads"])
    assert result.exit_code == 0 and "Deleted 1 import uploads" in result.output
    assert not stale.exists() and fresh.exists()


def test_uploads_never_applied_are_deleted_after_a_day_on_start(tmp_path):
    stale = waiting_upload(tmp_path / "uploads", "a", 2)
    fresh = waiting_upload(tmp_path / "uploads", "b", 0.1)
    _app(tmp_path, load_sample=False, IMPORT_UPLOAD_DIR=str(tmp_path / "uploads"))
    assert not stale.exists() and fresh.exists()
