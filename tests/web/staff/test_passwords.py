"""Passwords: common and easily guessed ones are refused everywhere one is set; people change their own."""

import pytest
from sqlmodel import select

from directory.accounts import users as accounts
from directory.accounts.audit import SecurityEvent
from directory.models import ChangeRecord, Role
from tests.factories import PASSWORD, csrf_token, make_user, sign_in

# From the security review (all were accepted), plus one in capitals: the check ignores letter case.
COMMON = ["Password1234", "qwertyuiop12", "123456789012", "PASSWORD1234"]


@pytest.mark.parametrize("password", COMMON)
def test_a_common_password_is_refused_for_a_new_account(client, session, password):
    sign_in(client, make_user(session, Role.ADMIN))
    response = client.post("/staff/users/new", data={
        "csrf_token": csrf_token(client, "/staff/users/new"), "email": "new@example.org", "name": "New Officer",
        "role": "officer", "password": password, "confirm": password})
    assert response.status_code == 200
    assert "Password is too easy to guess" in response.get_data(as_text=True)
    assert accounts.find_by_email(session, "new@example.org") is None


@pytest.mark.parametrize("password", COMMON)
def test_a_common_password_is_refused_on_a_reset(client, session, password):
    sign_in(client, make_user(session, Role.ADMIN))
    officer = make_user(session, Role.OFFICER)
    path = f"/staff/users/{officer.id}/password"
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "password": password,
                                       "confirm": password})
    assert "Password is too easy to guess" in response.get_data(as_text=True)
    session.expire_all()
    assert accounts.authenticate(session, officer.email, PASSWORD) is not None


@pytest.mark.parametrize("password", COMMON)
def test_a_common_password_is_refused_when_changing_your_own(client, session, password):
    editor = make_user(session, Role.EDITOR)
    sign_in(client, editor)
    path = "/staff/account/password"
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "current": PASSWORD,
                                       "password": password, "confirm": password})
    assert "Password is too easy to guess" in response.get_data(as_text=True)
    session.expire_all()
    assert accounts.authenticate(session, editor.email, PASSWORD) is not None


def test_the_command_line_refuses_a_common_password(runner, session):
    result = runner.invoke(args=["users", "create", "chief@example.org", "--role", "admin", "--name", "Cath Chief"],
                           input="Password1234\n")
    assert result.exit_code != 0
    assert "too easy to guess" in result.output


def test_changing_your_own_password_signs_out_your_other_sessions_only(app, session):
    editor = make_user(session, Role.EDITOR)
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(elsewhere, editor)
    sign_in(here, editor)
    path = "/staff/account/password"
    response = here.post(path, data={"csrf_token": csrf_token(here, path), "current": PASSWORD,
                                     "password": "plum harbour lantern gravel", "confirm": "plum harbour lantern gravel"})
    assert response.headers["Location"] == "/staff/"
    assert "You have been signed out on any other device" in here.get("/staff/").get_data(as_text=True)
    assert here.get("/staff/services").status_code == 200
    assert elsewhere.get("/staff/").status_code == 302
    session.expire_all()
    assert accounts.authenticate(session, editor.email, "plum harbour lantern gravel") is not None
    assert [c.action for c in session.exec(select(ChangeRecord).where(ChangeRecord.entity_id == editor.id))] == [
        "created", "password changed"]
    changed = session.exec(select(SecurityEvent).where(SecurityEvent.kind == "password_changed")).one()
    assert (changed.account_id, changed.by_id) == (editor.id, editor.id)


def test_changing_your_own_password_needs_the_current_one(client, session):
    editor = make_user(session, Role.EDITOR)
    sign_in(client, editor)
    path = "/staff/account/password"
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "current": "not my password!",
                                       "password": "plum harbour lantern gravel", "confirm": "plum harbour lantern gravel"})
    assert "Enter your current password correctly" in response.get_data(as_text=True)
    session.expire_all()
    assert accounts.authenticate(session, editor.email, PASSWORD) is not None
    assert client.get("/staff/").status_code == 200


def test_every_staff_page_links_to_changing_your_password(client, session):
    sign_in(client, make_user(session, Role.OFFICER))
    assert 'href="/staff/account/password"' in client.get("/staff/").get_data(as_text=True)
