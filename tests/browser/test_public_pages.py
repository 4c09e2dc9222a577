"""What a person does with a mouse and keyboard: leaving quickly, no traces, accessibility."""

import json
from urllib.parse import urlparse

import pytest

from tests.browser.axe import accessibility_violations

EXIT_HOST = "www.bbc.co.uk"


@pytest.fixture
def a_service_path(sample_client):
    html = sample_client.get("/search?q=refuge").get_data(as_text=True)
    start = html.index('href="/services/') + len('href="')
    return html[start : html.index('"', start)]


@pytest.fixture
def public_paths(a_service_path):
    return ["/", "/search?q=domestic+abuse", "/search?category=sexual-violence&access=open_to_all",
            a_service_path, "/safety", "/no-such-page"]


@pytest.fixture
def exit_site(context):
    """Stands in for the neutral site, so leaving needs no network."""
    context.route(f"https://{EXIT_HOST}/**", lambda route: route.fulfill(body="<title>Weather</title>Weather",
                                                                        content_type="text/html"))


def test_exit_this_page_button_leaves_and_replaces_the_page_in_history(page, live_server, exit_site):
    page.goto(live_server + "/")
    page.goto(live_server + "/search?q=rape")
    page.get_by_role("button", name="Exit this page").click()
    page.wait_for_url(f"https://{EXIT_HOST}/**")
    page.go_back()
    assert urlparse(page.url).path == "/", "Back must not return to the page the person left"


def test_pressing_shift_three_times_leaves(page, live_server, exit_site):
    page.goto(live_server + "/search?q=forced+marriage")
    page.locator("body").click()
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(f"https://{EXIT_HOST}/**")
    assert page.title() == "Weather"


def test_exit_link_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    context.route(f"https://{EXIT_HOST}/**", lambda route: route.fulfill(body="Weather", content_type="text/html"))
    page = context.new_page()
    page.goto(live_server + "/safety")
    link = page.get_by_role("button", name="Exit this page")
    assert link.get_attribute("rel") == "nofollow noreferrer"
    link.click()
    page.wait_for_url(f"https://{EXIT_HOST}/**")
    context.close()


def test_public_pages_request_nothing_from_other_hosts_and_set_no_cookies(page, context, live_server, public_paths,
                                                                          record_hosts):
    hosts = record_hosts(page)
    for path in public_paths:
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
    assert hosts == {urlparse(live_server).netloc}
    assert context.cookies() == []
    assert page.evaluate("() => [localStorage.length, sessionStorage.length]") == [0, 0]


def test_search_and_filters_work_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_label("What do you need help with?").fill("domestic abuse")
    page.get_by_role("button", name="Search", exact=True).click()
    all_results = int(page.locator("#results-count").inner_text().split()[0])
    page.get_by_text("Filter results").click()
    page.get_by_label("Open regardless of immigration status").check()
    page.get_by_role("button", name="Apply filters").click()
    filtered = int(page.locator("#results-count").inner_text().split()[0])
    assert 0 < filtered < all_results
    assert "domestic abuse" not in page.title().lower()
    context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_public_pages_have_no_accessibility_violations(browser, live_server, public_paths, width):
    # bypass_csp lets the test inject axe-core; the pages themselves are served with their usual policy.
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
    page = context.new_page()
    failures = {}
    for path in public_paths:
        page.goto(live_server + path)
        if violations := accessibility_violations(page):
            failures[path] = violations
    context.close()
    assert failures == {}, json.dumps(failures, indent=1)


def test_use_my_location_fills_the_form_and_shows_nearest_first(browser, live_server):
    context = browser.new_context(geolocation={"latitude": 50.82264, "longitude": -0.13719},
                                  permissions=["geolocation"])
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_role("button", name="Use my location").click()
    page.wait_for_url("**/search?**")
    query = page.url.split("?", 1)[1]
    assert "lat=50.82" in query and "lon=-0.14" in query, "coordinates are rounded before they leave the browser"
    assert "of your location" in page.locator("#results-place").inner_text()
    miles = [float(text.split()[0]) for text in page.locator(".app-distance").all_inner_texts() if text[0].isdigit()]
    assert miles and miles == sorted(miles)
    context.close()


def test_without_javascript_there_is_no_location_button_and_place_search_still_works(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    assert not page.get_by_role("button", name="Use my location").is_visible()
    page.get_by_label("Where?").fill("Crawley")
    page.get_by_role("button", name="Search", exact=True).click()
    assert "of Crawley" in page.locator("#results-place").inner_text()
    context.close()
