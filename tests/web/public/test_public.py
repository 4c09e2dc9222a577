"""The public pages as a visitor sees them, through Flask's test client on a real database."""

import re
from datetime import date

import pytest

from directory.models import Answer, ImmigrationStatus, ServiceStatus
from tests.factories import make_service

PUBLIC_PAGES = ["/", "/search", "/search?q=rape", "/safety"]


def title(response) -> str:
    return re.search(r"<title[^>]*>(.*?)</title>", response.get_data(as_text=True), re.S).group(1).strip()


@pytest.fixture
def listings(session, reindex):
    services = {
        "open": make_service(session, "Domestic Abuse Outreach", needs={"domestic-abuse": "Domestic abuse"},
                             immigration_status=ImmigrationStatus.OPEN_TO_ALL,
                             immigration_status_checked_on=date(2026, 3, 14),
                             nrpf_support=Answer.YES, nrpf_support_checked_on=date(2026, 4, 2),
                             address=("10 Example Street", "Brighton", "BN1 1AA"), point=(50.82, -0.14)),
        "unknown": make_service(session, "Domestic Abuse Drop-in", needs={"domestic-abuse": "Domestic abuse"}),
        "refuge": make_service(session, "Sussex Women's Refuge", needs={"housing-refuge": "Housing and refuge"},
                               confidential_location=True, address=("7 Hidden Lane", "Hove", "BN3 9ZZ"),
                               point=(50.8312, -0.1734)),
        "closed": make_service(session, "Closed Counselling Service", status=ServiceStatus.INACTIVE),
    }
    reindex()
    return services


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_set_no_cookies_and_send_no_referrer(client, listings, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_the_exit_button_and_sample_data_notice(client, listings, path):
    html = client.get(path).get_data(as_text=True)
    assert 'data-module="govuk-exit-this-page"' in html
    assert 'rel="nofollow noreferrer"' in html
    assert "illustrative sample data" in html


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_pages_load_nothing_from_other_hosts(client, listings, path):
    html = client.get(path).get_data(as_text=True)
    loaded = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="([^"]+)"', html)
    assert loaded and all(url.startswith("/") for url in loaded)


def test_page_titles_never_contain_the_search_words(client, listings):
    for words in ("rape", "forced marriage", "domestic abuse"):
        response = client.get("/search", query_string={"q": words})
        assert words not in title(response).lower()
    assert title(client.get(f"/services/{listings['refuge'].id}")) == "Service details – Safe Space Directory"


def test_home_page_lists_needs_to_browse(client, listings):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/search?category=domestic-abuse"' in html
    assert "Housing and refuge" in html


def test_search_finds_services_and_shows_a_count(client, listings):
    html = client.get("/search?q=dv").get_data(as_text=True)
    assert "2 services found" in html
    assert "Domestic Abuse Outreach" in html and "Domestic Abuse Drop-in" in html


def test_open_regardless_filter_never_includes_unknown_status(client, listings):
    html = client.get("/search?q=domestic&access=open_to_all").get_data(as_text=True)
    assert "1 service found" in html
    assert "Domestic Abuse Outreach" in html
    assert "Domestic Abuse Drop-in" not in html


def test_unknown_is_said_as_not_known_never_as_yes(client, listings):
    html = client.get(f"/services/{listings['unknown'].id}").get_data(as_text=True)
    assert "Open regardless of immigration status" not in html
    assert "Not known: ask the service" in html
    assert "Yes, whatever your immigration status" not in html


def test_service_page_shows_each_answer_with_the_date_it_was_checked(client, listings):
    html = client.get(f"/services/{listings['open'].id}").get_data(as_text=True)
    assert "Yes, whatever your immigration status" in html
    assert "Checked on 14 March 2026" in html
    assert "Checked on 2 April 2026" in html
    assert "10 Example Street, Brighton, BN1 1AA" in html


def test_a_confidential_address_is_never_in_any_public_response(client, listings):
    refuge = listings["refuge"]
    for path in (f"/services/{refuge.id}", "/search", "/search?q=refuge", "/search?category=housing-refuge"):
        html = client.get(path).get_data(as_text=True)
        for secret in ("Hidden Lane", "BN3 9ZZ", "50.8312", "-0.1734"):
            assert secret not in html, (path, secret)
    assert "0 services found" in client.get("/search?q=hidden+lane").get_data(as_text=True)
    assert "The address is kept confidential" in client.get(f"/services/{refuge.id}").get_data(as_text=True)


def test_inactive_services_are_not_public(client, listings):
    assert client.get(f"/services/{listings['closed'].id}").status_code == 404
    assert "Closed Counselling Service" not in client.get("/search?q=counselling").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/services/not-a-uuid", "/services/6f1d2c4e-0000-4000-8000-000000000000", "/nowhere"])
def test_unknown_pages_get_the_404_page(client, listings, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        {"q": "x" * 10_000},
        {"q": '"*?:()[]{}^~'},
        {"q": "' OR 1=1; DROP TABLE service; --"},
        {"q": "a\x00b", "category": "\x00"},
        {"page": "-5"},
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"category": "no-such-need", "access": "admin", "language": "zz", "audience": "x" * 500},
    ],
)
def test_bad_input_gets_a_normal_results_page(client, listings, query):
    response = client.get("/search", query_string=query)
    assert response.status_code == 200
    assert "found" in response.get_data(as_text=True)


def test_invalid_utf8_in_the_address_is_not_an_error(client, listings):
    response = client.get("/search?q=%ff%fe%00&category=%c3%28")
    assert response.status_code == 200


def test_filters_apply_without_javascript_and_stay_ticked(client, listings):
    html = client.get("/search?category=housing-refuge").get_data(as_text=True)
    assert "1 service found" in html
    assert re.search(r'value="housing-refuge"\s+checked', html)


def test_results_are_paged_with_links_that_keep_the_search(client, session, reindex):
    for number in range(45):
        make_service(session, f"Listening service {number:02d}", needs={"mental-health": "Mental health"})
    reindex()
    html = client.get("/search?category=mental-health&page=2").get_data(as_text=True)
    assert "45 services found" in html
    assert "Listening service 20" in html and "Listening service 19" not in html
    assert 'href="/search?category=mental-health&amp;page=3"' in html
    assert 'href="/search?category=mental-health&amp;page=1"' in html
