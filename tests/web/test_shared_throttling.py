"""Throttling under the production server: gunicorn's workers count sign-in attempts once, together.

These start real processes: gunicorn with gunicorn.conf.py and two workers, and a redis-server of their
own on a free port. CI (.ci/run) installs redis-server and fails if these tests were skipped.
"""

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from directory.config import several_workers_problem
from directory.models import Role
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]
WRONG = "not the password at all"
needs_redis = pytest.mark.skipif(shutil.which("redis-server") is None,
                                 reason="redis-server is not installed (apt-get install redis-server)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(app, **settings) -> dict:
    """The environment of a production start on the test app's database and index."""
    return {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"],
            "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"], "SECRET_KEY": secrets.token_hex(32),
            "LOAD_SAMPLE_DATA": "0", "SESSION_COOKIE_SECURE": "0", "THROTTLING": "1", **settings}


def gunicorn(port: int, environment: dict, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w", "2", "--bind",
               f"127.0.0.1:{port}", "app:create_app()"]
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT)


def wait_until(ready, process: subprocess.Popen, log: Path, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} stopped:\n{log.read_text()}")
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"not ready after {seconds} s:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def redis_url(tmp_path):
    port = free_port()
    log = tmp_path / "redis.log"
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)],
                              stdout=log.open("w"), stderr=subprocess.STDOUT)

    def answers() -> bool:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")

    try:
        wait_until(answers, server, log)
        yield f"redis://127.0.0.1:{port}"
    finally:
        stop(server)


def get(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    return connection.getresponse()


def sign_in_request(cookie: str, token: str, email: str) -> bytes:
    body = urlencode({"csrf_token": token, "email": email, "password": WRONG}).encode()
    head = (f"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nConnection: close\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


def status_of(connection: socket.socket) -> int:
    reply = b""
    while b"\r\n" not in reply:
        chunk = connection.recv(4096)
        if not chunk:
            break
        reply += chunk
    return int(reply.split(b" ", 2)[1])


def send(port: int, request: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        return status_of(connection)


@needs_redis
def test_five_wrong_passwords_across_two_workers_lock_the_sixth_out(app, session, tmp_path, redis_url):
    editor = make_user(session, Role.EDITOR)
    port, log = free_port(), tmp_path / "gunicorn.log"
    server = gunicorn(port, server_environment(app, RATELIMIT_STORAGE_URI=redis_url), log)
    try:
        wait_until(lambda: get(port, "/login").status == 200, server, log)
        page = get(port, "/login")
        cookie = page.getheader("Set-Cookie").split(";", 1)[0]
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.read().decode()).group(1)
        attempt = sign_in_request(cookie, token, editor.email)

        # Half a request keeps one worker waiting (sync workers serve one connection at a time), so the
        # next three attempts must go to the other worker; then the first worker finishes the held one.
        with socket.create_connection(("127.0.0.1", port), timeout=30) as held:
            held.sendall(attempt[:-1])
            codes = [send(port, attempt) for _ in range(3)]
            held.sendall(attempt[-1:])
            codes.append(status_of(held))
        codes += [send(port, attempt) for _ in range(2)]
    finally:
        stop(server)
    # Counted apart (memory://), neither worker would have seen more than five.
    assert codes == [200, 200, 200, 200, 200, 429]


def test_gunicorn_refuses_several_workers_that_would_each_count_alone(app, tmp_path):
    log = tmp_path / "gunicorn.log"
    server = gunicorn(free_port(), server_environment(app, RATELIMIT_STORAGE_URI="memory://"), log)
    try:
        assert server.wait(timeout=120) != 0
    finally:
        stop(server)
    assert "Not starting: 2 workers would each count sign-in and form limits on their own" in log.read_text()


@pytest.mark.parametrize("workers, settings, refused", [
    (2, {}, True),
    (2, {"RATELIMIT_STORAGE_URI": "memory://"}, True),
    (1, {}, False),
    (5, {"RATELIMIT_STORAGE_URI": "redis://cache:6379"}, False),
    (5, {"THROTTLING": "0"}, False),  # load tests turn throttling off: nothing is counted
])
def test_several_workers_need_a_shared_store(monkeypatch, workers, settings, refused):
    for name in ("RATELIMIT_STORAGE_URI", "THROTTLING"):
        monkeypatch.delenv(name, raising=False)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    assert (several_workers_problem(workers) is not None) == refused
