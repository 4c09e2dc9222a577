"""The public site in every language, in a real browser: accessible at phone and desktop widths, right to
left where the language is, nothing from other hosts, no cookie, results first on a phone, and a visit
that Back cannot bring back after Exit this page."""

import json
from urllib.parse import urlparse

import pytest

from directory.languages import LANGUAGES
from tests.browser.axe import accessibility_violations

EXIT_HOST = "www.bbc.co.uk"
BEFORE = "https://news.example/"  # what the person was reading before they came to the directory


@pytest.fixture(scope="module")
def a_service(sample_app):
    html = sample_app.test_client().get("/search?q=refuge").get_data(as_text=True)
    start = html.index('href="/services/') + len('href="/services/')
    return html[start: html.index('"', start)].split("?")[0]


@pytest.fixture(scope="module")
def pages(a_service):
    return ["/", "/search?q=domestic+abuse&where=Crawley&access=open_to_all", f"/services/{a_service}?q=refuge",
            f"/services/{a_service}/report", "/safety", "/if-you-tell-the-police", "/help-without-the-police",
            "/no-such-page"]


@pytest.fixture
def outside_world(context):
    """The exit page and the page before the visit, served here so that leaving needs no network."""
    for address, title in ((f"https://{EXIT_HOST}/**", "Weather"), (BEFORE, "News")):
        context.route(address, lambda route, title=title: route.fulfill(
            body=f"<title>{title}</title>{title}", content_type="text/html"))


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_every_public_page_in_every_language_is_accessible_private_and_fits(browser, live_server, pages, language,
                                                                          width, record_hosts):
    # bypass_csp lets the test inject axe-core; the pages themselves are served with their usual policy.
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
    page = context.new_page()
    hosts = record_hosts(page)
    prefix = "" if language.code == "en" else f"/{language.code}"
    failures, too_wide = {}, []
    for path in pages:
        page.goto(live_server + prefix + path)
        assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == \
            [language.code, language.direction]
        if page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth"):
            too_wide.append(path)
        if violations := accessibility_violations(page):
            failures[path] = violations
    cookies = context.cookies()
    context.close()
    assert failures == {}, json.dumps(failures, indent=1, ensure_ascii=False)
    assert too_wide == [], "pages that scroll sideways"
    assert hosts == {urlparse(live_server).netloc}
    assert cookies == []


@pytest.mark.parametrize("code", ["en", "pl", "ar"])
def test_on_a_phone_the_count_and_the_first_result_are_on_the_first_screen(browser, live_server, code):
    context = browser.new_context(viewport={"width": 375, "height": 667})
    page = context.new_page()
    page.goto(live_server + ("" if code == "en" else f"/{code}") + "/search?q=domestic+abuse&where=Brighton")
    for selector in ("#search-summary", "#results-count", "#results .app-result h3"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["y"] + box["height"] <= 667, f"{selector} is below the first screen"
    page.get_by_role("link", name="Change").click() if code == "en" else page.locator("#search-summary a").click()
    assert page.evaluate("() => document.activeElement.id") == "q", "Change goes to the search box"
    context.close()


def test_after_exit_back_never_shows_a_directory_page(page, live_server, outside_world):
    page.goto(BEFORE)
    page.goto(live_server + "/")
    page.get_by_label("What do you need help with?").fill("domestic abuse")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/search?**")
    page.locator("#results h3 a").first.click()
    page.wait_for_url("**/services/**")
    page.get_by_role("link", name="Back to results").click()
    page.wait_for_url("**/search?**")
    page.locator("#results h3 a").nth(1).click()
    page.wait_for_url("**/services/**")
    page.get_by_role("button", name="Exit this page").click()
    page.wait_for_url(f"https://{EXIT_HOST}/**")
    seen = []
    for _ in range(3):
        page.go_back()
        seen.append(page.url)
    assert not [url for url in seen if url.startswith(live_server)], seen
    assert seen[0] == BEFORE


def test_a_report_sent_with_javascript_keeps_one_history_entry_and_shows_its_errors(page, live_server, a_service,
                                                                                    outside_world):
    page.goto(BEFORE)
    page.goto(live_server + f"/pl/services/{a_service}")
    entries = page.evaluate("() => history.length")
    page.locator("a[href$='/report']").click()
    page.wait_for_url("**/report")
    page.locator("button.govuk-button").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    page.locator("input[name=kind]").first.check()
    page.locator("button.govuk-button").click()
    page.wait_for_url("**/report/sent")
    assert page.evaluate("() => history.length") == entries
    page.go_back()
    assert page.url == BEFORE


def test_without_javascript_the_safety_page_says_what_back_will_show(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/safety")
    words = page.locator("#without-javascript").inner_text()
    assert "pressing Back after Exit this page shows the pages of this site you visited" in words
    page.goto(live_server + "/search?q=rape")
    page.locator("#results h3 a").first.click()
    page.go_back()
    assert "/search?q=rape" in page.url, "without JavaScript, links add history entries as usual"
    context.close()
