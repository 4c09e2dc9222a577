"""A staff sign-in is hard to steal or leave behind: safe redirects, a prefixed cookie, an idle timeout."""

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest

from directory import config
from directory.models import Role
from tests.factories import PASSWORD, csrf_token, current_code, forget_last_code, make_user, sign_in


def sign_in_going_to(client, user, target: str):
    """Password (with next=), then the authenticator-app code: the response that decides where to go."""
    response = client.post("/login", query_string={"next": target},
                           data={"csrf_token": csrf_token(client, "/login"), "email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/login/code"
    forget_last_code(client.application.extensions["database"], user.email)
    return client.post("/login/code", data={"csrf_token": csrf_token(client, "/login/code"), "code": current_code()})


@pytest.mark.parametrize("target", ["/staff/\r\nX-Injected: yes", "/staff/\nX: y", "/staff/\r", "/staff/\t"])
def test_a_line_break_in_next_lands_on_staff_home_after_signing_in(client, session, target):
    response = sign_in_going_to(client, make_user(session, Role.EDITOR), target)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"


def test_a_safe_next_is_still_followed(client, session):
    response = sign_in_going_to(client, make_user(session, Role.EDITOR), "/staff/services?page=2")
    assert response.headers["Location"] == "/staff/services?page=2"


@pytest.mark.parametrize(("secure", "name"), [("1", "__Host-ssd_session"), ("0", "ssd_session")])
def test_the_session_cookie_is_host_prefixed_whenever_it_is_secure(tmp_path, monkeypatch, secure, name):
    """Browsers accept a __Host- cookie only with Secure, Path=/ and no Domain: no subdomain can plant or read it."""
    monkeypatch.setenv("SESSION_COOKIE_SECURE", secure)
    assert config.from_environment(str(tmp_path))["SESSION_COOKIE_NAME"] == name


def test_the_signed_in_cookie_meets_the_host_prefix_rules(app, client, session):
    user = make_user(session, Role.EDITOR)
    response = client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "email": user.email,
                                           "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-ssd_session=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie


def test_a_sign_in_left_idle_ends_while_one_in_use_lasts(app, client, session, monkeypatch):
    app.config["STAFF_IDLE_LIFETIME"] = timedelta(minutes=30)
    sign_in(client, make_user(session, Role.EDITOR))
    signed_in_at = time.time()

    def minutes_on(minutes: float) -> None:
        monkeypatch.setattr("directory.web.staff.access.time", SimpleNamespace(time=lambda: signed_in_at + minutes * 60))

    minutes_on(29)
    assert client.get("/staff/").status_code == 200
    minutes_on(58)  # an hour after signing in, but used 29 minutes ago
    assert client.get("/staff/").status_code == 200
    minutes_on(89)
    response = client.get("/staff/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
