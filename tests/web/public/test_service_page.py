"""A service page says when it was last checked, warns when that was long ago, and keeps professional
details for signed-in officers and staff."""

import re
from datetime import date, timedelta

import pytest

from directory.conditions import SharingStance
from directory.listings.review import months_before
from directory.models import Contact, Role
from tests.factories import csrf_token, make_service, make_user, sign_in
from tests.pages import AnswerRows

STALE_WORDS = "may be out of date"
PROFESSIONAL = {"referral_line": "01632 960999", "secure_email": "referrals@advocacy.cjsm.net",
                "referral_criteria": "Referrals only from police or probation"}


def service_page(client, session, **fields) -> str:
    service = make_service(session, "Advocacy Service", **fields)
    session.commit()
    return client.get(f"/services/{service.id}").get_data(as_text=True)


def test_the_page_says_when_the_listing_was_last_checked(client, session):
    html = service_page(client, session, last_verified_on=date(2026, 10, 1))
    assert "Checked on 1 October 2026" in html
    assert STALE_WORDS not in html


def test_a_listing_checked_just_over_twice_the_review_period_ago_carries_a_warning(client, session):
    checked = months_before(date.today(), 12) - timedelta(days=1)
    html = service_page(client, session, last_verified_on=checked)
    assert "govuk-warning-text" in html
    assert f"These details were last checked on {checked.day} {checked:%B %Y} and may be out of date. " \
           "Contact the service to confirm." in html


def test_no_warning_until_twice_the_review_period_has_passed(client, session):
    html = service_page(client, session, last_verified_on=months_before(date.today(), 12))
    assert STALE_WORDS not in html and "govuk-warning-text" not in html


def test_a_never_checked_listing_says_so_and_carries_a_warning(client, session):
    html = service_page(client, session, last_verified_on=None)
    assert "Not yet checked" in html
    assert "We have not yet checked these details with the service, so they may be out of date." in html


def test_the_warning_follows_the_configured_review_period(app, client, session):
    app.config["REVIEW_PERIOD_MONTHS"] = 3
    html = service_page(client, session, last_verified_on=months_before(date.today(), 7))
    assert STALE_WORDS in html


def test_professional_details_are_never_sent_to_anonymous_visitors(client, session):
    html = service_page(client, session, **PROFESSIONAL)
    assert "For professionals" not in html
    for value in PROFESSIONAL.values():
        assert value not in html


@pytest.mark.parametrize("role", [Role.OFFICER, Role.EDITOR, Role.ADMIN])
def test_signed_in_officers_and_staff_see_professional_details(client, session, role):
    sign_in(client, make_user(session, role))
    html = service_page(client, session, **PROFESSIONAL)
    assert "For professionals" in html
    for value in PROFESSIONAL.values():
        assert value in html


def test_after_signing_out_professional_details_are_gone(client, session):
    sign_in(client, make_user(session, Role.OFFICER))
    service = make_service(session, **PROFESSIONAL)
    session.commit()
    path = f"/services/{service.id}"
    assert PROFESSIONAL["secure_email"] in client.get(path).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    assert PROFESSIONAL["secure_email"] not in client.get(path).get_data(as_text=True)


def test_only_web_addresses_become_links(client, session):
    html = service_page(client, session, url="javascript:alert(1)")
    assert 'href="javascript:' not in html and "javascript:alert(1)" in html


@pytest.mark.parametrize(("stance", "answer", "tag"), [
    (SharingStance.NEVER_SHARES, "Never shares your information with the Home Office or Immigration Enforcement",
     "govuk-tag--green"),
    (SharingStance.HOME_OFFICE_CONTRACT, "Works under a Home Office contract and shares information with the "
     "Home Office", "govuk-tag--grey"),
    (SharingStance.UNKNOWN, "Not known: ask the service", "govuk-tag--yellow"),
])
def test_every_page_says_what_the_service_shares_with_the_home_office(client, session, stance, answer, tag):
    checked = date(2026, 9, 4) if stance != SharingStance.UNKNOWN else None
    html = service_page(client, session, data_sharing_stance=stance, data_sharing_stance_checked_on=checked,
                        data_sharing_stance_note="In their words." if checked else None)
    row = AnswerRows(html).rows["What they share with the Home Office"]
    assert (row["answer"], row["tag"]) == (answer, tag)
    assert row["checked"] == ("Checked on 4 September 2026" if checked else "Not yet checked")
    assert row.get("note") == ("In their words." if checked else None)


def test_the_sharing_filter_finds_only_confirmed_answers(client, session, reindex):
    make_service(session, "Never shares line", data_sharing_stance=SharingStance.NEVER_SHARES)
    make_service(session, "Consent line", data_sharing_stance=SharingStance.CONSENT_OR_RISK)
    make_service(session, "Contract line", data_sharing_stance=SharingStance.HOME_OFFICE_CONTRACT)
    make_service(session, "Unknown line")
    reindex()
    html = client.get("/search", query_string={"access": "data_sharing_stance"}).get_data(as_text=True)
    assert "2 services found" in html
    assert "Never shares line" in html and "Consent line" in html
    assert "Contract line" not in html and "Unknown line" not in html


def links_on(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_unsafe_values_stored_before_validation_are_never_live_links(client, session):
    service = make_service(session, "Advocacy Service", email="help@example.org?bcc=someone@elsewhere.example",
                           url="javascript:alert(document.domain)")
    session.add(Contact(service_id=service.id, name="Duty team", email="duty@example.org&cc=a@evil.example"))
    session.commit()
    html = client.get(f"/services/{service.id}").get_data(as_text=True)
    assert "help@example.org?bcc=someone@elsewhere.example" in html  # still said, as plain text
    hrefs = links_on(html)
    assert not [href for href in hrefs if href.lower().startswith(("mailto:", "javascript:"))]


def test_a_valid_address_is_a_mailto_link_that_cannot_add_recipients(client, session):
    html = service_page(client, session, email="x?bcc=a%40evil.example@example.org", url="https://example.org/help")
    assert "mailto:x%3Fbcc%3Da%2540evil.example@example.org" in links_on(html)
    assert "https://example.org/help" in links_on(html)
