"""The second step of signing in: setting up an authenticator app, codes, recovery codes, replay, resets."""

import re

import pyotp
import pytest
from sqlmodel import select

from directory.accounts.audit import SecurityEvent
from directory.accounts.second_factor import SecondFactor
from directory.models import ChangeRecord, Role
from directory.web.staff import access
from tests.factories import (
    PASSWORD,
    SECOND_FACTOR_SECRET,
    csrf_token,
    current_code,
    forget_last_code,
    make_user,
    sign_in,
)


def enter_password(client, user):
    return client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "email": user.email,
                                       "password": PASSWORD})


def enter_code(client, code, path="/login/code"):
    return client.post(path, data={"csrf_token": csrf_token(client, path), "code": code})


def set_up(client, user) -> list[str]:
    """Sign in for the first time, setting up an app the way a person would; returns the recovery codes shown."""
    assert enter_password(client, user).headers["Location"] == "/login/set-up"
    page = client.get("/login/set-up").get_data(as_text=True)
    key = re.search(r'id="second-factor-key">([A-Z2-7]+)<', page).group(1)
    response = enter_code(client, pyotp.TOTP(key).now(), "/login/set-up")
    assert response.status_code == 200
    return re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.get_data(as_text=True))


def actions(session, user):
    session.expire_all()
    return [c.action for c in session.exec(select(ChangeRecord).where(ChangeRecord.entity_id == user.id))]


def test_an_editor_sets_up_an_authenticator_app_at_first_sign_in(client, session):
    editor = make_user(session, Role.EDITOR, second_factor=False)
    assert enter_password(client, editor).headers["Location"] == "/login/set-up"
    page = client.get("/login/set-up").get_data(as_text=True)
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in page
    key = re.search(r'id="second-factor-key">([A-Z2-7]+)<', page).group(1)
    assert client.get("/staff/").status_code == 302  # not signed in yet

    wrong = enter_code(client, "000000" if pyotp.TOTP(key).now() != "000000" else "111111", "/login/set-up")
    assert "Enter the 6-digit code your authenticator app shows now" in wrong.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302

    response = enter_code(client, pyotp.TOTP(key).now(), "/login/set-up")
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.get_data(as_text=True))
    assert len(set(codes)) == 10
    assert client.get("/staff/").status_code == 200
    factor = session.get(SecondFactor, editor.id)
    assert factor.secret == key and factor.confirmed_at is not None
    assert all(h.startswith("$argon2id$") for h in factor.recovery_code_hashes)
    assert not any(code.replace("-", "") in str(factor.recovery_code_hashes) for code in codes)
    assert actions(session, editor) == ["created", "second factor set up"]

    # Next time: the code, never the set-up page (which would show the key again).
    other = client.application.test_client()
    assert enter_password(other, editor).headers["Location"] == "/login/code"
    assert other.get("/login/set-up").headers["Location"] == "/login/code"


def logged(session) -> list[SecurityEvent]:
    """The security log's sign-in and second-factor rows, oldest first."""
    session.expire_all()
    return [row for row in session.exec(select(SecurityEvent).order_by(SecurityEvent.id))
            if row.kind.startswith(("second_factor", "sign_in"))]


def test_a_wrong_code_is_refused(client, session):
    editor = make_user(session, Role.EDITOR)
    enter_password(client, editor)
    right = current_code()
    response = enter_code(client, str((int(right) + 1) % 1_000_000).zfill(6))
    assert "Enter the 6-digit code your authenticator app shows now" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    assert [(event.kind, event.account_id) for event in logged(session)] == [("second_factor_failed", editor.id)]
    assert enter_code(client, right).headers["Location"] == "/staff/"
    assert [event.kind for event in logged(session)][1:] == ["second_factor_ok", "sign_in_ok"]


def test_a_code_is_refused_a_second_time(app, session):
    editor = make_user(session, Role.EDITOR)
    first, second = app.test_client(), app.test_client()
    code = current_code()
    enter_password(first, editor)
    assert enter_code(first, code).headers["Location"] == "/staff/"
    enter_password(second, editor)
    response = enter_code(second, code)
    assert response.status_code == 200 and "Enter the 6-digit code" in response.get_data(as_text=True)
    assert second.get("/staff/").status_code == 302


def test_a_recovery_code_works_once(app, session):
    editor = make_user(session, Role.EDITOR, second_factor=False)
    codes = set_up(app.test_client(), editor)
    client = app.test_client()
    enter_password(client, editor)
    response = enter_code(client, codes[3].upper())  # as typed from paper: any case, with the hyphen
    assert response.headers["Location"] == "/staff/"
    assert "9 left" in client.get("/staff/").get_data(as_text=True)

    again = app.test_client()
    enter_password(again, editor)
    assert "Enter the 6-digit code" in enter_code(again, codes[3]).get_data(as_text=True)
    assert again.get("/staff/").status_code == 302


def test_an_admin_reset_signs_the_person_out_and_they_set_up_again(app, session):
    admin = make_user(session, Role.ADMIN)
    editor = make_user(session, Role.EDITOR)
    admin_client, editor_client = app.test_client(), app.test_client()
    sign_in(editor_client, editor)
    sign_in(admin_client, admin)
    path = f"/staff/users/{editor.id}"
    assert "Reset second factor" in admin_client.get(path).get_data(as_text=True)
    response = admin_client.post(f"{path}/second-factor/reset", data={"csrf_token": csrf_token(admin_client, path)})
    assert response.status_code == 302
    assert editor_client.get("/staff/").status_code == 302  # signed out everywhere
    assert session.get(SecondFactor, editor.id) is None
    assert actions(session, editor) == ["created", "second factor reset"]
    reset = [event for event in logged(session) if event.kind == "second_factor_reset"]
    assert [(event.account_id, event.by_id) for event in reset] == [(editor.id, admin.id)]
    assert "Second factor" in admin_client.get(path).get_data(as_text=True)  # the history shows the change
    # The old app's codes are worthless: the next sign-in sets up a new one.
    assert enter_password(app.test_client(), editor).headers["Location"] == "/login/set-up"


@pytest.mark.parametrize("officers_too", [True, False])
def test_officers_need_a_second_factor_unless_the_deployment_says_otherwise(app, session, officers_too):
    app.config["OFFICER_SECOND_FACTOR"] = officers_too
    officer = make_user(session, Role.OFFICER, second_factor=False)
    editor = make_user(session, Role.EDITOR, second_factor=False)
    client = app.test_client()
    expected = "/login/set-up" if officers_too else "/staff/"
    assert enter_password(client, officer).headers["Location"] == expected
    assert (client.get("/staff/").status_code == 200) is not officers_too
    assert enter_password(app.test_client(), editor).headers["Location"] == "/login/set-up"


def test_an_officer_signed_in_with_a_password_alone_is_signed_out_when_made_an_editor(app, session):
    app.config["OFFICER_SECOND_FACTOR"] = False
    officer = make_user(session, Role.OFFICER, second_factor=False)
    client = app.test_client()
    enter_password(client, officer)
    assert client.get("/staff/").status_code == 200
    officer.role = Role.EDITOR
    session.commit()
    assert client.get("/staff/").status_code == 302


def test_the_code_step_lasts_five_minutes(client, session, monkeypatch):
    editor = make_user(session, Role.EDITOR)
    enter_password(client, editor)
    token = csrf_token(client, "/login/code")
    monkeypatch.setattr(access, "PASSWORD_ACCEPTED_SECONDS", -1)  # as if five minutes had passed
    response = client.post("/login/code", data={"csrf_token": token, "code": current_code()})
    assert response.headers["Location"] == "/login"
    assert client.get("/staff/").status_code == 302


def test_the_code_step_without_a_password_goes_back_to_sign_in(client, session):
    make_user(session, Role.EDITOR)
    assert client.get("/login/code").headers["Location"] == "/login"
    assert client.get("/login/set-up").headers["Location"] == "/login"


def test_the_code_step_is_throttled_per_account(app, session):
    editor = make_user(session, Role.EDITOR)
    wrong = str((int(current_code()) + 500_000) % 1_000_000).zfill(6)
    client = app.test_client()
    enter_password(client, editor)
    token = csrf_token(client, "/login/code")
    statuses = [client.post("/login/code", data={"csrf_token": token, "code": wrong},
                            environ_base={"REMOTE_ADDR": f"203.0.113.{attempt}"}).status_code
                for attempt in range(7)]  # from a new address each time: the count follows the account
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]


def test_sign_in_keeps_working_for_the_test_helpers(client, session):
    """The factories' accounts share a known secret; the helper forgets the last code so tests may sign in often."""
    editor = make_user(session, Role.EDITOR)
    for _ in range(4):
        assert sign_in(client, editor).headers["Location"] == "/staff/"
        client.post("/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    forget_last_code(client.application.extensions["database"], editor.email)
    assert session.get(SecondFactor, editor.id).secret == SECOND_FACTOR_SECRET


def test_the_command_line_resets_a_second_factor_for_an_admin_locked_out(app, runner, session):
    admin = make_user(session, Role.ADMIN)
    result = runner.invoke(args=["users", "reset-second-factor", "Admin@Example.org"])
    assert result.exit_code == 0, result.output
    assert enter_password(app.test_client(), admin).headers["Location"] == "/login/set-up"
    assert actions(session, admin) == ["created", "second factor reset"]
