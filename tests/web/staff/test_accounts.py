"""Accounts: the CLI, signing in and out, throttling, session safety and account management."""

from datetime import timedelta

import pytest
from sqlmodel import select

from directory.accounts import users as accounts
from directory.models import ChangeRecord, Role, User
from tests.factories import PASSWORD, csrf_token, make_user, sign_in


def test_the_first_admin_is_created_from_the_command_line_with_the_password_on_stdin(app, runner, session):
    result = runner.invoke(args=["users", "create", "Chief@Example.org", "--role", "admin", "--name", " Cath Chief "],
                           input="a long admin password\n")
    assert result.exit_code == 0, result.output
    user = session.exec(select(User)).one()
    assert (user.email, user.name, user.role) == ("chief@example.org", "Cath Chief", Role.ADMIN)
    assert user.password_hash.startswith("$argon2id$")
    assert "a long admin password" not in user.password_hash
    assert accounts.authenticate(session, "chief@example.org", "a long admin password") is not None


def test_the_command_line_asks_for_a_name_and_never_takes_the_email_or_the_password_for_it(app, runner, session):
    piped = runner.invoke(args=["users", "create", "chief@example.org", "--role", "admin"],
                          input="a long admin password\n")
    assert piped.exit_code != 0
    assert "Give the person's name with --name" in piped.output
    blank = runner.invoke(args=["users", "create", "chief@example.org", "--role", "admin", "--name", "  "],
                          input="a long admin password\n")
    assert blank.exit_code != 0
    assert "Enter the person's name" in blank.output
    assert session.exec(select(User)).all() == []


def test_the_command_line_refuses_a_short_password_and_creates_nothing(app, runner, session):
    result = runner.invoke(args=["users", "create", "chief@example.org", "--role", "admin", "--name", "Cath Chief"],
                           input="short\n")
    assert result.exit_code != 0
    assert "12 characters" in result.output
    assert session.exec(select(User)).all() == []


def test_the_password_is_never_a_command_line_argument(runner):
    result = runner.invoke(args=["users", "create", "x@example.org", "--role", "admin", "--password", "secret"])
    assert result.exit_code != 0


def test_signing_in_starts_a_fresh_session_and_lands_on_staff_home(client, session):
    user = make_user(session, Role.EDITOR)
    token_before = csrf_token(client, "/login")
    response = sign_in(client, user)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    # Session fixation: the pre-sign-in session (and its CSRF token) does not carry over.
    assert csrf_token(client, "/staff/") != token_before
    assert client.get("/staff/").status_code == 200


@pytest.mark.parametrize("email,password", [("editor@example.org", "wrong password!!"),
                                            ("nobody@example.org", PASSWORD)])
def test_a_failed_sign_in_says_the_same_whether_or_not_the_account_exists(client, session, email, password):
    make_user(session, Role.EDITOR)
    response = client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "email": email,
                                           "password": password})
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_a_disabled_account_cannot_sign_in_and_is_signed_out_at_once(app, session):
    admin = make_user(session, Role.ADMIN)
    editor = make_user(session, Role.EDITOR)
    editor_client, admin_client = app.test_client(), app.test_client()
    sign_in(editor_client, editor)
    assert editor_client.get("/staff/").status_code == 200
    sign_in(admin_client, admin)
    path = f"/staff/users/{editor.id}"
    response = admin_client.post(f"{path}/disable", data={"csrf_token": csrf_token(admin_client, path)})
    assert response.status_code == 302
    assert editor_client.get("/staff/").status_code == 302
    assert "Enter a correct email address" in sign_in(app.test_client(), editor).get_data(as_text=True)


def test_the_last_admin_cannot_be_disabled(client, session):
    admin = make_user(session, Role.ADMIN)
    sign_in(client, admin)
    path = f"/staff/users/{admin.id}"
    client.post(f"{path}/disable", data={"csrf_token": csrf_token(client, path)})
    session.refresh(admin)
    assert admin.active


def test_sign_in_is_throttled(app, client, session):
    make_user(session, Role.EDITOR)
    token = csrf_token(client, "/login")
    codes = [client.post("/login", data={"csrf_token": token, "email": "editor@example.org",
                                         "password": "wrong password!!"}).status_code for _ in range(7)]
    assert codes[:5] == [200] * 5
    assert codes[5:] == [429, 429]
    # Another officer behind the same force address can still sign in.
    other = make_user(session, Role.OFFICER, email="officer@example.org")
    assert sign_in(client, other).status_code == 302


def test_forms_without_a_csrf_token_are_refused(client, session):
    make_user(session, Role.EDITOR)
    client.get("/login")
    response = client.post("/login", data={"email": "editor@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/staff/").status_code == 302


def test_an_admin_adds_an_account_resets_a_password_and_it_is_recorded(client, session):
    admin = make_user(session, Role.ADMIN)
    sign_in(client, admin)
    response = client.post("/staff/users/new", data={
        "csrf_token": csrf_token(client, "/staff/users/new"), "email": "new.officer@example.org",
        "name": "New Officer", "role": "officer", "password": "another long password", "confirm":
        "another long password"})
    assert response.status_code == 302
    officer = accounts.find_by_email(session, "new.officer@example.org")
    assert officer.role == Role.OFFICER
    path = f"/staff/users/{officer.id}/password"
    client.post(path, data={"csrf_token": csrf_token(client, path), "password": "a brand new password",
                            "confirm": "a brand new password"})
    session.expire_all()
    assert accounts.authenticate(session, officer.email, "a brand new password") is not None
    actions = [c.action for c in session.exec(select(ChangeRecord).where(ChangeRecord.entity_id == officer.id))]
    assert actions == ["created", "password reset"]


def test_new_account_errors_are_shown_field_by_field(client, session):
    sign_in(client, make_user(session, Role.ADMIN))
    response = client.post("/staff/users/new", data={
        "csrf_token": csrf_token(client, "/staff/users/new"), "email": "not-an-email", "name": "",
        "role": "editor", "password": "short", "confirm": "different"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    for message in ("Enter an email address in the correct format", "Enter the person", "12 characters",
                    "The passwords do not match"):
        assert message in page


def test_signing_out_ends_the_session(client, session):
    sign_in(client, make_user(session, Role.OFFICER))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    assert client.get("/staff/").status_code == 302


def test_a_copied_session_cookie_is_worthless_after_signing_out(app, session):
    client = app.test_client()
    sign_in(client, make_user(session, Role.ADMIN))
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    client.post("/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    assert thief.get("/staff/users").status_code == 302


def test_a_session_cookie_replayed_from_another_browser_is_dropped(app, session):
    client = app.test_client()
    sign_in(client, make_user(session, Role.EDITOR))
    assert client.get("/staff/", headers={"User-Agent": "Firefox/1"}).status_code == 302


def test_a_sign_in_lasts_a_shift_and_ends_with_the_browser(app, session):
    client = app.test_client()
    response = sign_in(client, make_user(session, Role.EDITOR))
    assert "Expires" not in response.headers["Set-Cookie"]  # a browser session: gone when the browser closes
    assert client.get("/staff/").status_code == 200
    app.config["STAFF_SESSION_LIFETIME"] = timedelta(seconds=0)
    assert client.get("/staff/").status_code == 302
