"""What a person does with a mouse and keyboard: leaving quickly, searching without JavaScript, "near me".

Accessibility, privacy and fit of every public page in every language: test_languages_and_history.py.
"""

from urllib.parse import urlparse

import pytest

EXIT_HOST = "www.bbc.co.uk"


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
    page.locator("h1").click()  # focus the page without following a link
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


def test_gov_uk_script_runs_under_the_content_security_policy_on_a_page_drawn_and_a_page_kept(page, live_server):
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    for _ in range(2):  # the second is sent from the worker's memory (directory/web/page_cache.py)
        page.goto(live_server + "/search?q=stalking")
        assert "js-enabled" in page.locator("body").get_attribute("class")
    assert refused == []
