"""Reporting a problem with a service page, as an anonymous visitor does it."""

import re
import time

import pytest
from sqlmodel import select

from directory.models import ProblemReport, ReportStatus, ServiceStatus
from tests.factories import csrf_token, make_service

COOKIE = "__Host-ssd_session"  # the session cookie, as named when it is Secure (the default)


def title(response) -> str:
    return re.search(r"<title[^>]*>(.*?)</title>", response.get_data(as_text=True), re.S).group(1).strip()


@pytest.fixture
def refuge(session):
    service = make_service(session, "Sussex Women's Refuge")
    session.commit()
    return service


def send_report(client, service, **fields):
    path = f"/services/{service.id}/report"
    return client.post(path, data={"csrf_token": csrf_token(client, path), **fields})


def test_every_service_page_links_to_its_report_form_and_sets_no_cookie(client, refuge):
    response = client.get(f"/services/{refuge.id}")
    assert "Set-Cookie" not in response.headers
    assert f'href="/services/{refuge.id}/report">Report a problem with this page</a>' in response.get_data(as_text=True)


def test_after_opening_the_form_other_public_pages_still_set_no_cookie(client, refuge):
    client.get(f"/services/{refuge.id}/report")
    for path in ("/", f"/services/{refuge.id}", "/search?q=refuge", "/safety"):
        assert "Set-Cookie" not in client.get(path).headers, path


def test_the_report_form_asks_what_is_wrong_and_nothing_about_the_visitor(client, refuge):
    response = client.get(f"/services/{refuge.id}/report")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert title(response) == "Report a problem with a page – Safe Space Directory"
    assert "Refuge" not in title(response)
    for choice in ("The phone number or email is wrong", "The address or opening hours are wrong",
                   "The service has closed or moved", "Who the service is for is wrong", "Something else"):
        assert choice in html
    assert "Do not include your name or any personal details" in html
    assert 'data-module="govuk-character-count"' in html and 'data-maxlength="1000"' in html
    fields = re.findall(r'<(?:input|textarea|select|button)[^>]*\sname="([^"]+)"', html)
    assert set(fields) == {"csrf_token", "kind", "details", "submit"}


def test_opening_and_sending_the_form_set_no_cookie(client, session, refuge):
    opened = client.get(f"/services/{refuge.id}/report")
    assert "Set-Cookie" not in opened.headers
    assert "cookie" not in opened.get_data(as_text=True).lower()

    response = send_report(client, refuge, kind="contact_details", details="The number rings out.")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/services/{refuge.id}/report/sent"
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie(COOKIE) is None
    thanks = client.get(response.headers["Location"])
    assert "Thank you, your report has been sent" in thanks.get_data(as_text=True)
    assert title(thanks) == "Report sent – Safe Space Directory"
    assert "Set-Cookie" not in thanks.headers
    report = session.exec(select(ProblemReport)).one()
    assert (report.service_id, report.kind, report.details, report.status) == (
        refuge.id, "contact_details", "The number rings out.", ReportStatus.OPEN)


def test_details_are_optional(client, session, refuge):
    assert send_report(client, refuge, kind="closed_or_moved", details="  ").status_code == 302
    assert session.exec(select(ProblemReport)).one().details is None


def test_a_line_break_counts_as_one_character_as_the_counter_shows(client, session, refuge):
    details = ("x" * 99 + "\r\n") * 10  # 1,000 characters once each line break is one
    assert send_report(client, refuge, kind="something_else", details=details).status_code == 302
    assert len(session.exec(select(ProblemReport)).one().details) == 999  # the last line break is trimmed


def test_details_over_1000_characters_are_refused_with_a_field_error(client, session, refuge):
    response = send_report(client, refuge, kind="something_else", details="x" * 1001)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Details must be 1,000 characters or fewer" in html
    assert title(response).startswith("Error: ")
    assert session.exec(select(ProblemReport)).all() == []


def test_choosing_what_is_wrong_is_required(client, session, refuge):
    html = send_report(client, refuge, details="Wrong").get_data(as_text=True)
    assert "Select what is wrong" in html and "Not a valid choice" not in html
    assert session.exec(select(ProblemReport)).all() == []


def test_an_unknown_kind_is_refused(client, session, refuge):
    assert send_report(client, refuge, kind="admin").status_code == 200
    assert session.exec(select(ProblemReport)).all() == []


@pytest.mark.parametrize("fields", [{"published": False}, {"status": ServiceStatus.INACTIVE},
                                    {"status": ServiceStatus.DEFUNCT}])
def test_a_service_that_is_not_public_cannot_be_reported(client, session, refuge, fields):
    hidden = make_service(session, "Hidden service", **fields)
    session.commit()
    path = f"/services/{hidden.id}/report"
    assert client.get(path).status_code == 404
    token = csrf_token(client, f"/services/{refuge.id}/report")
    assert client.post(path, data={"csrf_token": token, "kind": "something_else"}).status_code == 404
    assert session.exec(select(ProblemReport)).all() == []


@pytest.mark.parametrize("service_id", ["not-a-uuid", "6f1d2c4e-0000-4000-8000-000000000000"])
def test_an_unknown_service_cannot_be_reported(client, refuge, service_id):
    assert client.get(f"/services/{service_id}/report").status_code == 404
    assert client.get(f"/services/{service_id}/report/sent").status_code == 404


@pytest.mark.parametrize("token", [None, "", "forged", "sign-in"])
def test_a_form_without_a_valid_token_is_refused(app, client, session, refuge, token):
    path = f"/services/{refuge.id}/report"
    if token == "forged":  # a genuine token with its signature altered
        token = csrf_token(client, path)[:-2] + "xx"
    elif token == "sign-in":  # the session-bound token of another form is not this form's
        token = csrf_token(client, "/login")
    fields = {"kind": "something_else"} | ({"csrf_token": token} if token is not None else {})
    assert client.post(path, data=fields).status_code == 400
    assert session.exec(select(ProblemReport)).all() == []


def test_a_token_older_than_the_time_limit_is_refused(client, session, refuge, monkeypatch):
    path = f"/services/{refuge.id}/report"
    token = csrf_token(client, path)
    two_hours_on = time.time() + 2 * 3600
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: two_hours_on)
    assert client.post(path, data={"csrf_token": token, "kind": "something_else"}).status_code == 400
    assert session.exec(select(ProblemReport)).all() == []


def test_sending_reports_is_throttled(client, session, refuge):
    codes = [send_report(client, refuge, kind="something_else").status_code for _ in range(7)]
    assert codes == [302] * 5 + [429, 429]
    assert len(session.exec(select(ProblemReport)).all()) == 5
    assert client.get(f"/services/{refuge.id}/report").status_code == 200  # reading the form is not limited


def test_a_nul_character_gets_a_clear_refusal_not_an_error(client, refuge):
    assert send_report(client, refuge, kind="other", details="bad\x00byte").status_code == 400
    assert client.post("/login", data={"email": "a\x00@example.org", "password": "x"}).status_code == 400
