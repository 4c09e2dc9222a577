"""The security log: what is written (to the log the server really emits, and to the table admins read),
what never is, and the admins' page."""

import logging
import re

from sqlmodel import Session, select

from directory.accounts import audit
from directory.accounts.audit import SecurityEvent
from directory.models import ChangeRecord, Role
from tests.factories import PASSWORD, csrf_token, make_service, make_user, sign_in
from tests.web.staff.test_transfers import apply, upload

WRONG = "not the password at all"


def events(app, *kinds: str) -> list[SecurityEvent]:
    """The security log's rows, oldest first (of these kinds)."""
    with Session(app.extensions["database"]) as session:
        rows = session.exec(select(SecurityEvent).order_by(SecurityEvent.id))
        return [row for row in rows if not kinds or row.kind in kinds]


def security_lines(caplog, kind: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records
            if record.name == audit.LOGGER_NAME and record.getMessage().startswith(f"security {kind} ")]


def client_from(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def try_password(client, email: str, password: str = WRONG):
    return client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "email": email,
                                       "password": password})


def test_a_sign_in_is_logged_at_info_by_the_configured_logger_and_reaches_standard_error(app, session, caplog,
                                                                                          capsys):
    # No caplog.set_level: the app's own configuration must let INFO through (Python's default drops it).
    editor = make_user(session, Role.EDITOR)
    assert sign_in(client_from(app, "203.0.113.77"), editor).status_code == 302
    [record] = security_lines(caplog, "sign_in_ok")
    assert record.levelno == logging.INFO
    assert f"sign_in_ok (Signed in) account={editor.id}" in record.getMessage()
    assert "network=203.0.113.0/24" in record.getMessage()
    assert "sign_in_ok" in capsys.readouterr().err
    [event] = events(app, "sign_in_ok")
    assert (event.kind, event.account_id, event.network) == ("sign_in_ok", editor.id, "203.0.113.0/24")


def test_a_failed_sign_in_names_an_account_that_exists_and_never_the_password_or_a_typed_email(app, session, caplog):
    editor = make_user(session, Role.EDITOR)
    client = client_from(app, "2001:db8:abcd:12::7")
    try_password(client, editor.email)
    try_password(client, "Nobody.Here@example.org", "my secret guess")
    known, unknown = events(app, "sign_in_failed")
    assert (known.kind, known.account_id, known.network) == ("sign_in_failed", editor.id, "2001:db8:abcd::/48")
    assert (unknown.kind, unknown.account_id) == ("sign_in_failed", None)
    written = " ".join(record.getMessage() for record in caplog.records) + repr(events(app))
    for secret in (WRONG, "my secret guess", "nobody.here", "2001:db8:abcd:12::7", editor.email):
        assert secret not in written.lower()
    assert [record.levelno for record in security_lines(caplog, "sign_in_failed")] == [logging.WARNING] * 2


def test_a_lockout_is_logged_against_the_account(app, session):
    editor = make_user(session, Role.EDITOR)
    client = client_from(app, "198.51.100.20")
    codes = [try_password(client, editor.email).status_code for _ in range(6)]
    assert codes[-1] == 429
    throttled = events(app, "sign_in_throttled")
    assert [(event.account_id, event.network) for event in throttled] == [(editor.id, "198.51.100.0/24")]


def test_a_flood_of_refused_requests_is_logged_each_time_but_stored_once_a_minute(app, session, caplog):
    refuge = make_service(session, "Sussex Women's Refuge")
    session.commit()
    client = client_from(app, "192.0.2.5")
    path = f"/services/{refuge.id}/report"
    codes = [client.post(path, data={"csrf_token": csrf_token(client, path), "kind": "contact_details"}).status_code
             for _ in range(8)]
    assert codes == [302] * 5 + [429] * 3
    assert [(e.network, e.detail) for e in events(app, "throttled")] == [("192.0.2.0/24", "public.report_problem")]
    assert len(security_lines(caplog, "throttled")) == 3


def test_a_refused_page_is_logged_with_who_asked_for_it(app, session):
    officer = make_user(session, Role.OFFICER)
    client = app.test_client()
    sign_in(client, officer)
    assert client.get("/staff/export/everything.zip").status_code == 403
    forbidden = events(app, "forbidden")
    assert [(e.account_id, e.detail) for e in forbidden] == [(officer.id, "staff.export_full_package")]


def test_a_full_export_is_logged_where_the_server_emits_it(app, session, caplog, capsys):
    admin = make_user(session, Role.ADMIN)
    client = app.test_client()
    sign_in(client, admin)
    assert client.get("/staff/export/everything.zip").status_code == 200
    assert any(f"full_export (Full export (confidential addresses included)) account={admin.id}" in r.getMessage()
               for r in security_lines(caplog, "full_export"))
    assert "Full export" in capsys.readouterr().err
    assert [e.account_id for e in events(app, "full_export")] == [admin.id]


def test_applying_an_import_is_logged(app, session, tmp_path):
    app.config["IMPORT_UPLOAD_DIR"] = str(tmp_path / "uploads")
    service = make_service(session, "Harbour advice line")
    admin = make_user(session, Role.ADMIN)
    client = app.test_client()
    sign_in(client, admin)
    package = client.get("/staff/export/public.zip").data
    service.description = "Changed since the export, so the export changes it back."
    session.commit()
    assert apply(client, upload(client, package, "public.zip").get_data(as_text=True)).status_code == 302
    [applied] = events(app, "import_applied")
    assert applied.account_id == admin.id
    assert re.fullmatch(r"\d+ records created, \d+ updated", applied.detail)


def test_account_changes_are_security_events_that_point_at_their_history(app, session):
    admin = make_user(session, Role.ADMIN)
    client = app.test_client()
    sign_in(client, admin)
    client.post("/staff/users/new", data={"csrf_token": csrf_token(client, "/staff/users/new"),
                                          "email": "new.officer@example.org", "name": "New Officer",
                                          "role": "officer", "password": "another long password",
                                          "confirm": "another long password"})
    officer = session.exec(select(ChangeRecord).where(ChangeRecord.entity_name == "new.officer@example.org")).first()
    path = f"/staff/users/{officer.entity_id}"
    client.post(path, data={"csrf_token": csrf_token(client, path), "name": "New Officer", "role": "editor"})
    client.post(path, data={"csrf_token": csrf_token(client, path), "name": "Renamed Officer", "role": "editor"})
    client.post(f"{path}/password", data={"csrf_token": csrf_token(client, f"{path}/password"),
                                          "password": "a brand new password", "confirm": "a brand new password"})
    client.post(f"{path}/disable", data={"csrf_token": csrf_token(client, path)})
    client.post(f"{path}/enable", data={"csrf_token": csrf_token(client, path)})

    changes = [e for e in events(app) if e.account_id == officer.entity_id]
    assert [e.kind for e in changes] == ["account_created", "role_changed", "password_reset", "account_disabled",
                                         "account_enabled"]  # a new name is history only
    assert {e.by_id for e in changes} == {admin.id}
    assert changes[1].detail == "officer to editor"
    history = {c.id: c.action for c in session.exec(select(ChangeRecord).where(
        ChangeRecord.entity_id == officer.entity_id))}
    assert [history[e.change_id] for e in changes] == ["created", "updated", "password reset", "disabled", "enabled"]


def test_admins_read_the_security_log_newest_first_a_page_at_a_time(app, session):
    admin = make_user(session, Role.ADMIN)
    for number in range(55):
        audit.security_event(session, "forbidden", detail=f"page {number}")
    session.commit()
    client = app.test_client()
    sign_in(client, admin)
    page = client.get("/staff/security-log").get_data(as_text=True)
    assert re.search(r'href="/staff/security-log"[^>]*>Security log</a>', page)
    rows = re.findall(r'<tr class="govuk-table__row">\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>([^<]*)</td>\s*'
                      r'<td[^>]*>([^<]*)</td>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>([^<]*)</td>', page)
    assert len(rows) == 50
    assert rows[0] == ("Signed in", admin.email, "127.0.0.0/24")
    assert rows[1][0] == "Second factor accepted" and rows[2][0] == "Refused: not allowed (403)"
    assert "page 54" in page and "page 5<" not in page
    second = client.get("/staff/security-log?page=2").get_data(as_text=True)
    assert "page 5<" in second and "page 0<" in second and "page 54" not in second


def test_an_editor_gets_no_link_to_the_security_log(app, session):
    client = app.test_client()
    sign_in(client, make_user(session, Role.EDITOR))
    assert "/staff/security-log" not in client.get("/staff/").get_data(as_text=True)
    assert client.get("/staff/security-log").status_code == 403


def test_one_account_is_locked_after_ten_failures_from_any_number_of_addresses(app, session):
    editor = make_user(session, Role.EDITOR)
    other = make_user(session, Role.OFFICER)
    codes = [try_password(client_from(app, f"198.51.{n}.1"), editor.email).status_code for n in range(10)]
    assert codes == [200] * 10
    # The eleventh guess, from yet another address, is refused; so is the right password for now.
    assert try_password(client_from(app, "203.0.113.1"), editor.email).status_code == 429
    assert try_password(client_from(app, "203.0.113.2"), editor.email, PASSWORD).status_code == 429
    # Other accounts are untouched, even from an address that guessed.
    assert try_password(client_from(app, "198.51.3.1"), other.email, PASSWORD).status_code == 302


def test_successful_sign_ins_do_not_use_up_the_account_limit(app, session):
    editor = make_user(session, Role.EDITOR)
    for n in range(12):
        assert try_password(client_from(app, f"198.51.{n}.1"), editor.email, PASSWORD).status_code == 302
    assert try_password(client_from(app, "198.51.99.1"), editor.email).status_code == 200
