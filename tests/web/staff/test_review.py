"""Listings due for review: the date arithmetic, the order, the counts and the dashboard."""

import re
from datetime import date, timedelta

import pytest

from directory.listings.review import due_counts_by_organisation, months_before, review_due
from directory.models import Role, ServiceStatus
from tests.factories import make_organization, make_service, make_user, sign_in

TODAY = date(2026, 8, 31)


@pytest.mark.parametrize(
    "day,months,expected",
    [
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
        (date(2028, 8, 31), 6, date(2028, 2, 29)),  # a leap year
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 5, 31), 1, date(2026, 4, 30)),
        (date(2026, 3, 15), 6, date(2025, 9, 15)),
        (date(2026, 1, 10), 1, date(2025, 12, 10)),
        (date(2028, 2, 29), 12, date(2027, 2, 28)),
        (date(2026, 8, 31), 24, date(2024, 8, 31)),
        (date(2026, 8, 31), 0, date(2026, 8, 31)),
    ],
)
def test_months_before_keeps_the_day_or_uses_the_last_day_of_a_shorter_month(day, months, expected):
    assert months_before(day, months) == expected


def test_listings_are_due_when_unchecked_for_the_period_never_checked_first(session):
    make_service(session, "Checked last week", last_verified_on=TODAY - timedelta(days=7))
    make_service(session, "Checked on the last day of February", last_verified_on=date(2026, 2, 28))
    make_service(session, "Checked the day before", last_verified_on=date(2026, 2, 27))
    make_service(session, "Checked two years ago", last_verified_on=date(2024, 8, 1))
    make_service(session, "Never checked B", last_verified_on=None)
    make_service(session, "Never checked A", last_verified_on=None)
    make_service(session, "Unpublished and old", last_verified_on=date(2025, 12, 1), published=False)
    make_service(session, "Temporarily closed", last_verified_on=date(2025, 1, 1),
                 status=ServiceStatus.TEMPORARILY_CLOSED)
    make_service(session, "Closed for good", last_verified_on=None, status=ServiceStatus.DEFUNCT)

    due = [service.name for service in review_due(session, TODAY, 6)]

    assert due == ["Never checked A", "Never checked B", "Checked two years ago", "Temporarily closed",
                   "Unpublished and old", "Checked the day before"]


def test_the_review_period_is_a_parameter(session):
    make_service(session, "Checked in May", last_verified_on=date(2026, 5, 1))
    assert review_due(session, TODAY, 6) == []
    assert [service.name for service in review_due(session, TODAY, 3)] == ["Checked in May"]


def test_due_listings_are_counted_per_organisation_most_first(session):
    trust, refuge, quiet = (make_organization(session, name) for name in ("Sussex Support Trust", "Refuge Sussex",
                                                                          "Up To Date Org"))
    for name in ("One", "Two"):
        make_service(session, f"Refuge {name}", organization=refuge, last_verified_on=None)
    make_service(session, "Trust old", organization=trust, last_verified_on=date(2025, 1, 1))
    make_service(session, "Trust recent", organization=trust, last_verified_on=date(2026, 8, 1))
    make_service(session, "Trust gone", organization=trust, last_verified_on=None, status=ServiceStatus.DEFUNCT)
    make_service(session, "Quiet recent", organization=quiet, last_verified_on=date(2026, 7, 1))

    assert due_counts_by_organisation(session, TODAY, 6) == [("Refuge Sussex", 2), ("Sussex Support Trust", 1)]


@pytest.fixture
def editor_client(client, session):
    sign_in(client, make_user(session, Role.EDITOR))
    return client


def test_the_dashboard_lists_due_listings_with_who_checked_them_and_when(app, editor_client, session):
    today = date.today()
    long_unchecked = make_service(session, "Long unchecked", organization=make_organization(session, "Hastings Help"),
                                  last_verified_on=months_before(today, 7), last_verified_by="Sam Checker",
                                  published=False)
    make_service(session, "Never looked at", last_verified_on=None)
    make_service(session, "Fresh", last_verified_on=today)
    session.commit()

    response = editor_client.get("/staff/review")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert html.index("Never looked at") < html.index("Long unchecked")
    assert "Fresh" not in html
    assert "Sam Checker" in html and "Hastings Help" in html
    assert "Never checked" in html and "Not published" in html
    assert "2 listings due" in html
    assert re.search(r"Hastings Help</td>\s*<td[^>]*>1</td>", html)
    assert f'href="/staff/services/{long_unchecked.id}"' in html

    app.config["REVIEW_PERIOD_MONTHS"] = 12
    html = editor_client.get("/staff/review").get_data(as_text=True)
    assert "Long unchecked" not in html and "1 listing due" in html


def test_officers_cannot_see_the_dashboard(client, session):
    sign_in(client, make_user(session, Role.OFFICER))
    assert client.get("/staff/review").status_code == 403
    assert "Due for review" not in client.get("/staff/").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/staff/review")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
