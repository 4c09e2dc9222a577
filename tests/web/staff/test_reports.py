"""The problem-report queue: reports arrive from the public form, editors resolve or dismiss them."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from directory.listings import reports
from directory.models import ProblemReport, ReportStatus, Role
from tests.factories import csrf_token, make_service, make_user, sign_in


def reported(session, service, kind="something_else", details=None, received=None) -> ProblemReport:
    report = reports.create_report(session, service, kind, details)
    if received:
        report.created_at = received
    session.commit()
    return report


def handle(client, report, action):
    return client.post(f"/staff/reports/{report.id}/{action}",
                       data={"csrf_token": csrf_token(client, "/staff/reports")})


def test_a_visitors_report_lands_in_the_queue(client, session):
    service = make_service(session, "Brighton Advocacy Service")
    session.commit()
    path = f"/services/{service.id}/report"
    client.post(path, data={"csrf_token": csrf_token(client, path), "kind": "address_or_hours",
                            "details": "They open at 10 now, not 9."})
    sign_in(client, make_user(session, Role.EDITOR))

    html = client.get("/staff/reports").get_data(as_text=True)

    assert "Brighton Advocacy Service" in html and "Sussex Support Trust" in html
    assert "The address or opening hours are wrong" in html
    assert "They open at 10 now, not 9." in html
    assert f'href="/services/{service.id}"' in html and f'href="/staff/services/{service.id}"' in html
    assert "Open (1)" in html


def test_open_reports_are_listed_oldest_first(session):
    now = datetime.now(timezone.utc)
    service = make_service(session)
    newest = reported(session, service, received=now)
    oldest = reported(session, service, received=now - timedelta(days=9))
    middle = reported(session, service, received=now - timedelta(days=2))
    assert [report.id for report, _ in reports.open_reports(session)] == [oldest.id, middle.id, newest.id]


@pytest.mark.parametrize("action,status,button", [("resolve", ReportStatus.RESOLVED, "Mark resolved"),
                                                  ("dismiss", ReportStatus.DISMISSED, "Dismiss")])
def test_an_editor_resolves_or_dismisses_a_report_and_who_and_when_are_kept(client, session, action, status,
                                                                             button):
    report = reported(session, make_service(session, "Hove Counselling"), details="Closed since June.")
    sign_in(client, make_user(session, Role.EDITOR, name="Priya Editor"))
    assert button in client.get("/staff/reports").get_data(as_text=True)
    before = datetime.now(timezone.utc)

    response = handle(client, report, action)

    assert response.status_code == 302 and response.headers["Location"] == "/staff/reports"
    session.refresh(report)
    assert report.status == status
    assert report.handled_by == "Priya Editor"
    assert before - timedelta(seconds=1) <= report.handled_at.replace(tzinfo=timezone.utc) <= datetime.now(
        timezone.utc)
    queue = client.get("/staff/reports").get_data(as_text=True)
    assert "Hove Counselling" not in queue and "There are no open reports." in queue
    handled = client.get(f"/staff/reports?status={status.value}").get_data(as_text=True)
    assert f'/staff/reports?status={status.value}" aria-current="page"' in handled
    assert "Hove Counselling" in handled and "Closed since June." in handled
    assert f"{status.value.capitalize()} by Priya Editor" in handled


def test_a_report_handled_by_someone_else_first_is_not_handled_again(client, session):
    report = reported(session, make_service(session))
    first = make_user(session, Role.EDITOR, email="first@example.org", name="First Editor")
    reports.dismiss_report(session, report, first)
    session.commit()
    sign_in(client, make_user(session, Role.EDITOR, email="second@example.org", name="Second Editor"))

    handle(client, report, "resolve")

    session.refresh(report)
    assert (report.status, report.handled_by) == (ReportStatus.DISMISSED, "First Editor")
    assert "already dismissed by First Editor" in client.get("/staff/reports").get_data(as_text=True)


def test_the_counts_cover_every_state(session):
    service, editor = make_service(session), make_user(session, Role.EDITOR)
    reported(session, service)
    reports.resolve_report(session, reported(session, service), editor)
    reports.resolve_report(session, reported(session, service), editor)
    assert reports.report_counts(session) == {ReportStatus.OPEN: 1, ReportStatus.RESOLVED: 2,
                                              ReportStatus.DISMISSED: 0}


def test_handling_a_report_needs_the_csrf_token(client, session):
    report = reported(session, make_service(session))
    sign_in(client, make_user(session, Role.EDITOR))
    assert client.post(f"/staff/reports/{report.id}/resolve").status_code == 400
    session.refresh(report)
    assert report.status == ReportStatus.OPEN


def test_an_unknown_report_is_not_found(client, session):
    sign_in(client, make_user(session, Role.EDITOR))
    response = client.post("/staff/reports/6f1d2c4e-0000-4000-8000-000000000000/resolve",
                           data={"csrf_token": csrf_token(client, "/staff/reports")})
    assert response.status_code == 404


def test_officers_cannot_see_or_handle_reports(client, session):
    report = reported(session, make_service(session), details="Private words")
    sign_in(client, make_user(session, Role.OFFICER))
    page = client.get("/staff/reports")
    assert page.status_code == 403 and "Private words" not in page.get_data(as_text=True)
    token = csrf_token(client, "/staff/")
    assert client.post(f"/staff/reports/{report.id}/resolve", data={"csrf_token": token}).status_code == 403
    assert "Problem reports" not in client.get("/staff/").get_data(as_text=True)
    session.refresh(report)
    assert report.status == ReportStatus.OPEN


def test_anonymous_visitors_are_sent_to_sign_in(client, session):
    report = reported(session, make_service(session))
    response = client.get("/staff/reports")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.post(f"/staff/reports/{report.id}/dismiss").status_code == 400  # no session, no token
    session.refresh(report)
    assert report.status == ReportStatus.OPEN


def test_editors_see_the_queue_in_the_staff_navigation(client, session):
    sign_in(client, make_user(session, Role.EDITOR))
    html = client.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/reports"' in html and 'href="/staff/review"' in html


def test_no_personal_data_is_kept_with_a_report():
    columns = set(ProblemReport.model_fields)
    assert columns == {"id", "service_id", "kind", "details", "created_at", "status", "handled_by", "handled_at"}


def test_reports_only_come_in_the_kinds_the_form_offers(session):
    with pytest.raises(ValueError):
        reports.create_report(session, make_service(session), "anything", None)
    assert session.exec(select(ProblemReport)).all() == []
